import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { resealStoredSecrets } from '@vigil/controller';
import {
  generateSecretKey,
  MissingSecretKeyError,
  NEXT_SECRET_KEY_FILE,
  readKeyFile,
  SECRET_KEY_FILE,
  SecretKeyError,
  SecretKeyring,
  writeKeyFile,
} from '@vigil/secrets';
import { readSecretKeyConfig } from '../config';
import { openCliDatabase } from '../database';
import { CliError, type Command } from '../context';

export const secretKeyGenerate: Command = {
  name: 'secret-key generate',
  summary: 'Print a new random data key (32 bytes, base64) for VIGIL_SECRET_KEY',
  description: [
    'Prints the key on stdout and nothing else, so it can go straight into a secret store:',
    '  vigil secret-key generate > secret.key && chmod 600 secret.key   (then VIGIL_SECRET_KEY_FILE=secret.key)',
    'Give the same key to the controller API, the notifier and the all-in-one.',
  ].join('\n'),
  flags: {},
  api: false,
  async run(ctx) {
    const key = generateSecretKey();
    if (ctx.json) return ctx.printJson({ key });
    ctx.print(key);
  },
};

export const secretKeyRotate: Command = {
  name: 'secret-key rotate',
  summary: 'Re-seal every stored secret under a new data key',
  description: [
    'Opens the database itself (stop the controller first for the embedded one).',
    'Embedded database with its generated secret.key: makes a new key, reseals every channel and',
    'check secret under it in one transaction, then replaces secret.key. Nothing else to do.',
    'With VIGIL_SECRET_KEY (PostgreSQL): first set the new key as VIGIL_SECRET_KEY and the old one',
    'in VIGIL_SECRET_KEY_PREVIOUS (here and on every service), then run this (or restart the',
    'controller, which reseals at start); once it reports 0 left, drop VIGIL_SECRET_KEY_PREVIOUS.',
  ].join('\n'),
  flags: {},
  api: false,
  async run(ctx) {
    const config = readSecretKeyConfig(ctx.io.env);
    const dataDirKey = config.DATABASE_URL === undefined && config.VIGIL_SECRET_KEY === undefined;
    let keyring: SecretKeyring;
    let finish = async (): Promise<void> => undefined;
    try {
      if (dataDirKey) {
        const file = join(config.VIGIL_DATA_DIR, SECRET_KEY_FILE);
        const next = join(config.VIGIL_DATA_DIR, NEXT_SECRET_KEY_FILE);
        const old = await readKeyFile(file);
        if (old === undefined) throw new CliError(`no ${file} to rotate: the embedded database makes it on its first start`);
        // A rotation that stopped half-way is finished with the key it had written.
        const newKey = (await readKeyFile(next)) ?? generateSecretKey();
        await writeKeyFile(next, newKey);
        keyring = SecretKeyring.fromText(newKey, [old, ...config.VIGIL_SECRET_KEY_PREVIOUS]);
        ctx.note(`New key ${keyring.current.kid} written to ${next}`);
        finish = async () => {
          await rename(next, file);
          ctx.note(`${file} now holds key ${keyring.current.kid}; the old key is no longer needed`);
        };
      } else {
        if (config.VIGIL_SECRET_KEY === undefined) throw new CliError(new MissingSecretKeyError().message);
        keyring = SecretKeyring.fromText(config.VIGIL_SECRET_KEY, config.VIGIL_SECRET_KEY_PREVIOUS);
      }
    } catch (error) {
      if (error instanceof SecretKeyError) throw new CliError(error.message);
      throw error;
    }
    const db = await openCliDatabase(ctx, config);
    let counts: { channels: number; checks: number };
    try {
      ctx.note(`Resealing the secrets in ${db.description} under key ${keyring.current.kid}...`);
      counts = await resealStoredSecrets(db, keyring).catch((error: unknown) => {
        if (error instanceof SecretKeyError) throw new CliError(`${error.message}; nothing was changed`);
        throw error;
      });
      ctx.note(`Resealed ${counts.channels} notification channel(s) and ${counts.checks} check(s); 0 left under other keys`);
    } finally {
      await db.close();
    }
    await finish();
    if (ctx.json) ctx.printJson({ key_id: keyring.current.kid, channels: counts.channels, checks: counts.checks });
  },
};
