import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writePrivateFile } from '@vigil/config';
import { type Database, withTransaction } from '@vigil/db';
import type { Logger } from '@vigil/logger';
import { apiKeyPrefix, generateApiKey, hashApiKey } from './api-keys';

export interface AdminKeyOptions {
  /** VIGIL_ADMIN_KEY: seeded as an admin key when set. */
  adminKey?: string;
  /** VIGIL_DATA_DIR: where a generated key is written (`admin.key`, mode 0600). */
  dataDir: string;
  logger: Logger;
  /** Where a generated key is shown, once (default: stdout). Never the logger. */
  print?: (text: string) => void;
}

export type AdminKeyOutcome =
  | { action: 'seeded' | 'present' }
  /** `key` is the generated key itself, for a caller that shows it its own way (and passes a silent `print`). */
  | { action: 'generated'; keyFile: string; key: string }
  | { action: 'none' };

export const SEEDED_KEY_NAME = 'admin (VIGIL_ADMIN_KEY)';
export const GENERATED_KEY_NAME = 'admin (generated at first start)';

/**
 * Makes sure an operator can get in. With VIGIL_ADMIN_KEY: that key exists as an admin
 * key (its hash only). Without it, on a database with no API keys at all: one admin
 * key is generated, printed once and written to $VIGIL_DATA_DIR/admin.key. An advisory
 * lock makes instances starting together on one database agree on a single key.
 */
export async function ensureAdminKey(db: Pick<Database, 'prisma'>, options: AdminKeyOptions): Promise<AdminKeyOutcome> {
  const print = options.print ?? ((text: string) => process.stdout.write(text));
  if (options.adminKey !== undefined) {
    const hash = hashApiKey(options.adminKey);
    const existing = await db.prisma.apiKey.findUnique({ where: { hash } });
    if (existing !== null) {
      if (existing.revokedAt !== null) options.logger.warn('VIGIL_ADMIN_KEY names a revoked key: it stays revoked');
      return { action: 'present' };
    }
    // Another instance starting at the same moment may insert it first: that is the same key.
    await db.prisma.apiKey.createMany({
      data: [{ name: SEEDED_KEY_NAME, prefix: apiKeyPrefix(options.adminKey), hash, scopes: ['admin'] }],
      skipDuplicates: true,
    });
    return { action: 'seeded' };
  }
  const generated = await withTransaction(db, async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('vigil:admin-key'))`;
    if ((await tx.apiKey.count()) > 0) return null;
    const key = generateApiKey();
    await tx.apiKey.create({ data: { name: GENERATED_KEY_NAME, prefix: key.prefix, hash: key.hash, scopes: ['admin'] } });
    return key.key;
  });
  if (generated === null) return { action: 'none' };
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  const keyFile = join(options.dataDir, 'admin.key');
  // Renamed into place: an existing admin.key (a 0644 one, say) is replaced, not written through.
  await writePrivateFile(keyFile, `${generated}\n`);
  print(`\nAn admin API key was generated for this new database. It is shown once, here:\n\n  ${generated}\n\nIt is also in ${keyFile} (mode 0600). Use it as "Authorization: Bearer <key>".\n\n`);
  options.logger.info('Generated the first admin API key', { key_file: keyFile });
  return { action: 'generated', keyFile, key: generated };
}
