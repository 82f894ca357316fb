import type { Database } from './client';
import { pendingMigrations } from './migrations/apply';

/** For /readyz: the database answers and every migration is applied. */
export function databaseReadiness(db: Database): () => Promise<{ ok: boolean; details: Record<string, unknown> }> {
  return async () => {
    try {
      await db.prisma.$queryRawUnsafe('SELECT 1');
    } catch (error) {
      return { ok: false, details: { database: 'unreachable', error: (error as Error).message.split('\n')[0] } };
    }
    const pending = await pendingMigrations(db);
    return pending.length
      ? { ok: false, details: { database: 'ok', migrations: 'pending', pending } }
      : { ok: true, details: { database: 'ok', migrations: 'applied' } };
  };
}
