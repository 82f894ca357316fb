import { randomUUID } from 'node:crypto';
import { appendFile, chmod, lstat, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ReportedResult } from '@vigil/contracts';
import { createCapturedLogger } from '@vigil/logger/testing';
import { type DiskSpoolOptions, openDiskSpool } from './disk-spool';
import type { Spool } from './spool';

const CHECK_ID = randomUUID();

/** Results whose lines are all the same length, so a bound can be counted in lines. */
function makeResults(count: number): ReportedResult[] {
  return Array.from({ length: count }, (_, i) => ({
    run_id: randomUUID(),
    check_id: CHECK_ID,
    ok: true,
    latency_ms: 100 + (i % 900),
    checked_at: '2025-01-01T00:00:00.000Z',
  }));
}

const LINE_BYTES = JSON.stringify(makeResults(1)[0]).length + 1;

let dir: string;
let opened: Spool[];

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'vigil-spool-'));
  opened = [];
});

afterEach(async () => {
  for (const spool of opened) await spool.close();
  await rm(dir, { recursive: true, force: true });
});

async function openSpool(options: Partial<DiskSpoolOptions> = {}) {
  const captured = createCapturedLogger();
  const spool = await openDiskSpool({ dir, maxBytes: 64 * 1024 * 1024, segmentBytes: 4 * LINE_BYTES, logger: captured.logger, ...options });
  opened.push(spool);
  return { spool, captured };
}

async function segmentFiles(): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.endsWith('.jsonl')).sort();
}

async function nonEmptySegmentFiles(): Promise<string[]> {
  const names = await segmentFiles();
  const sizes = await Promise.all(names.map(async (name) => (await readFile(path.join(dir, name))).length));
  return names.filter((_, i) => sizes[i] > 0);
}

