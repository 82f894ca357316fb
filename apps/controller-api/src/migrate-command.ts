import type { CommonConfig, DatabaseConfig } from '@vigil/config';
import { openServiceDatabase } from '@vigil/db';
import type { Logger } from '@vigil/logger';

/**
 * `node main.js migrate`: applies the pending migrations and returns, whatever VIGIL_MIGRATE
 * says. A shared PostgreSQL is migrated once, on purpose, before the services start (compose
 * runs it as a one-shot service), rather than by whichever replica starts first.
 */
export async function migrateOnly(config: CommonConfig & DatabaseConfig, logger: Logger): Promise<void> {
  const db = await openServiceDatabase({ ...config, VIGIL_MIGRATE: 'auto' }, logger);
  await db.close();
}
