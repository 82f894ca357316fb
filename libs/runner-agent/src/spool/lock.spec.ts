import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createCapturedLogger } from '@vigil/logger/testing';
import { openDiskSpool } from './disk-spool';
import { holderAlive, LOCK_FILE, type LockHolder, lockSpoolDir, type ProcessProbe, SpoolLockedError, systemProbe } from './lock';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'vigil-spool-lock-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** This machine, with other pids alive or not as told. */
function probeWith(overrides: Partial<ProcessProbe>): ProcessProbe {
  return { ...systemProbe, ...overrides };
}

const holder = (overrides: Partial<LockHolder> = {}): LockHolder => ({
  pid: 4242,
  slug: 'us-1',
  hostname: os.hostname(),
  since: '2026-12-04T19:00:00.000Z',
  start_ticks: 1000,
  boot_id: 'boot-a',
  ...overrides,
});

describe('holderAlive', () => {
  const probe = probeWith({ pid: 1, exists: (pid) => pid === 4242, startTicks: () => 1000, bootId: () => 'boot-a' });

  it('is alive while its pid runs the process that took the lock', () => {
    expect(holderAlive(holder(), probe)).toBe(true);
  });

  it('is dead when its pid is gone, reused by a later process, of an earlier boot, or this process', () => {
    expect(holderAlive(holder({ pid: 5000 }), probe)).toBe(false);
    expect(holderAlive(holder({ start_ticks: 999 }), probe)).toBe(false);
    expect(holderAlive(holder({ boot_id: 'boot-b' }), probe)).toBe(false);
    expect(holderAlive(holder({ pid: 1 }), probeWith({ ...probe, pid: 1, exists: () => true }))).toBe(false);
  });

  it('counts a holder on another host as alive: its pid cannot be checked from here', () => {
    expect(holderAlive(holder({ hostname: 'elsewhere', pid: 5000 }), probe)).toBe(true);
  });
});

describe('lockSpoolDir', () => {
  it('refuses a second holder while the first lives, naming the directory, pid and slug', async () => {
    const first = await lockSpoolDir({ dir, slug: 'us-1' });
    const refused = await lockSpoolDir({ dir, slug: 'eu-1', probe: probeWith({ pid: process.pid + 100_000 }) }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(SpoolLockedError);
    expect((refused as Error).message).toContain(`the spool directory ${dir} is in use by runner us-1 (pid ${process.pid} on this host`);
    // The refused one leaves nothing behind, and the lock is still the first's.
    expect((await readdir(dir)).sort()).toEqual([LOCK_FILE]);
    await first.release();
    expect(await readdir(dir)).toEqual([]);
  });

  it('takes over the lock of a dead holder', async () => {
    await writeFile(path.join(dir, LOCK_FILE), JSON.stringify(holder({ pid: 999_999_999 })));
    const lock = await lockSpoolDir({ dir, slug: 'eu-1' });
    expect(JSON.parse(await readFile(lock.file, 'utf8'))).toMatchObject({ pid: process.pid, slug: 'eu-1', hostname: os.hostname() });
    await lock.release();
  });

  it('takes over a lock file no runner wrote whole', async () => {
    await writeFile(path.join(dir, LOCK_FILE), '{"pid": 12');
    const lock = await lockSpoolDir({ dir, slug: 'eu-1' });
    await lock.release();
  });

  it('tells who to delete when the holder is on another host', async () => {
    await writeFile(path.join(dir, LOCK_FILE), JSON.stringify(holder({ hostname: 'runner-box-2' })));
    await expect(lockSpoolDir({ dir, slug: 'eu-1' })).rejects.toThrow(`on host runner-box-2, since 2026-12-04T19:00:00.000Z`);
    await expect(lockSpoolDir({ dir, slug: 'eu-1' })).rejects.toThrow(`if that runner is gone, delete ${path.join(dir, LOCK_FILE)}`);
  });

  it('does not delete a lock another holder took since', async () => {
    const lock = await lockSpoolDir({ dir, slug: 'us-1' });
    const replaced = JSON.stringify(holder({ slug: 'ap-1' }));
    await writeFile(lock.file, replaced);
    await lock.release();
    expect(await readFile(lock.file, 'utf8')).toBe(replaced);
  });
});

describe('a disk spool with an owner', () => {
  it('holds the lock from open to close, and refuses a second spool on the directory before touching its files', async () => {
    const { logger } = createCapturedLogger();
    const spool = await openDiskSpool({ dir, maxBytes: 1024 * 1024, logger, owner: 'us-1' });
    const segments = (await readdir(dir)).filter((name) => name.endsWith('.jsonl'));
    const second = openDiskSpool({ dir, maxBytes: 1024 * 1024, logger, owner: 'eu-1', probe: probeWith({ pid: process.pid + 100_000 }) });
    await expect(second).rejects.toBeInstanceOf(SpoolLockedError);
    expect((await readdir(dir)).filter((name) => name.endsWith('.jsonl'))).toEqual(segments);
    await spool.close();
    expect(await readdir(dir)).not.toContain(LOCK_FILE);
    const next = await openDiskSpool({ dir, maxBytes: 1024 * 1024, logger, owner: 'eu-1' });
    await next.close();
  });
});