describe('openDiskSpool', () => {
  it('keeps the order of results across segments through peek and remove', async () => {
    const { spool } = await openSpool();
    const results = makeResults(30);
    await spool.append(results.slice(0, 10));
    await spool.append(results.slice(10, 13));
    await spool.append(results.slice(13));

    expect(spool.size()).toBe(30);
    expect(await nonEmptySegmentFiles()).toHaveLength(8); // 4 lines each
    expect((await segmentFiles()).every((name) => /^\d{12}\.jsonl$/.test(name))).toBe(true);
    expect(await spool.peek(7)).toEqual(results.slice(0, 7));
    expect(await spool.peek(7)).toEqual(results.slice(0, 7)); // peek leaves them in place
    await spool.remove(7);
    expect(spool.size()).toBe(23);
    expect(await spool.peek(5)).toEqual(results.slice(7, 12));
    expect(await spool.peek(100)).toEqual(results.slice(7));
  });

  it('deletes a segment once all its results are removed, and every file once all are', async () => {
    const { spool } = await openSpool();
    await spool.append(makeResults(10)); // segments of 4, 4 and 2
    const [first, second, third] = await segmentFiles();

    await spool.remove(4);
    expect(await segmentFiles()).toEqual([second, third]);
    await spool.remove(5);
    expect(await segmentFiles()).toEqual([third]);
    expect(await readFile(path.join(dir, third.replace('.jsonl', '.ack')), 'utf8')).toBe('1\n');
    expect(first < second && second < third).toBe(true);

    await spool.remove(1);
    expect(spool.size()).toBe(0);
    expect(await readdir(dir)).toEqual([]);
    expect(await spool.peek(10)).toEqual([]);

    const later = makeResults(3);
    await spool.append(later);
    expect(await spool.peek(10)).toEqual(later);
  });

  it('resumes after a restart where the removed results end', async () => {
    const results = makeResults(30);
    const first = await openSpool();
    await first.spool.append(results);
    await first.spool.remove(6); // all of the first segment, 2 of the second
    await first.spool.close();

    const { spool } = await openSpool();
    expect(spool.size()).toBe(24);
    expect(await spool.peek(100)).toEqual(results.slice(6));
    await spool.remove(1);
    await spool.close();

    const third = await openSpool();
    expect(third.spool.size()).toBe(23);
    expect(await third.spool.peek(100)).toEqual(results.slice(7));
  });

  it('holds everything again after a restart when nothing was removed, and appends after it', async () => {
    const results = makeResults(9);
    const first = await openSpool();
    await first.spool.append(results.slice(0, 5));
    await first.spool.close();

    const { spool } = await openSpool();
    expect(spool.size()).toBe(5);
    await spool.append(results.slice(5));
    expect(await spool.peek(100)).toEqual(results);
  });

  it('skips a torn last line and an unreadable one with one warning, and reads the rest', async () => {
    const results = makeResults(10);
    const first = await openSpool();
    await first.spool.append(results);
    await first.spool.close();
    const files = await segmentFiles();
    const oldest = path.join(dir, files[0]);
    await writeFile(oldest, `not json\n${await readFile(oldest, 'utf8')}`);
    await appendFile(path.join(dir, files.at(-1) ?? ''), '{"run_id":"5f0c'); // a crash mid-write

    const { spool, captured } = await openSpool();
    expect(spool.size()).toBe(10);
    const warnings = captured.entries().filter((entry) => entry.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ skipped: 2 });
    expect(await spool.peek(100)).toEqual(results);

    // New results never join the torn line.
    const later = makeResults(2);
    await spool.append(later);
    await spool.close();
    const again = await openSpool();
    expect(await again.spool.peek(100)).toEqual([...results, ...later]);
  });

  it('keeps what fits the bound, warns once, says when there is room again, and counts what it refused', async () => {
    const dropped: number[] = [];
    // 10 lines; segments hold a quarter of that, so 2 lines.
    const { spool, captured } = await openSpool({ maxBytes: 10 * LINE_BYTES, segmentBytes: undefined, onDrop: (count) => dropped.push(count) });
    const results = makeResults(15);
    const logged = (level: string) => captured.entries().filter((entry) => entry.level === level);

    expect(await spool.append(results.slice(0, 7))).toBe(7);
    expect(logged('warn')).toHaveLength(0);
    expect(await spool.append(results.slice(7, 13))).toBe(3);
    expect(await spool.append(results.slice(13))).toBe(0);
    expect(dropped).toEqual([3, 2]);
    expect(spool.size()).toBe(10);
    expect(logged('warn')).toHaveLength(1);
    expect(String(logged('warn')[0].message)).toMatch(`spool full at ${10 * LINE_BYTES} bytes: dropping results until the controller takes some`);
    expect(await spool.peek(100)).toEqual(results.slice(0, 10));

    await spool.remove(3); // one segment deleted: 8 of 10 lines still on disk
    expect(logged('info')).toHaveLength(0);
    await spool.remove(1); // the second segment too: 6 of 10
    expect(logged('info')).toHaveLength(1);
    expect(logged('info')[0].message).toBe('the spool has room again');

    expect(await spool.append(results.slice(0, 5))).toBe(4);
    expect(dropped).toEqual([3, 2, 1]);
    expect(logged('warn')).toHaveLength(2); // a new episode
  });

  it('keeps the order appends were called in when they overlap', async () => {
    const { spool } = await openSpool();
    const batches = Array.from({ length: 40 }, (_, i) => makeResults(1 + (i % 3)));
    const kept = await Promise.all(batches.map((batch) => spool.append(batch)));
    expect(kept).toEqual(batches.map((batch) => batch.length));
    expect(await spool.peek(1000)).toEqual(batches.flat());
  });

  it('refuses a directory it cannot create, naming it', async () => {
    const file = path.join(dir, 'a-file');
    await writeFile(file, '');
    const spoolDir = path.join(file, 'spool');
    await expect(openDiskSpool({ dir: spoolDir, maxBytes: 1024 * 1024, logger: createCapturedLogger().logger })).rejects.toThrow(
      `cannot use the spool directory ${spoolDir}: ENOTDIR`,
    );
  });

  it('creates a missing directory', async () => {
    const nested = path.join(dir, 'a', 'b');
    const spool = await openDiskSpool({ dir: nested, maxBytes: 1024 * 1024, logger: createCapturedLogger().logger });
    opened.push(spool);
    await spool.append(makeResults(1));
    expect(await readdir(nested)).toEqual(['000000000001.jsonl']);
  });

  it('finishes what was called before close, and refuses what comes after', async () => {
    const { spool } = await openSpool();
    const results = makeResults(3);
    const appended = spool.append(results);
    await spool.close();
    expect(await appended).toBe(3);
    await expect(spool.append(makeResults(1))).rejects.toThrow('closed');

    const again = await openSpool();
    expect(await again.spool.peek(10)).toEqual(results);
  });

  // Not timed: this only has to finish, which a peek or remove that reread whole segments would not do quickly.
  it('replays 100k results in batches of 500, in order, across a restart', async () => {
    const results = makeResults(100_000);
    const first = await openSpool({ segmentBytes: undefined });
    for (let i = 0; i < results.length; i += 500) await first.spool.append(results.slice(i, i + 500));
    let next = 0;
    const drain = async (spool: Spool, until: number) => {
      while (next < until) {
        const batch = await spool.peek(Math.min(500, until - next));
        expect(batch).toHaveLength(Math.min(500, until - next));
        expect([batch[0].run_id, batch.at(-1)?.run_id]).toEqual([results[next].run_id, results[next + batch.length - 1].run_id]);
        await spool.remove(batch.length);
        next += batch.length;
      }
    };
    await drain(first.spool, 50_250);
    expect(first.spool.size()).toBe(49_750);
    await first.spool.close();

    const { spool } = await openSpool({ segmentBytes: undefined });
    expect(spool.size()).toBe(49_750);
    await drain(spool, 100_000);
    expect(spool.size()).toBe(0);
    expect(await nonEmptySegmentFiles()).toEqual([]);
  });
});

