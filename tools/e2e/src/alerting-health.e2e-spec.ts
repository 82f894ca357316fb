// Alerting that cannot die silently (issue 14): the built evaluator, in its own process on a
// PostgreSQL database of its own, is broken under its feet: site_events renamed, so that, as
// with the corrupt page, every check it takes fails and rolls back while the process
// and its database connection are fine. /healthz stays 200 (the process is
// alive) but /readyz turns 503 with the reason, the sweep gauges say so, and its heartbeat to a
// dead man's switch on loopback stops; repaired, it turns ready and pings again.
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '@vigil/db/testing';
import { buildApps, EVALUATOR, type RunningService, serviceEnvironment, startEvaluator, workspaceRoot } from '@vigil/processes';
import { insertFleetResults, planFleet, seedFleet } from './support/evaluator-fleet';
import { until } from './support/until';

const TOKEN = 'dms-token-7d3f9a1b2c';
/** The shortest interval the setting accepts. */
const HEARTBEAT_INTERVAL_S = 5;

/** A dead man's switch: counts GETs of /ping/<TOKEN>. */
async function startDeadMansSwitch() {
  let pings = 0;
  const server = http.createServer((request, response) => {
    if (request.method === 'GET' && request.url === `/ping/${TOKEN}`) pings += 1;
    response.end('OK');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/ping/${TOKEN}`,
    pings: () => pings,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function get(url: string): Promise<{ status: number; text: string }> {
  const response = await fetch(url);
  return { status: response.status, text: await response.text() };
}

/** The value of the first sample of `metric` whose line contains every one of `labels`. */
async function sample(service: RunningService, metric: string, labels: readonly string[]): Promise<number | undefined> {
  const { text } = await get(`${service.url}/metrics`);
  const line = text.split('\n').find((l) => l.startsWith(`${metric}{`) && labels.every((label) => l.includes(label)));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
}

// Building the evaluator (a cache hit when nothing changed) takes a minute on a loaded machine.
beforeAll(() => buildApps(workspaceRoot(), [EVALUATOR]), 300_000);

describe('the evaluator given a heartbeat URL it cannot parse', () => {
  it('refuses to start, naming the variable but not its value (it may hold a token)', async () => {
    const root = workspaceRoot();
    const child = spawn(process.execPath, [path.join(root, EVALUATOR.main)], {
      cwd: root,
      env: serviceEnvironment({ VIGIL_HEARTBEAT_URL: `ftp://dms.example/ping/${TOKEN}`, METRICS_PORT: 'off', LOG_FORMAT: 'pretty' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(78);
    expect(output).toContain('VIGIL_HEARTBEAT_URL must be an http:// or https:// URL');
    expect(output).not.toContain(TOKEN);
  });
});

// PostgreSQL: a database of its own that the test breaks while the evaluator runs.
if (testDatabaseKinds({ postgres: 'semantics' }).includes('postgres')) {
  describe('an evaluator whose database breaks under it', () => {
    let database: TestDatabase;
    let deadMansSwitch: Awaited<ReturnType<typeof startDeadMansSwitch>>;
    let evaluator: RunningService | undefined;

    beforeAll(async () => {
      const root = workspaceRoot();
      [database, deadMansSwitch] = await Promise.all([createTestDatabase('postgres'), startDeadMansSwitch()]);
      evaluator = await startEvaluator(root, database.url ?? '', {
        logLevel: 'info',
        echoLines: 0,
        keptLines: 60,
        vars: {
          VIGIL_READY_MAX_FAILED_SWEEPS: '2',
          VIGIL_HEARTBEAT_URL: deadMansSwitch.url,
          VIGIL_HEARTBEAT_INTERVAL_S: String(HEARTBEAT_INTERVAL_S),
        },
      });
    });
    afterAll(async () => {
      await evaluator?.stop();
      await deadMansSwitch?.close();
      await database?.dispose();
    });

    const explained = async (what: () => Promise<void>) => {
      try {
        await what();
      } catch (error) {
        throw new Error(`${(error as Error).message}\n\nthe evaluator's last lines:\n${evaluator?.logTail() ?? ''}`, { cause: error });
      }
    };

    it('turns /readyz red with the reason and stops its heartbeat, then recovers once repaired', () =>
      explained(async () => {
        const service = evaluator as RunningService;
        // After a failing streak the loop waits up to 30 s (its backoff) before it tries again.
        const timeoutMs = 45_000;
        // Healthy: ready, and the dead man's switch hears from it.
        await until(() => deadMansSwitch.pings() >= 1, 'the first heartbeat', timeoutMs);
        expect((await get(`${service.url}/readyz`)).status).toBe(200);
        expect(await sample(service, 'vigil_last_successful_sweep_timestamp_seconds', ['service="evaluator"', 'loop="evaluator"'])).toBeGreaterThan(0);

        // Broken: the checks' events cannot be read, then results arrive for them.
        const plan = planFleet({ seed: 3, checks: 6, rounds: 3 });
        await seedFleet(database.db.prisma, plan);
        await database.db.prisma.$executeRawUnsafe('ALTER TABLE site_events RENAME TO site_events_broken');
        await insertFleetResults(database.db.prisma, plan, 0, plan.rounds);
        let readyz = { status: 0, text: '' };
        // The sweep reads site_events too and may fail its streak first: wait for the evaluation's own.
        const evaluationFailing = () => readyz.status === 503 && readyz.text.includes('evaluator failed');
        await until(async () => ((readyz = await get(`${service.url}/readyz`)), evaluationFailing()), '/readyz to answer 503 for the evaluation', timeoutMs);
        expect(JSON.parse(readyz.text)).toMatchObject({
          status: 'unavailable',
          details: {
            database: 'ok',
            sweeps: { evaluator: { status: 'failing' } },
            reason: expect.stringMatching(/^evaluator: .*evaluator failed \d+ times in a row: \d+ of \d+ checks could not be evaluated/),
          },
        });
        // The process is alive: only readiness says it cannot do its work.
        expect((await get(`${service.url}/healthz`)).status).toBe(200);
        expect(await sample(service, 'vigil_consecutive_failed_sweeps', ['service="evaluator"', 'loop="evaluator"'])).toBeGreaterThanOrEqual(2);

        // The heartbeat stops: once a tick has been skipped, no ping reaches the switch however many follow.
        const skipped = () => sample(service, 'vigil_heartbeat_pings_total', ['outcome="skipped"']);
        await until(async () => ((await skipped()) ?? 0) >= 1, 'a skipped heartbeat', timeoutMs);
        const pingsWhileBroken = deadMansSwitch.pings();
        await until(async () => ((await skipped()) ?? 0) >= 3, 'three skipped heartbeats', timeoutMs);
        expect(deadMansSwitch.pings()).toBe(pingsWhileBroken);

        // Repaired: ready again after a successful sweep, and the switch hears from it again.
        await database.db.prisma.$executeRawUnsafe('ALTER TABLE site_events_broken RENAME TO site_events');
        await until(async () => (await get(`${service.url}/readyz`)).status === 200, '/readyz to answer 200 again', timeoutMs);
        await until(() => deadMansSwitch.pings() > pingsWhileBroken, 'the heartbeat to resume', timeoutMs);
        expect(await database.db.prisma.pendingResult.count()).toBe(0);
        expect(service.logTail()).not.toContain(TOKEN);
      }));
  });
}
