import { CreateApiKeyBody } from '@vigil/contracts';
import { createApiKey } from '@vigil/controller';
import { readDatabaseConfig } from '../config';
import { openCliDatabase } from '../database';
import { type Command, stringFlag, UsageError } from '../context';

export const DEFAULT_ADMIN_KEY_NAME = 'admin (vigil admin-key create)';

export const adminKeyCreate: Command = {
  name: 'admin-key create',
  summary: 'Create an admin API key in the database directly (recovery; no controller needed)',
  description: [
    'Opens the database itself: PostgreSQL at DATABASE_URL, else the embedded one in VIGIL_DATA_DIR,',
    'which no running controller may hold (stop it first). Prints the new key once, on stdout.',
    'This is the way back in when every admin key is lost.',
  ].join('\n'),
  flags: { name: { type: 'string', value: 'NAME', description: `Who or what uses the key; audit rows name it (default "${DEFAULT_ADMIN_KEY_NAME}")` } },
  api: false,
  async run(ctx) {
    const name = stringFlag(ctx.flags, 'name') ?? DEFAULT_ADMIN_KEY_NAME;
    if (!CreateApiKeyBody.shape.name.safeParse(name).success) throw new UsageError('--name must be 1 to 100 characters');
    const config = readDatabaseConfig(ctx.io.env);
    const db = await openCliDatabase(ctx, config);
    try {
      const { key, record } = await createApiKey(db.prisma, { name: name.trim(), scopes: ['admin'] });
      if (ctx.json) {
        return ctx.printJson({ id: record.uuid, name: record.name, prefix: record.prefix, scopes: record.scopes, key, created_at: record.createdAt.toISOString() });
      }
      ctx.print(key);
      ctx.note(`Created the admin API key "${record.name}" in ${db.description}. It is shown only here; keep it secret.`);
    } finally {
      await db.close();
    }
  },
};
