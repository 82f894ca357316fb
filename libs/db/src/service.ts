import type { CommonConfig, DatabaseConfig } from '@vigil/config';
import type { Logger } from '@vigil/logger';
import type { Database } from './client';
import { DatabaseError } from './errors';
import { connectDatabase } from './startup';

/**
 * A service's database from its configuration: opened, and migrated when
 * VIGIL_MIGRATE=auto. One that cannot be used (bad URL, server down, data directory
 * unusable or held by another process, edited migration) ends the process with one
 * log line and exit code 1, never a stack trace.
 */
export async function openServiceDatabase(
  config: CommonConfig & DatabaseConfig,
  logger: Logger,
  exit: (code: number) => never = (code) => process.exit(code),
): Promise<Database> {
  try {
    const db = await connectDatabase({
      url: config.DATABASE_URL,
      dataDir: config.VIGIL_DATA_DIR,
      migrate: config.VIGIL_MIGRATE,
      log: logger,
    });
    logger.info(`database: ${db.description}`);
    return db;
  } catch (error) {
    if (!(error instanceof DatabaseError)) throw error;
    logger.error(error.message, { code: error.code });
    return exit(1);
  }
}
