import type { Pool } from 'pg';
import { POOL_IDLE_TIMEOUT_MS } from './client';
import { createTestDatabase, type TestDatabase } from './testing';

/** The backend a connection of the pool talks to, released again at once. */
async function backendPid(pool: Pool): Promise<number> {
  const client = await pool.connect();
  try {
    return (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
  } finally {
    client.release();
  }
}

// PostgreSQL only: the embedded database has no pool.
describe('the PostgreSQL pool', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase('postgres');
  });
  afterAll(() => t.dispose());
  afterEach(() => jest.useRealTimers());

  it('keeps an idle connection, and its backend, for longer than pg-pool’s 10 s, then closes it', async () => {
    const pool = t.db.pool as Pool;
    // The pool arms its idle timer when a connection is released: fake from then on, the I/O real.
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    const pid = await backendPid(pool);
    expect(pool.idleCount).toBe(1);

    // A step that comes back 30 s later (a sweep overlapping a pass) finds the same backend: no
    // new process to start, no prepared statement to plan again.
    jest.advanceTimersByTime(30_000);
    expect(pool.totalCount).toBe(1);
    expect(await backendPid(pool)).toBe(pid);

    // Bounded all the same: a pool grown in a burst shrinks back.
    jest.advanceTimersByTime(POOL_IDLE_TIMEOUT_MS + 1);
    expect(pool.totalCount).toBe(0);
  });
});
