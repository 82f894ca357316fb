import { randomUUID } from 'node:crypto';
import type { ReportedResult } from '@vigil/contracts';
import { createCapturedLogger } from '@vigil/logger/testing';
import { createMemorySpool } from './memory-spool';

function makeResults(count: number): ReportedResult[] {
  return Array.from({ length: count }, () => ({ run_id: randomUUID(), check_id: randomUUID(), ok: false, checked_at: '2025-01-01T00:00:00.000Z' }));
}

describe('createMemorySpool', () => {
  it('keeps the order of results through peek and remove', async () => {
    const spool = createMemorySpool({ maxResults: 100, logger: createCapturedLogger().logger });
    const results = makeResults(30);
    await Promise.all([spool.append(results.slice(0, 10)), spool.append(results.slice(10, 11)), spool.append(results.slice(11))]);

    expect(spool.size()).toBe(30);
    expect(await spool.peek(7)).toEqual(results.slice(0, 7));
    expect(await spool.peek(7)).toEqual(results.slice(0, 7));
    await spool.remove(7);
    expect(await spool.peek(100)).toEqual(results.slice(7));
    await spool.remove(30);
    expect(spool.size()).toBe(0);
    expect(await spool.peek(10)).toEqual([]);
  });

  it('keeps what fits the bound, warns once, says when there is room again, and counts what it refused', async () => {
    const captured = createCapturedLogger();
    const dropped: number[] = [];
    const spool = createMemorySpool({ maxResults: 8, logger: captured.logger, onDrop: (count) => dropped.push(count) });
    const logged = (level: string) => captured.entries().filter((entry) => entry.level === level);
    const results = makeResults(12);

    expect(await spool.append(results.slice(0, 5))).toBe(5);
    expect(await spool.append(results.slice(5, 10))).toBe(3);
    expect(await spool.append(results.slice(10))).toBe(0);
    expect(dropped).toEqual([2, 2]);
    expect(logged('warn')).toHaveLength(1);
    expect(logged('warn')[0].message).toBe('spool full at 8 results: dropping results until the controller takes some');
    expect(await spool.peek(100)).toEqual(results.slice(0, 8));

    await spool.remove(1); // 7 of 8: not yet
    expect(logged('info')).toHaveLength(0);
    await spool.remove(1); // 6 of 8
    expect(logged('info')).toHaveLength(1);
    expect(logged('info')[0].message).toBe('the spool has room again');

    expect(await spool.append(results.slice(0, 3))).toBe(2);
    expect(dropped).toEqual([2, 2, 1]);
    expect(logged('warn')).toHaveLength(2);
  });

  it('replays 100k results in batches of 500, in order', async () => {
    const results = makeResults(100_000);
    const spool = createMemorySpool({ maxResults: 200_000, logger: createCapturedLogger().logger });
    for (let i = 0; i < results.length; i += 500) await spool.append(results.slice(i, i + 500));
    for (let next = 0; next < results.length; next += 500) {
      const batch = await spool.peek(500);
      expect([batch.length, batch[0], batch.at(-1)]).toEqual([500, results[next], results[next + 499]]);
      await spool.remove(500);
    }
    expect(spool.size()).toBe(0);
  });
});
