// `npm start` as a person runs it: the real bundle, built by Nx, in a process of its own, on
// the embedded database in a fresh data directory, started twice and stopped with signals.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { notPrivate, until } from '@vigil/testing';

const ROOT = resolve(__dirname, '../../..');
const BUNDLE = join(ROOT, 'dist/apps/all-in-one/main.js');
// Migrating a new PGlite database takes a while on a loaded 2-core machine.
const START_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 10_000;

function run(command: string, args: string[]): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, NX_DAEMON: 'false' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', fail);
    child.on('exit', (code) => (code === 0 ? done() : fail(new Error(`${command} ${args.join(' ')} exited ${code}:\n${output.slice(-3000)}`))));
  });
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

/** The bundle running in its own process, with what it printed so far. */
class AllInOne {
  stdout = '';
  stderr = '';
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcess;

  constructor(env: Record<string, string>) {
    // Only what the test sets: a VIGIL_* or DATABASE_URL of the machine running the tests must not leak in.
    this.child = spawn(process.execPath, ['--enable-source-maps', BUNDLE], {
      cwd: ROOT,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout?.on('data', (chunk: Buffer) => (this.stdout += chunk.toString()));
    this.child.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exit = new Promise((done) => this.child.on('exit', (code, signal) => done({ code, signal })));
  }

  get output(): string {
    return `--- stdout\n${this.stdout.slice(-4000)}\n--- stderr\n${this.stderr.slice(-4000)}`;
  }

  async printed(text: string | RegExp, timeoutMs: number): Promise<void> {
    const seen = () => (typeof text === 'string' ? this.stdout.includes(text) : text.test(this.stdout));
    let exited = false;
    void this.exit.then(() => (exited = true));
    await until(() => seen() || exited, `the all-in-one to print ${String(text)}`, timeoutMs).catch((error: Error) => {
      throw new Error(`${error.message}\n${this.output}`);
    });
    if (!seen()) throw new Error(`the all-in-one exited before printing ${String(text)}\n${this.output}`);
  }

  /** Sends `signal` and resolves with the exit code, failing if it takes longer than STOP_TIMEOUT_MS. */
  async stop(signal: NodeJS.Signals): Promise<number | null> {
    this.child.kill(signal);
    const outcome = await Promise.race([this.exit, sleep(STOP_TIMEOUT_MS, undefined, { ref: false })]);
    if (outcome === undefined) {
      this.child.kill('SIGKILL');
      throw new Error(`the all-in-one did not stop within ${STOP_TIMEOUT_MS} ms of ${signal}\n${this.output}`);
    }
    return outcome.code;
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

interface Page<T> {
  data: T[];
}

describe('npm start: the all-in-one on the embedded database', () => {
  let dataDir: string;
  let port: number;
  let base: string;
  let key: string;
  const started: AllInOne[] = [];
  // Fast enough that a test sees the flapping endpoint fail within its first probes, and recover.
  const demoEnv = { VIGIL_DEMO: '1', VIGIL_DEMO_FLAP_DOWN_S: '5', VIGIL_DEMO_FLAP_UP_S: '10' };

  const start = (env: Record<string, string>): AllInOne => {
    const instance = new AllInOne({ VIGIL_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', ...env });
    started.push(instance);
    return instance;
  };
  const get = async <T>(path: string, apiKey = key): Promise<{ status: number; body: T }> => {
    const response = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${apiKey}` } });
    return { status: response.status, body: (await response.json()) as T };
  };
  /** Polls the API every 250 ms (not every 10 ms as `until` would) until `condition` holds. */
  const eventually = (condition: () => Promise<boolean>, what: string, timeoutMs = 60_000) =>
    until(async () => (await condition()) || (await sleep(250), false), what, timeoutMs);

  beforeAll(async () => {
    await run('npx', ['nx', 'run', '@vigil/all-in-one:build', '--output-style=static']);
    dataDir = await mkdtemp(join(tmpdir(), 'vigil-all-in-one-'));
    port = await freePort();
    base = `http://127.0.0.1:${port}`;
  }, 300_000);

  afterAll(async () => {
    for (const instance of started) instance.kill();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('starts once with a banner and an admin key that works, runs the demo from @controller, and stops on SIGINT with 0', async () => {
    const first = start(demoEnv);
    await first.printed('Add a runner', START_TIMEOUT_MS);

    const shown = /Admin API key\s+(vk_\w+)\s+\(shown this once; also in (\S+)\)/.exec(first.stdout);
    expect(shown).not.toBeNull();
    key = shown?.[1] as string;
    expect(shown?.[2]).toBe(join(dataDir, 'admin.key'));
    expect((await readFile(join(dataDir, 'admin.key'), 'utf8')).trim()).toBe(key);
    expect(first.stdout).toContain(`Dashboard       http://127.0.0.1:${port}/`);
    expect(first.stdout).toContain(`Status page     http://127.0.0.1:${port}/status/demo`);
    expect(first.stdout).toContain(`VIGIL_URL=http://127.0.0.1:${port} VIGIL_DATA_DIR=${dataDir} npm run vigil -- runners create <slug>`);
    // Printed once, in the banner: not in a log line as well.
    expect(first.stdout.split(key)).toHaveLength(2);

    // What the banner points at answers: the dashboard and the demo's public status page.
    for (const path of ['/', '/status/demo']) {
      const page = await fetch(`${base}${path}`);
      expect([path, page.status, page.headers.get('content-type')]).toEqual([path, 200, expect.stringContaining('text/html')]);
    }
    expect((await get('/api/v1/sites', 'vk_not-a-key')).status).toBe(401);
    const sites = await get<Page<{ id: string; slug: string; public_status_page: boolean }>>('/api/v1/sites');
    expect(sites.status).toBe(200);
    expect(sites.body.data).toEqual([expect.objectContaining({ slug: 'demo', public_status_page: true })]);

    const checks = (await get<Page<{ id: string; name: string; target: string; locations: string[] }>>(`/api/v1/checks?site_id=${sites.body.data[0].id}`)).body.data;
    expect(checks.map((check) => check.name).sort()).toEqual(['Always up', 'Flapping']);
    for (const check of checks) expect(check).toMatchObject({ target: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\//), locations: ['@controller'] });
    const [alwaysUp, flapping] = ['Always up', 'Flapping'].map((name) => checks.find((check) => check.name === name)?.id as string);

    type Result = { location: string; ok: boolean; status_code: number | null };
    const results = async (id: string) => (await get<Page<Result>>(`/api/v1/checks/${id}/results`)).body.data;
    const events = async (id: string) => (await get<Page<{ state: string }>>(`/api/v1/events?check_id=${id}`)).body.data;
    await eventually(async () => (await results(alwaysUp)).length >= 2 && (await results(flapping)).length >= 2, 'two results of each demo check');
    await eventually(async () => (await events(flapping)).length >= 1, 'an event of the flapping check');

    const upResults = await results(alwaysUp);
    expect(upResults.every((result) => result.location === '@controller' && result.ok && result.status_code === 200)).toBe(true);
    expect((await results(flapping)).some((result) => result.location === '@controller' && !result.ok && result.status_code === 503)).toBe(true);
    expect(await events(alwaysUp)).toEqual([]);

    // The app runs with umask 077, and PGlite's own 0666 files were made private: nothing under
    // the data dir (database, admin.key, lock) is readable by another user, running or stopped.
    expect(notPrivate(dataDir)).toEqual([]);
    expect(await first.stop('SIGINT')).toBe(0);
    expect(first.stdout).toContain('stopped');
    expect(notPrivate(dataDir)).toEqual([]);
  });

  it('starts again on the same data without a new key or a second demo site, and stops on SIGTERM with 0', async () => {
    expect(key).toBeDefined();
    // JSON logs: the banner is for people and stays plain text.
    const second = start({ ...demoEnv, LOG_FORMAT: 'json' });
    await second.printed('Add a runner', START_TIMEOUT_MS);
    expect(second.stdout).not.toMatch(/vk_\w+/);
    expect(second.stdout).toContain(`Admin API key   in ${join(dataDir, 'admin.key')}`);
    expect(second.stdout).toMatch(/^\s+Dashboard\s+http:\/\/127\.0\.0\.1:\d+\/$/m);

    const sites = await get<Page<{ id: string; slug: string }>>('/api/v1/sites');
    expect(sites.status).toBe(200);
    expect(sites.body.data.map((site) => site.slug)).toEqual(['demo']);
    const checks = (await get<Page<{ id: string; name: string }>>(`/api/v1/checks?site_id=${sites.body.data[0].id}`)).body.data;
    expect(checks).toHaveLength(2);
    const [alwaysUp, flapping] = ['Always up', 'Flapping'].map((name) => checks.find((check) => check.name === name)?.id as string);
    // The history of the first start is still there…
    expect((await get<Page<unknown>>(`/api/v1/events?check_id=${flapping}`)).body.data.length).toBeGreaterThanOrEqual(1);
    const results = async () => (await get<Page<{ ok: boolean; checked_at: string }>>(`/api/v1/checks/${alwaysUp}/results`)).body.data;
    const before = await results();
    expect(before.length).toBeGreaterThanOrEqual(2);
    // …and the demo checks follow the demo endpoints to this start's port: the next probe passes.
    await eventually(async () => (await results()).length > before.length, 'a result of this start');
    expect((await results())[0]).toMatchObject({ ok: true });

    // Both workers' sweeps count for its readiness, and each exports when it last succeeded.
    const readyz = await fetch(`${base}/readyz`);
    expect(readyz.status).toBe(200);
    expect(await readyz.json()).toMatchObject({ details: { database: 'ok', sweeps: { evaluator: { status: 'ok' }, notifier: { status: 'ok' } } } });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    for (const [service, loop] of [['evaluator', 'evaluator'], ['evaluator', 'evaluator sweep'], ['notifier', 'notifier']]) {
      expect(metrics).toMatch(new RegExp(`^vigil_last_successful_sweep_timestamp_seconds\\{service="${service}",loop="${loop}"\\} [1-9]`, 'm'));
    }

    // Without VIGIL_PUBLIC_URL, a heartbeat's ping URL is where the banner points, not a path alone.
    const created = await fetch(`${base}/api/v1/checks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ site_id: sites.body.data[0].id, type: 'heartbeat', target: 'nightly-backup', spec: { period_s: 3600, grace_s: 600 } }),
    });
    expect(created.status).toBe(201);
    const heartbeat = (await created.json()) as { id: string };
    const pingUrl = await get<{ ping_url: string }>(`/api/v1/checks/${heartbeat.id}/ping-url`);
    expect(pingUrl.body.ping_url).toMatch(new RegExp(`^${base}/ping/[\\w-]+$`));
    expect((await fetch(pingUrl.body.ping_url)).status).toBe(200);

    expect(await second.stop('SIGTERM')).toBe(0);
  });

  it('refuses to start a new empty database where admin.key is but the database is not, and exits 1', async () => {
    // As a restore that brought back admin.key but not the database would leave it.
    await rename(join(dataDir, 'pglite'), join(dataDir, 'pglite.moved'));
    try {
      const third = start({ LOG_FORMAT: 'json' });
      const { code } = await third.exit;
      expect(code).toBe(1);
      const output = third.stdout + third.stderr;
      expect(output).toContain('"code":"database_missing"');
      expect(output).toContain(`remove ${join(dataDir, 'admin.key')}`);
      expect(output).not.toContain('Add a runner');
      await expect(readFile(join(dataDir, 'pglite', 'PG_VERSION'))).rejects.toThrow();
    } finally {
      await rename(join(dataDir, 'pglite.moved'), join(dataDir, 'pglite'));
    }
  });
});
