import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createCapturedLogger } from '@vigil/logger/testing';
import { countSegmentFiles, warnOfFormerSpool } from './disk-spool';

let dataDir: string;

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'vigil-former-spool-'));
});

afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('the former default spool directory', () => {
  const former = () => path.join(dataDir, 'spool');
  const current = () => path.join(dataDir, 'spool', 'us-1');

  it('says nothing when it is missing or holds only the runners’ own directories', async () => {
    const { logger, lines } = createCapturedLogger();
    await warnOfFormerSpool({ former: former(), current: current(), logger });
    await mkdir(current(), { recursive: true });
    await writeFile(path.join(current(), '000000000001.jsonl'), '{}\n');
    await warnOfFormerSpool({ former: former(), current: current(), logger });
    expect(lines()).toEqual([]);
  });

  it('warns where segments left there are, and leaves them alone', async () => {
    await mkdir(former(), { recursive: true });
    await writeFile(path.join(former(), '000000000001.jsonl'), '{}\n');
    await writeFile(path.join(former(), '000000000002.jsonl'), '{}\n');
    const { logger, entries } = createCapturedLogger();
    await warnOfFormerSpool({ former: former(), current: current(), logger });
    expect(entries()).toEqual([expect.objectContaining({ level: 'warn', dir: former(), segments: 2 })]);
    expect(String(entries()[0]['message'])).toContain(`move them (with their .ack files) into ${current()}`);
    expect(await countSegmentFiles(former())).toBe(2);
  });

  it('is not looked at when the spool directory was set explicitly', async () => {
    const { logger, lines } = createCapturedLogger();
    await warnOfFormerSpool({ former: undefined, current: '/elsewhere', logger });
    expect(lines()).toEqual([]);
  });
});
