import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createScratchPostgres, testDatabaseKinds } from '@vigil/db/testing';
import { RUNNER_NODE_ARGS } from '@vigil/runner-agent';
import { prepareApps, runSmoke, SMOKE_APPS, type SmokeApp } from './smoke';
import type { StagedApp } from './stage-app';

const lines: string[] = [];
const log = (line: string) => lines.push(line);
let workDir: string;
let staged: Map<SmokeApp, StagedApp>;

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'vigil-docker-smoke-'));
  // One real `npm ci --omit=dev` (the runner's, the smallest) proves the image's install works from the build's
  // package.json and lockfile; the others link exactly the listed packages (npm run docker:smoke installs every one).
  staged = await prepareApps(workDir, log, (app) => (app === 'runner' ? 'npm' : 'link'));
}, 600_000);

afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
});

describe('the images, replayed without Docker', () => {
  it('install in each app exactly the production dependencies its build listed', () => {
    for (const app of SMOKE_APPS) {
      const dir = (staged.get(app) as StagedApp).dir;
      const { dependencies } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
      for (const name of Object.keys(dependencies)) {
        expect([app, name, JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')).name]).toEqual([app, name, name]);
      }
      // The runner talks HTTP only: no database driver in its image.
      if (app === 'runner') expect(Object.keys(dependencies).filter((name) => /prisma|pg|pglite/.test(name))).toEqual([]);
    }
  });

  it("give the runner the heap bound and every image its data directory, as the Dockerfiles' ENV says", () => {
    const runner = staged.get('runner') as StagedApp;
    expect(runner.env['NODE_OPTIONS']).toBe(RUNNER_NODE_ARGS.join(' '));
    expect(RUNNER_NODE_ARGS).toContain('--max-old-space-size=160');
    expect(runner.env['NODE_ENV']).toBe('production');
    expect(runner.env['VIGIL_DATA_DIR']).toBe(runner.hostPath('/var/lib/vigil'));
    // `install -d -m 0700`: private before any app starts, as a new volume is.
    expect(statSync(runner.hostPath('/var/lib/vigil')).mode & 0o777).toBe(0o700);
  });
});

// PostgreSQL: the services as separate processes sharing one database.
describe.each(testDatabaseKinds({ postgres: 'semantics' }))('the bundles started with node, as compose starts them (%s)', (kind) => {
  it('migrate once, then serve healthy, take a runner with a key from the CLI, and stop cleanly on SIGTERM', async () => {
    const scratch = kind === 'postgres' ? await createScratchPostgres() : undefined;
    try {
      const database = scratch ? { kind: 'postgres' as const, url: scratch.url } : { kind: 'embedded' as const };
      const result = await runSmoke(staged, database, workDir, log);
      const services = kind === 'postgres' ? ['controller-api', 'evaluator', 'notifier', 'runner'] : ['controller-api', 'runner'];
      expect(result.steps).toEqual([
        'migrate: exit 0',
        'controller-api: healthy',
        'controller-api: ready',
        ...(kind === 'postgres' ? ['evaluator: healthy', 'notifier: healthy'] : []),
        'cli: runners create: exit 0',
        'runner: healthy',
        'runner: polled the controller',
        ...[...services].reverse().map((name) => `${name}: SIGTERM, exit 0`),
        ...(kind === 'embedded' ? ['all-in-one: healthy', 'all-in-one: SIGTERM, exit 0'] : []),
      ]);
      expect(result.runner.last_seen_at).not.toBeNull();
    } finally {
      await scratch?.drop();
    }
  });
});
