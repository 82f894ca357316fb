// The spool's disk refusing writes (full, read-only, over quota), injected by wrapping node's fs:
// a real full disk is in the runner's e2e spec.
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ReportedResult } from '@vigil/contracts';
import { createCapturedLogger } from '@vigil/logger/testing';
import { openDiskSpool } from './disk-spool';
import type { Spool } from './spool';
import { SpoolWriteError } from './write-failures';

/** While set, appends to and writes of files fail with this code, as the kernel would. */
let refuse: string | undefined;

jest.mock('node:fs/promises', () => {
  const actual = jest.requireActual<typeof import('node:fs/promises')>('node:fs/promises');
  const failure = (syscall: string) => Object.assign(new Error(`${refuse}: injected, ${syscall}`), { code: refuse, syscall });
  return {
    ...actual,
    async open(...args: Parameters<typeof actual.open>) {
      const handle = await actual.open(...args);
      const appendFile = handle.appendFile.bind(handle);
      return Object.assign(handle, {
        appendFile: (...rest: Parameters<typeof appendFile>) => (refuse ? Promise.reject(failure('write')) : appendFile(...rest)),
      });
    },
    writeFile: (...args: Parameters<typeof actual.writeFile>) => (refuse ? Promise.reject(failure('open')) : actual.writeFile(...args)),
  };
});

function makeResults(count: number): ReportedResult[] {
  return Array.from({ length: count }, () => ({ run_id: randomUUID(), check_id: randomUUID(), ok: false, checked_at: new Date().toISOString() }));
}

let dir: string;
let spool: Spool;
let captured: ReturnType<typeof createCapturedLogger>;

beforeEach(async () => {
  refuse = undefined;
  dir = await mkdtemp(path.join(os.tmpdir(), 'vigil-spool-fail-'));
  captured = createCapturedLogger();
  spool = await openDiskSpool({ dir, maxBytes: 1024 * 1024, logger: captured.logger });
});

afterEach(async () => {
  await spool.close();
  await rm(dir, { recursive: true, force: true });
});

const errors = () => captured.entries().filter((entry) => entry['level'] === 'error');

describe('a disk spool whose writes fail', () => {
  it('refuses the batch with a SpoolWriteError naming the code and what it kept', async () => {
    await spool.append(makeResults(2));
    refuse = 'ENOSPC';
    const failed = await spool.append(makeResults(3)).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(SpoolWriteError);
    expect(failed).toMatchObject({ code: 'ENOSPC', kept: 0 });
    expect((failed as Error).message).toContain(dir);
    // What was held before stays, and nothing of the refused batch is counted.
    expect(spool.size()).toBe(2);
  });

  it('logs one error while writes fail, and again only once they worked and fail anew', async () => {
    refuse = 'EDQUOT';
    for (let i = 0; i < 5; i += 1) await expect(spool.append(makeResults(1))).rejects.toBeInstanceOf(SpoolWriteError);
    expect(errors()).toHaveLength(1);
    expect(errors()[0]).toMatchObject({ code: 'EDQUOT', dir });

    refuse = undefined;
    await expect(spool.append(makeResults(1))).resolves.toBe(1);
    expect(captured.entries().some((entry) => String(entry['message']).includes('can be written again'))).toBe(true);

    refuse = 'EROFS';
    await expect(spool.append(makeResults(1))).rejects.toBeInstanceOf(SpoolWriteError);
    await expect(spool.append(makeResults(1))).rejects.toBeInstanceOf(SpoolWriteError);
    expect(errors().map((entry) => entry['code'])).toEqual(['EDQUOT', 'EROFS']);
  });

  it('leaves no empty segment behind for each refused batch, and spools again once the disk takes writes', async () => {
    refuse = 'ENOSPC';
    for (let i = 0; i < 10; i += 1) await spool.append(makeResults(1)).catch(() => undefined);
    expect((await readdir(dir)).filter((name) => name.endsWith('.jsonl')).length).toBeLessThanOrEqual(1);
    refuse = undefined;
    const later = makeResults(3);
    await expect(spool.append(later)).resolves.toBe(3);
    expect((await spool.peek(10)).map((result) => result.run_id)).toEqual(later.map((result) => result.run_id));
  });

  it('keeps removing when the ack cannot be written: a restart would only send those results again', async () => {
    await spool.append(makeResults(4));
    refuse = 'ENOSPC';
    await expect(spool.remove(2)).resolves.toBeUndefined();
    expect(spool.size()).toBe(2);
    expect(errors()).toHaveLength(1);
  });
});

describe('a disk spool whose disk turned read-only', () => {
  it('keeps removing when a spent segment cannot be deleted', async () => {
    await spool.append(makeResults(3));
    const unlink = jest.spyOn(jest.requireMock<typeof import('node:fs/promises')>('node:fs/promises'), 'unlink');
    unlink.mockRejectedValue(Object.assign(new Error('EROFS: read-only file system, unlink'), { code: 'EROFS' }));
    try {
      await expect(spool.remove(3)).resolves.toBeUndefined();
      expect(spool.size()).toBe(0);
      expect(errors()[0]).toMatchObject({ code: 'EROFS' });
    } finally {
      unlink.mockRestore();
    }
  });
});
