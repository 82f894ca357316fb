// npm run db:migration -- <name> — writes the next migration's SQL from the difference
// between prisma/migrations and prisma/schema.prisma, computed by Prisma's schema engine.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DatabaseError, diffMigrationsToSchema, findPrismaDir } from '@vigil/db';
import { fail } from './run';

const name = process.argv[2];
if (!name || !/^[a-z][a-z0-9_]*$/.test(name)) {
  fail('usage: npm run db:migration -- <snake_case_name>   e.g. npm run db:migration -- add_check_tags');
}

function timestamp(now = new Date()): string {
  return now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

(async () => {
  const prismaDir = findPrismaDir();
  console.log('diffing prisma/migrations against prisma/schema.prisma…');
  const diff = await diffMigrationsToSchema({ prismaDir });
  if (diff.sql === '') {
    console.log('schema.prisma and the migrations agree: nothing to write');
    return;
  }
  const dir = join(prismaDir, 'migrations', `${timestamp()}_${name}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'migration.sql'), diff.sql);
  console.log(`wrote ${relative(process.cwd(), join(dir, 'migration.sql'))}:\n\n${diff.sql}`);
  console.log('Hand-written SQL (partial indexes, triggers) goes after a `-- vigil:hand-written` line at its end.');
})().catch((error: unknown) => {
  if (error instanceof DatabaseError) fail(`error: ${error.message}`, 1);
  throw error;
});
