import { type Database, DatabaseError, openDatabase, resolveDatabaseTarget } from '@vigil/db';
import { readConfig } from './config';

/** Runs a db command: one clear line and exit 1 for a known failure, the stack only for a bug. */
export async function runCommand(body: (db: Database) => Promise<void>): Promise<void> {
  const config = readConfig();
  let db: Database | undefined;
  try {
    db = await openDatabase(resolveDatabaseTarget(config.DATABASE_URL, config.VIGIL_DATA_DIR));
    console.log(`database: ${db.description}`);
    await body(db);
  } catch (error) {
    if (error instanceof DatabaseError) {
      console.error(`error: ${error.message}`);
      process.exitCode = 1;
    } else {
      throw error;
    }
  } finally {
    await db?.close();
  }
}

export function fail(message: string, code = 2): never {
  console.error(message);
  process.exit(code);
}
