// The runner's spool with real runner processes: a second runner on a spool directory that one
// already uses is refused, and a spool on a full filesystem (a small tmpfs, mounted here: the
// tests run as root, locally and in CI) drops results, counts them, and the runner goes on
// reporting to the real controller API (on PGlite) once the controller or the disk takes them.
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createApiKey, createCheck, createRunner, createSite, listCheckResults, MIN_INTERVAL_S } from '@vigil/contracts';
import { createEmbeddedDataDir } from '@vigil/db/testing';
import {
  apiClient,
  buildApps,
  CONTROLLER_API,
  type ControllerService,
  freePort,
  type LocationTarget,
  RUNNER,
  type RunningService,
  startController,
  startLocationTarget,
  startRunner,
  workspaceRoot,
} from '@vigil/processes';
import { until } from './support/until';

const root = workspaceRoot();
const REPORT_PATH = '/api/runner/report';

/** The sum of the series of `name` in a Prometheus text exposition whose labels include `labels`. */
async function scrape(service: RunningService, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`${service.url}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match?.[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? '').matchAll(/([a-z_]+)="([^"]*)"/g)].map((pair) => [pair[1], pair[2]]));
    if (Object.entries(labels).every(([label, value]) => found[label] === value)) total += Number(match[3]);
  }
  return total;
}

const occurrences = (text: string, part: string): number => text.split(part).length - 1;

describe('a runner owns its spool directory', () => {
  let workDir: string;
  /** Nothing listens there: these runners never need their controller. */
  let controllerUrl: string;
  const started: RunningService[] = [];
  const privateKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const identity = { slug: 'us-1', privateKey };

  beforeAll(async () => {
    await buildApps(root, [RUNNER]);
    workDir = mkdtempSync(join(tmpdir(), 'vigil-spool-e2e-'));
    controllerUrl = `http://127.0.0.1:${await freePort()}`;
  }, 300_000);

  afterAll(async () => {
    await Promise.all(started.map((service) => service.stop()));
    rmSync(workDir, { recursive: true, force: true });
  });

  const start = async (options: Parameters<typeof startRunner>[3]) => {
    const runner = await startRunner(root, controllerUrl, identity, { echoLines: 0, keptLines: 60, ...options });
    started.push(runner);
    return runner;
  };

  it('refuses a second runner on the same spool directory, names the holder, and hands it over once the holder is gone', async () => {
    const dataDir = join(workDir, 'shared-data');
    const spoolDir = join(dataDir, 'spool', 'us-1');
    const first = await start({ dataDir, name: 'first runner' });

    const refused = await start({ dataDir, name: 'second runner' }).then(
      () => undefined,
      (error: unknown) => String(error),
    );
    expect(refused).toContain('exited (code 1)');
    expect(refused).toContain(`the spool directory ${spoolDir} is in use by runner us-1 (pid ${first.pid} on this host`);
    // Another slug spooling by default in the same data directory has a directory of its own.
    const neighbour = await startRunner(root, controllerUrl, { slug: 'eu-1', privateKey }, { dataDir, echoLines: 0 });
    started.push(neighbour);

    // Released on a clean stop; a lock left by a killed runner is taken over.
    await first.stop();
    const second = await start({ dataDir, name: 'second runner' });
    expect(await second.kill('SIGKILL')).toBe('signal SIGKILL');
    const third = await start({ dataDir, name: 'third runner' });
    expect(third.pid).toBeGreaterThan(0);
    // The same directory set explicitly is the same directory.
    await expect(start({ vars: { VIGIL_SPOOL_DIR: spoolDir }, name: 'fourth runner' })).rejects.toThrow(`(pid ${third.pid} on this host`);
  }, 120_000);
});

/**
 * Between the runner and the controller: forwards every request, except that while `closed`
 * reports are answered 503, as a controller that cannot take them would.
 */
async function startReportGate(controllerUrl: string): Promise<{ url: string; closed: boolean; close(): Promise<void> }> {
  const target = new URL(controllerUrl);
  const gate = { url: '', closed: true, close: async () => undefined };
  const server = http.createServer((request, response) => {
    if (gate.closed && request.url?.startsWith(REPORT_PATH)) {
      request.resume();
      response.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'unavailable', message: 'the gate is closed' } }));
      return;
    }
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: request.method, path: request.url, headers: request.headers, agent: false },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    upstream.on('error', () => response.destroy());
    request.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  gate.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  gate.close = async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  };
  return gate;
}

