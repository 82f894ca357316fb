import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  folderWarnings,
  planTightening,
  sharedFolderReason,
  tightenFolder,
  usePrivateUmask,
  writePrivateFile,
  type FoundEntry,
} from './private-files';

const modeOf = (path: string) => lstatSync(path).mode & 0o7777;

describe('planTightening', () => {
  const entry = (kind: FoundEntry['kind'], mode: number): FoundEntry => ({ path: `/x/${mode.toString(8)}`, kind, mode });

  it('takes every group and other bit away, and keeps the owner bits as they are', () => {
    const plan = planTightening([entry('file', 0o644), entry('file', 0o666), entry('dir', 0o755), entry('dir', 0o777), entry('file', 0o4755), entry('dir', 0o1777)]);
    expect(plan.map((t) => [t.from, t.to])).toEqual([
      [0o644, 0o600],
      [0o666, 0o600],
      [0o755, 0o700],
      [0o777, 0o700],
      [0o4755, 0o700],
      [0o1777, 0o700],
    ]);
  });

  it('changes nothing that is private already, and never loosens (0400 stays 0400)', () => {
    expect(planTightening([entry('file', 0o600), entry('dir', 0o700), entry('file', 0o400), entry('dir', 0o500)])).toEqual([]);
  });
});

describe('sharedFolderReason', () => {
  const shared = { home: '/home/someone', tmp: '/tmp' };
  it('names a folder others use too: sticky bit, root, home, temporary folder', () => {
    expect(sharedFolderReason('/var/tmp', 0o1777, shared)).toMatch(/sticky/);
    expect(sharedFolderReason('/', 0o755, shared)).toMatch(/root/);
    expect(sharedFolderReason('/home/someone', 0o755, shared)).toMatch(/home/);
    expect(sharedFolderReason('/tmp', 0o755, shared)).toMatch(/temporary/);
  });

  it('leaves a folder of its own alone, even one inside those', () => {
    expect(sharedFolderReason('/var/lib/vigil', 0o755, shared)).toBeUndefined();
    expect(sharedFolderReason('/tmp/vigil-abc', 0o755, shared)).toBeUndefined();
    expect(sharedFolderReason(homedir(), 0o700)).toMatch(/home/);
    expect(sharedFolderReason(tmpdir(), 0o700)).toMatch(/temporary/);
  });
});

