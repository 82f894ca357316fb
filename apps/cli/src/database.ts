import { connectDatabase, type Database } from '@vigil/db';
import type { DatabaseCliConfig } from './config';
import type { CommandContext } from './context';

/**
 * The database itself, for the commands that work without a controller (recovery, key
 * rotation): one connection, and the database's warnings on stderr as the CLI's own.
 */
export function openCliDatabase(ctx: CommandContext, config: DatabaseCliConfig): Promise<Database> {
  return connectDatabase({
    url: config.DATABASE_URL,
    dataDir: config.VIGIL_DATA_DIR,
    migrate: config.VIGIL_MIGRATE,
    poolSize: 1,
    log: { info: () => undefined, warn: (message) => ctx.note(`vigil: warning: ${message}`) },
  });
}
