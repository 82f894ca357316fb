import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { DatabaseError } from '../errors';
import { engineMessage } from './apply';
import { openSchemaEngine } from './engine';
import { findPrismaDir, handWrittenObjectNames, readMigrationSet, readSchema, toMigrationList } from './files';

export interface SchemaDiff {
  /** SQL that takes a database from the migrations to schema.prisma; empty when they agree. */
  sql: string;
  /** Statements the engine proposed that only undo hand-written objects, left out of `sql`. */
  ignored: string[];
}

const EMPTY = /^--\s*This is an empty migration\.?\s*$/i;

function splitStatements(script: string): string[] {
  return script
    .split(/\n\s*\n/)
    .map((chunk) => chunk.trim())
    .filter((chunk) => chunk !== '' && !EMPTY.test(chunk));
}

function hasSql(chunk: string): boolean {
  return chunk.split('\n').some((line) => line.trim() !== '' && !line.trim().startsWith('--'));
}

/**
 * The difference between the migrations and schema.prisma, computed by Prisma's
 * schema engine on a throw-away in-memory PGlite (it replays the migrations into
 * a shadow database there). It is the drift check and the next migration's SQL.
 */
export async function diffMigrationsToSchema(options: { prismaDir?: string } = {}): Promise<SchemaDiff> {
  const prismaDir = findPrismaDir(options.prismaDir);
  const set = readMigrationSet(prismaDir);
  const schema = readSchema(prismaDir);
  const handWritten = handWrittenObjectNames(set);
  const pglite = await PGlite.create();
  const { engine, close } = await openSchemaEngine({ adapterFactory: new PrismaPGlite(pglite), schema });
  try {
    const result = await engine.diff({
      from: { tag: 'migrations', ...toMigrationList(set) },
      to: { tag: 'schemaDatamodel', files: [schema] },
      script: true,
      exitCode: null,
      filters: { externalTables: [], externalEnums: [] },
    });
    const kept: string[] = [];
    const ignored: string[] = [];
    for (const chunk of splitStatements(result.stdout ?? '')) {
      if (!hasSql(chunk)) continue;
      const undoesHandWritten = [...handWritten].some((name) => new RegExp(`\\b${name}\\b`).test(chunk));
      (undoesHandWritten ? ignored : kept).push(chunk);
    }
    return { sql: kept.length ? `${kept.join('\n\n')}\n` : '', ignored };
  } catch (error) {
    throw new DatabaseError('migration_failed', `Diffing schema.prisma against the migrations failed: ${engineMessage(error)}`, {
      cause: error,
    });
  } finally {
    await close();
    await pglite.close();
  }
}