describe('a runner whose spool is on a full filesystem', () => {
  let workDir: string;
  let mountPoint: string;
  let mounted = false;
  let controller: ControllerService | undefined;
  let gate: Awaited<ReturnType<typeof startReportGate>> | undefined;
  let target: LocationTarget | undefined;
  let runner: RunningService | undefined;

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'vigil-spool-full-'));
    mountPoint = join(workDir, 'small-disk');
    execFileSync('mkdir', ['-p', mountPoint]);
    // 256 KiB: room for the lock and a first empty segment, and quickly filled.
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k,mode=0700', 'tmpfs', mountPoint]);
    mounted = true;
    const controllerData = join(workDir, 'controller');
    await Promise.all([buildApps(root, [CONTROLLER_API, RUNNER]), createEmbeddedDataDir(controllerData)]);
    [controller, target] = await Promise.all([
      startController(root, '', { dataDir: controllerData, echoLines: 0, vars: { VIGIL_CONTROLLER_PROBES: 'off' } }),
      startLocationTarget(),
    ]);
    gate = await startReportGate(controller.url);
  }, 300_000);

  afterAll(async () => {
    await runner?.stop();
    await Promise.all([controller?.stop(), gate?.close(), target?.close()]);
    if (mounted) execFileSync('umount', [mountPoint]);
    rmSync(workDir, { recursive: true, force: true });
  }, 60_000);

  it('drops what it cannot spool, counts it, logs it once, and reports again once the controller or the disk takes results', async () => {
    if (!controller || !gate || !target) throw new Error('not set up');
    const admin = apiClient(controller.url, controller.adminKey);
    const [created, key] = await Promise.all([
      admin(createRunner, { body: { slug: 'us-1' } }),
      admin(createApiKey, { body: { name: 'spool e2e', scopes: ['read', 'write'] } }),
    ]);
    const spoolDir = join(mountPoint, 'spool');
    runner = await startRunner(root, gate.url, { slug: 'us-1', privateKey: created.private_key }, {
      dataDir: join(workDir, 'runner'),
      pollIntervalMs: 250,
      echoLines: 0,
      keptLines: 400,
      // The line that says the spool can be written again is an info.
      logLevel: 'info',
      vars: { VIGIL_SPOOL_DIR: spoolDir },
    });
    const live = runner;
    const failIfCrashed = live.crashed.then((how) => Promise.reject(new Error(how)));
    failIfCrashed.catch(() => undefined);
    // A runner that crashed fails the test with its last lines (an unhandled rejection, say), not with a refused scrape.
    const checked = (condition: () => Promise<boolean>) => async () => {
      try {
        return await condition();
      } catch (error) {
        await Promise.race([failIfCrashed, sleep(1_000)]);
        throw error;
      }
    };
    const waitFor = (condition: () => Promise<boolean>, what: string, timeoutMs = 90_000) =>
      Promise.race([until(checked(condition), what, timeoutMs), failIfCrashed]);

    // The runner holds its lock and an empty segment; now nothing more fits.
    const filler = join(mountPoint, 'filler');
    try {
      for (;;) appendFileSync(filler, Buffer.alloc(4096, 1));
    } catch (error) {
      expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
    }

    const api = apiClient(controller.url, key.key);
    const site = await api(createSite, { body: { name: 'Spool' } });
    const check = await api(createCheck, {
      body: {
        site_id: site.id,
        type: 'http',
        name: 'Spool health',
        target: `${target.url}/spool/health`,
        spec: { expected_statuses: [200] },
        interval_s: MIN_INTERVAL_S,
        timeout_ms: 5_000,
        locations: ['us-1'],
        failing_threshold: 2,
        passing_threshold: 1,
        failing_locations_threshold: 1,
      },
    });
    const dropped = () => scrape(live, 'vigil_runner_results_dropped_total', { reason: 'spool_unwritable' });
    const accepted = () => scrape(live, 'vigil_runner_results_reported_total', { outcome: 'accepted' });
    const spooled = () => scrape(live, 'vigil_runner_spool_results');

    // The controller refuses reports and the disk is full: results are dropped, and the runner lives on.
    await waitFor(async () => (await dropped()) >= 2, 'two results dropped');
    expect(await accepted()).toBe(0);
    expect(occurrences(live.logTail(), 'cannot write to the spool')).toBe(1);
    expect(live.logTail()).toContain('ENOSPC');

    // The controller takes reports again: results go straight to it, the disk still full.
    gate.closed = false;
    await waitFor(async () => (await accepted()) >= 1, 'a result accepted by the controller');
    const results = (await api(listCheckResults, { params: { id: check.id } })).data;
    expect(results.length).toBeGreaterThan(0);

    // Space returns while the controller refuses reports again: results are spooled, then replayed.
    rmSync(filler);
    gate.closed = true;
    await waitFor(async () => (await spooled()) >= 1, 'a result spooled once the disk has room');
    expect(live.logTail()).toContain('can be written again');
    const acceptedBefore = await accepted();
    gate.closed = false;
    await waitFor(async () => (await spooled()) === 0 && (await accepted()) > acceptedBefore, 'the spool replayed to the controller');
    expect(occurrences(live.logTail(), 'cannot write to the spool')).toBe(1);
  }, 300_000);
});