describe('tightenFolder', () => {
  let root: string;
  let outside: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'vigil-private-'));
    outside = mkdtempSync(join(tmpdir(), 'vigil-outside-'));
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  function looseFolder(): string {
    const folder = join(root, 'data');
    mkdirSync(join(folder, 'tree', 'nested'), { recursive: true });
    writeFileSync(join(folder, 'owned.key'), 'secret');
    writeFileSync(join(folder, 'tree', 'a'), 'a');
    writeFileSync(join(folder, 'tree', 'nested', 'b'), 'b');
    writeFileSync(join(folder, 'notes.txt'), 'not ours');
    writeFileSync(join(outside, 'target'), 'outside');
    chmodSync(join(outside, 'target'), 0o644);
    symlinkSync(join(outside, 'target'), join(folder, 'tree', 'link'));
    symlinkSync(outside, join(folder, 'tree', 'dirlink'));
    chmodSync(outside, 0o755);
    for (const path of [folder, join(folder, 'tree'), join(folder, 'tree', 'nested')]) chmodSync(path, 0o755);
    for (const path of [join(folder, 'owned.key'), join(folder, 'tree', 'nested', 'b'), join(folder, 'notes.txt')]) chmodSync(path, 0o644);
    chmodSync(join(folder, 'tree', 'a'), 0o666);
    return folder;
  }
  const owns = (name: string) => (name === 'owned.key' ? 'entry' : name === 'tree' ? 'tree' : undefined);

  it('makes the folder 0700 and what it owns private, and reports each change', async () => {
    const folder = looseFolder();
    const outcome = await tightenFolder(folder, owns);
    expect(modeOf(folder)).toBe(0o700);
    expect(modeOf(join(folder, 'owned.key'))).toBe(0o600);
    expect(modeOf(join(folder, 'tree'))).toBe(0o700);
    expect(modeOf(join(folder, 'tree', 'nested'))).toBe(0o700);
    expect(modeOf(join(folder, 'tree', 'a'))).toBe(0o600);
    expect(modeOf(join(folder, 'tree', 'nested', 'b'))).toBe(0o600);
    expect(outcome.done.map((t) => [t.path.slice(folder.length), t.from, t.to])).toEqual([
      ['', 0o755, 0o700],
      ['/owned.key', 0o644, 0o600],
      ['/tree', 0o755, 0o700],
      ['/tree/a', 0o666, 0o600],
      ['/tree/nested', 0o755, 0o700],
      ['/tree/nested/b', 0o644, 0o600],
    ]);
    expect(outcome.failed).toEqual([]);
    // Private already: a second pass changes nothing.
    expect((await tightenFolder(folder, owns)).done).toEqual([]);
  });

  it('changes nothing it does not own, nothing above the folder and nothing a link points to', async () => {
    const folder = looseFolder();
    const rootMode = modeOf(root);
    await tightenFolder(folder, owns);
    expect(modeOf(join(folder, 'notes.txt'))).toBe(0o644);
    expect(modeOf(root)).toBe(rootMode);
    expect(modeOf(outside)).toBe(0o755);
    expect(modeOf(join(outside, 'target'))).toBe(0o644);
    expect(lstatSync(join(folder, 'tree', 'link')).isSymbolicLink()).toBe(true);
  });

  it('leaves a shared folder (sticky bit) as it is but still makes its own entries private', async () => {
    const folder = looseFolder();
    chmodSync(folder, 0o1777);
    const outcome = await tightenFolder(folder, owns);
    expect(modeOf(folder)).toBe(0o1777);
    expect(outcome.shared).toMatch(/sticky/);
    expect(modeOf(join(folder, 'owned.key'))).toBe(0o600);
    expect(folderWarnings(outcome, 'VIGIL_DATA_DIR')[0]).toMatch(/^VIGIL_DATA_DIR .* is a shared folder \(it has the sticky bit, like \/tmp\)/);
    chmodSync(folder, 0o700);
  });

  it('makes the folder a link points to private, unless the link is in a shared folder (sticky)', async () => {
    const folder = looseFolder();
    const links = join(root, 'links');
    mkdirSync(links);
    symlinkSync(folder, join(links, 'data'));
    expect((await tightenFolder(join(links, 'data'), owns)).folder).toBe(folder);
    expect(modeOf(folder)).toBe(0o700);

    chmodSync(folder, 0o755);
    chmodSync(links, 0o1777);
    const outcome = await tightenFolder(join(links, 'data'), owns);
    expect(outcome.shared).toMatch(/link in a folder with the sticky bit/);
    expect(modeOf(folder)).toBe(0o755);
    chmodSync(links, 0o700);
  });

  it('makes a file its owner cannot read (0200) private as well', async () => {
    const folder = looseFolder();
    chmodSync(join(folder, 'owned.key'), 0o222);
    await tightenFolder(folder, owns);
    expect(modeOf(join(folder, 'owned.key'))).toBe(0o200);
  });

  it('treats a file where it owns a tree as not its own', async () => {
    writeFileSync(join(root, 'tree'), 'a file');
    chmodSync(join(root, 'tree'), 0o644);
    await tightenFolder(root, owns);
    expect(modeOf(join(root, 'tree'))).toBe(0o644);
  });

  it('does nothing for a folder that is not there', async () => {
    expect(await tightenFolder(join(root, 'missing'), owns)).toMatchObject({ done: [], failed: [] });
  });

  it('words a warning that names what was looser and how', async () => {
    const folder = looseFolder();
    const [warning] = folderWarnings(await tightenFolder(folder, owns), 'VIGIL_DATA_DIR');
    expect(warning).toContain(`made 6 file(s)/folder(s) in ${folder} private`);
    expect(warning).toContain('. (0755 -> 0700), owned.key (0644 -> 0600), tree (0755 -> 0700), tree/a (0666 -> 0600), tree/nested (0755 -> 0700) and 1 more');
  });
});

describe('writePrivateFile', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-write-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a new file 0600 whatever the umask', async () => {
    const previous = process.umask(0o000);
    try {
      await writePrivateFile(join(dir, 'admin.key'), 'vk_secret\n');
    } finally {
      process.umask(previous);
    }
    expect(modeOf(join(dir, 'admin.key'))).toBe(0o600);
    expect(readFileSync(join(dir, 'admin.key'), 'utf8')).toBe('vk_secret\n');
    expect(readdirSync(dir)).toEqual(['admin.key']);
  });

  it('replaces an existing 0644 file instead of writing through it', async () => {
    writeFileSync(join(dir, 'admin.key'), 'old');
    chmodSync(join(dir, 'admin.key'), 0o644);
    await writePrivateFile(join(dir, 'admin.key'), 'new');
    expect(modeOf(join(dir, 'admin.key'))).toBe(0o600);
    expect(readFileSync(join(dir, 'admin.key'), 'utf8')).toBe('new');
    expect(readdirSync(dir)).toEqual(['admin.key']);
  });

  it('replaces a link rather than writing to where it points', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'vigil-outside-'));
    try {
      writeFileSync(join(outside, 'target'), 'untouched');
      symlinkSync(join(outside, 'target'), join(dir, 'admin.key'));
      await writePrivateFile(join(dir, 'admin.key'), 'new');
      expect(readFileSync(join(outside, 'target'), 'utf8')).toBe('untouched');
      expect(lstatSync(join(dir, 'admin.key')).isFile()).toBe(true);
      expect(modeOf(join(dir, 'admin.key'))).toBe(0o600);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});

describe('usePrivateUmask', () => {
  it('makes what the process creates from then on private, and returns the umask it replaced', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-umask-'));
    const original = process.umask(0o022);
    try {
      expect(usePrivateUmask()).toBe(0o022);
      writeFileSync(join(dir, 'file'), 'x');
      mkdirSync(join(dir, 'folder'));
      expect(statSync(join(dir, 'file')).mode & 0o777).toBe(0o600);
      expect(statSync(join(dir, 'folder')).mode & 0o777).toBe(0o700);
    } finally {
      process.umask(original);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