describe('the spool keeps its files private', () => {
  const modeOf = async (name: string) => (await lstat(path.join(dir, name))).mode & 0o7777;

  it('creates its folder 0700 and its segments and acks 0600, whatever the umask', async () => {
    const spoolDir = path.join(dir, 'spool');
    const previous = process.umask(0o022);
    try {
      const spool = await openDiskSpool({ dir: spoolDir, maxBytes: 64 * 1024 * 1024, segmentBytes: 4 * LINE_BYTES, logger: createCapturedLogger().logger });
      opened.push(spool);
      await spool.append(makeResults(10));
      await spool.remove(5);
    } finally {
      process.umask(previous);
    }
    const names = await readdir(spoolDir);
    expect(names.some((name) => name.endsWith('.ack'))).toBe(true);
    expect(await modeOf('spool')).toBe(0o700);
    for (const name of names) expect([name, await modeOf(path.join('spool', name))]).toEqual([name, 0o600]);
  });

  it('makes a looser spool from before private at open, with a warning, and leaves files that are not its own', async () => {
    const first = await openSpool();
    await first.spool.append(makeResults(10));
    await first.spool.remove(1);
    await first.spool.close();
    const names = (await readdir(dir)).sort();
    await chmod(dir, 0o755);
    for (const name of names) await chmod(path.join(dir, name), 0o644);
    await writeFile(path.join(dir, 'README'), 'not the spool’s');
    await chmod(path.join(dir, 'README'), 0o644);

    const { captured } = await openSpool();
    expect(await modeOf('.')).toBe(0o700);
    for (const name of names) expect([name, await modeOf(name)]).toEqual([name, 0o600]);
    expect(await modeOf('README')).toBe(0o644);
    const warnings = captured.entries().filter((entry) => entry['level'] === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]['message']).toContain(`made ${names.length + 1} file(s)/folder(s) in ${dir} private`);
    expect(warnings[0]['message']).toContain(`${names[0]} (0644 -> 0600)`);
  });
});
