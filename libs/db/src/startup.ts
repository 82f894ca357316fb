import { type Database, type OpenOptions, openDatabase } from './client';
import { tightenDataDir } from './embedded-files';
import { migrate, pendingMigrations } from './migrations/apply';
import { resolveDatabaseTarget } from './target';

export interface ConnectOptions extends OpenOptions {
  /** `DATABASE_URL`: unset for the embedded database. */
  url: string | undefined;
  /** `VIGIL_DATA_DIR`: where the embedded database lives. */
  dataDir: string;
  /** `VIGIL_MIGRATE`: `auto` applies pending migrations now; `off` only reports them. */
  migrate: 'auto' | 'off';
  log: { info(message: string, fields?: object): void; warn(message: string, fields?: object): void };
}

/** What every service does with its database at start: open it, then migrate or report. */
export async function connectDatabase(options: ConnectOptions): Promise<Database> {
  const db = await openDatabase(resolveDatabaseTarget(options.url, options.dataDir), options);
  try {
    if (options.migrate === 'auto') {
      const { applied, total } = await migrate(db);
      options.log.info(applied.length ? `applied ${applied.length} migration(s)` : 'database schema is up to date', {
        database: db.description,
        applied,
        total,
      });
    } else {
      const pending = await pendingMigrations(db);
      if (pending.length) {
        options.log.warn('database has pending migrations; run npm run db:migrate (VIGIL_MIGRATE=off)', { pending });
      }
    }
    // On PostgreSQL the data dir still holds admin.key (and the spool, secret.key): made private
    // as the embedded database's is, when it exists. Not a reason to stop: a warning at most.
    if (db.kind === 'postgres') {
      await tightenDataDir(options.dataDir, options.log).catch((error: unknown) =>
        options.log.warn(`could not make the data directory ${options.dataDir} private: ${(error as Error).message}`),
      );
    }
    return db;
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
}
