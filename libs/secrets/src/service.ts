import type { Logger } from '@vigil/logger';
import { SecretKeyError, type SecretKeyring } from './keyring';
import { loadSecretKeyring, MissingSecretKeyError } from './load-keyring';

export interface SecretKeySettings {
  readonly VIGIL_SECRET_KEY?: string;
  readonly VIGIL_SECRET_KEY_PREVIOUS: readonly string[];
  readonly VIGIL_DATA_DIR: string;
  readonly DATABASE_URL?: string;
}

/**
 * A service's keyring from its settings. Without a usable key (PostgreSQL and no
 * VIGIL_SECRET_KEY, an unreadable data dir) the process ends with one log line saying how
 * to proceed and exit code 1, as an unusable database does. The key itself is never logged.
 */
export async function loadServiceSecretKeys(
  config: SecretKeySettings,
  logger: Logger,
  exit: (code: number) => never = (code) => process.exit(code),
): Promise<SecretKeyring> {
  try {
    const { keyring, created } = await loadSecretKeyring({
      key: config.VIGIL_SECRET_KEY,
      previous: config.VIGIL_SECRET_KEY_PREVIOUS,
      dataDir: config.VIGIL_DATA_DIR,
      embedded: config.DATABASE_URL === undefined,
    });
    if (created !== undefined) logger.info(`secret key: generated ${created} (keep it with the data dir: without it, stored secrets are lost)`);
    logger.info('secret key ready', { kid: keyring.current.kid });
    return keyring;
  } catch (error) {
    if (error instanceof MissingSecretKeyError || error instanceof SecretKeyError) {
      logger.error(error.message);
      return exit(1);
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== undefined) {
      logger.error(`the secret key file in ${config.VIGIL_DATA_DIR} cannot be read or written (${code})`);
      return exit(1);
    }
    throw error;
  }
}
