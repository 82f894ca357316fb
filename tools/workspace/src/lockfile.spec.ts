import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// `npm ci` on a Mac, on an arm64 Linux box or in a Docker image must find the native build it
// needs in package-lock.json; a lockfile made where the registry lacked those builds once
// listed only linux x64 and `npm ci` refused it everywhere.

type Dependencies = Record<string, string>;

interface LockedPackage {
  name?: string;
  version?: string;
  link?: boolean;
  os?: string[];
  cpu?: string[];
  libc?: string[];
  dependencies?: Dependencies;
  devDependencies?: Dependencies;
  optionalDependencies?: Dependencies;
  peerDependencies?: Dependencies;
}

interface Platform {
  os: string;
  cpu: string;
  libc?: 'glibc' | 'musl';
}

const root = join(__dirname, '..', '..', '..');
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
  lockfileVersion: number;
  packages: Record<string, LockedPackage>;
};
const packages = lock.packages;
const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as LockedPackage & { workspaces: string[] };

/** The workspace folders npm finds from the root's `workspaces` (`dir/*` or a folder), relative to the root. */
function workspaceFolders(): string[] {
  return rootManifest.workspaces
    .flatMap((pattern) =>
      pattern.endsWith('/*')
        ? readdirSync(join(root, pattern.slice(0, -2)), { withFileTypes: true })
            .filter((entry) => entry.isDirectory())
            .map((entry) => `${pattern.slice(0, -2)}/${entry.name}`)
        : [pattern],
    )
    .filter((folder) => existsSync(join(root, folder, 'package.json')))
    .sort();
}

/** What npm records of a manifest in the lockfile; a difference makes `npm install` rewrite it. */
function recorded(pkg: LockedPackage): Partial<LockedPackage> {
  const { version, dependencies, devDependencies, optionalDependencies, peerDependencies } = pkg;
  return { version, dependencies, devDependencies, optionalDependencies, peerDependencies };
}

/** Where Node would find `name` from the package at `from`: its own node_modules, then each parent's. */
function resolve(from: string, name: string): string | undefined {
  for (let base = from; ; ) {
    const candidate = `${base ? `${base}/` : ''}node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (!base) return undefined;
    const parent = base.lastIndexOf('/node_modules/');
    base = parent < 0 ? '' : base.slice(0, parent);
  }
}

/** npm's rule for `os`, `cpu` and `libc`: absent allows all; `!x` excludes x; otherwise x must be listed. */
function allows(list: string[] | undefined, value: string | undefined): boolean {
  if (!list || list.length === 0) return true;
  if (value === undefined) return false;
  if (list.includes(`!${value}`)) return false;
  const positive = list.filter((entry) => !entry.startsWith('!'));
  return positive.length === 0 || positive.includes(value);
}

const runsOn = (pkg: LockedPackage, platform: Platform): boolean =>
  allows(pkg.os, platform.os) && allows(pkg.cpu, platform.cpu) && (platform.libc === undefined || allows(pkg.libc, platform.libc));

const label = (platform: Platform): string => [platform.os, platform.cpu, platform.libc].filter(Boolean).join('-');

/** Packages that pick a prebuilt binary per platform: their optional dependencies declare `os` or `cpu`. */
function nativeFamilies(): { path: string; builds: LockedPackage[] }[] {
  return Object.entries(packages)
    .filter(([path, pkg]) => path !== '' && !pkg.link && pkg.optionalDependencies && !pkg.os && !pkg.cpu)
    .map(([path, pkg]) => ({
      path,
      builds: Object.keys(pkg.optionalDependencies ?? {})
        .map((name) => resolve(path, name))
        .filter((found): found is string => found !== undefined)
        .map((found) => packages[found])
        .filter((build) => build.os !== undefined || build.cpu !== undefined),
    }))
    .filter((family) => family.builds.length > 0);
}

const required: Platform[] = [
  { os: 'darwin', cpu: 'arm64' },
  { os: 'darwin', cpu: 'x64' },
  { os: 'linux', cpu: 'arm64', libc: 'glibc' },
  { os: 'linux', cpu: 'x64', libc: 'glibc' },
];
// Alpine-based images need these, where the package publishes musl builds at all.
const muslWhereBuilt: Platform[] = [
  { os: 'linux', cpu: 'arm64', libc: 'musl' },
  { os: 'linux', cpu: 'x64', libc: 'musl' },
];

describe('package-lock.json', () => {
  it('is a lockfileVersion 3 lockfile', () => {
    expect(lock.lockfileVersion).toBe(3);
  });

  it('records the root and every workspace package as their package.json says, so npm install leaves it alone', () => {
    const folders = workspaceFolders();
    const locked = Object.keys(packages).filter((path) => path !== '' && !path.includes('node_modules/'));
    expect(locked.sort()).toEqual(folders);
    for (const folder of ['', ...folders]) {
      const manifest = JSON.parse(readFileSync(join(root, folder, 'package.json'), 'utf8')) as LockedPackage;
      expect({ folder, ...recorded(packages[folder]) }).toEqual({ folder, ...recorded(manifest) });
    }
  });

  it('lists every optional dependency that a locked package declares, as npm ci requires', () => {
    const missing = Object.entries(packages).flatMap(([path, pkg]) =>
      Object.keys(pkg.optionalDependencies ?? {})
        .filter((name) => resolve(path, name) === undefined)
        .map((name) => `${path || '(root)'} → ${name}`),
    );
    expect(missing).toEqual([]);
  });

  it('finds the native packages (swc, esbuild, nx and the like) from their optional dependencies', () => {
    const names = nativeFamilies().map((family) => family.path.replace(/^.*node_modules\//, ''));
    expect(names).toEqual(expect.arrayContaining(['@swc/core', 'esbuild', 'nx']));
  });

  it('holds a build of each native package for darwin arm64 and x64 and linux arm64 and x64', () => {
    const gaps = nativeFamilies().flatMap(({ path, builds }) => {
      const hasMusl = builds.some((build) => build.libc?.includes('musl'));
      return [...required, ...(hasMusl ? muslWhereBuilt : [])]
        .filter((platform) => !builds.some((build) => runsOn(build, platform)))
        .map((platform) => `${path}: no build for ${label(platform)}`);
    });
    expect(gaps).toEqual([]);
  });
});
