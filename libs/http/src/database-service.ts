import type { CommonConfig, DatabaseConfig } from '@vigil/config';
import { connectDatabase, type Database, DatabaseError } from '@vigil/db';
import type { Logger } from '@vigil/logger';
import type { Registry } from 'prom-client';
import { bootService } from './service-app';

export interface DatabaseService<Config> {
  config: Config;
  logger: Logger;
  metrics: Registry;
  db: Database;
}

/**
 * `bootService`, then the database: opened, migrated when VIGIL_MIGRATE=auto. A database
 * that cannot be used (bad URL, server down, data directory unusable or held by another
 * process, edited migration) ends the process with one line and exit code 1.
 */
export async function bootDatabaseService<Config extends CommonConfig & DatabaseConfig>(
  service: string,
  readConfig: () => Config,
  exit: (code: number) => never = (code) => process.exit(code),
): Promise<DatabaseService<Config>> {
  const { config, logger, metrics } = bootService(service, readConfig);
  try {
    const db = await connectDatabase({
      url: config.DATABASE_URL,
      dataDir: config.VIGIL_DATA_DIR,
      migrate: config.VIGIL_MIGRATE,
      log: logger,
    });
    logger.info(`database: ${db.description}`);
    return { config, logger, metrics, db };
  } catch (error) {
    if (!(error instanceof DatabaseError)) throw error;
    logger.error(error.message, { code: error.code });
    return exit(1);
  }
}
