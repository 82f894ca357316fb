import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpSpecSchema, TcpSpecSchema } from '@vigil/contracts';
import { loopbackEgress } from '@vigil/egress/testing';
import { applyLatencyRule, markDegraded } from './degraded';
import { runProbe } from './run-probe';
import type { ProbeContext } from './types';

const context: ProbeContext = { userAgent: 'Vigil/test (+runner test)', egress: loopbackEgress() };
/** The slow route answers after this; the latency limit sits well between it and a fast answer on a loaded machine. */
const SLOW_MS = 600;
const LIMIT_MS = 250;

let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((request, response) => {
    const answer = () =>
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'up', queue: 900, version: '2.1.0' }));
    if (request.url === '/slow') setTimeout(answer, SLOW_MS);
    else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const httpRun = (path: string, spec: Record<string, unknown> = {}, degradedLatencyMs?: number) => ({
  type: 'http' as const,
  target: `${base}${path}`,
  spec: HttpSpecSchema.parse(spec),
  timeoutMs: 5_000,
  ...(degradedLatencyMs === undefined ? {} : { degradedLatencyMs }),
});

describe("the check's latency rule", () => {
  it('makes a slow successful run degraded, saying which rule and by how much', async () => {
    const result = await runProbe(httpRun('/slow', {}, LIMIT_MS), context);
    expect(result).toMatchObject({ ok: true, degraded: true, status_code: 200 });
    expect(result.latency_ms).toBeGreaterThanOrEqual(SLOW_MS - 5);
    expect(result.details).toEqual({ degraded: [{ rule: 'latency', limit_ms: LIMIT_MS, latency_ms: result.latency_ms }] });
  });

  it('leaves a fast run as it is', async () => {
    const result = await runProbe(httpRun('/fast', {}, LIMIT_MS), context);
    expect(result.ok).toBe(true);
    expect(result.latency_ms).toBeLessThan(LIMIT_MS);
    expect(result.degraded).toBeUndefined();
    expect(result.details).toBeUndefined();
  });

  it('does nothing without a limit, and never marks a failure', async () => {
    expect((await runProbe(httpRun('/slow'), context)).degraded).toBeUndefined();
    const failed = await runProbe(httpRun('/slow', { expected_statuses: [204] }, LIMIT_MS), context);
    expect(failed).toMatchObject({ ok: false, error_code: 'ASSERTION_FAILED' });
    expect(failed.degraded).toBeUndefined();
    expect(applyLatencyRule({ ok: false, latency_ms: 9_000, error_code: 'X' }, 100)).toEqual({ ok: false, latency_ms: 9_000, error_code: 'X' });
  });

  it('applies to every check type: a tcp connect slower than the limit is degraded', async () => {
    const port = (server.address() as AddressInfo).port;
    const run = { type: 'tcp' as const, target: `127.0.0.1:${port}`, spec: TcpSpecSchema.parse({}), timeoutMs: 5_000 };
    // A limit of 0 ms: any connect takes longer than none.
    expect(await runProbe({ ...run, degradedLatencyMs: 0 }, context)).toMatchObject({ ok: true, degraded: true, details: { degraded: [{ rule: 'latency', limit_ms: 0 }] } });
    expect((await runProbe({ ...run, degradedLatencyMs: 60_000 }, context)).degraded).toBeUndefined();
  });

  it('adds to the reasons a probe already gave', () => {
    const first = markDegraded({ ok: true, latency_ms: 10, details: { redirects: 1 } }, { rule: 'rtt', limit_ms: 5, rtt_avg_ms: 10 });
    expect(applyLatencyRule(first, 5)).toEqual({
      ok: true,
      latency_ms: 10,
      degraded: true,
      details: {
        redirects: 1,
        degraded: [
          { rule: 'rtt', limit_ms: 5, rtt_avg_ms: 10 },
          { rule: 'latency', limit_ms: 5, latency_ms: 10 },
        ],
      },
    });
  });
});

describe('an http assertion of severity degraded', () => {
  const queueShort = { path: '$.queue', op: 'less_than', value: 100, severity: 'degraded' };

  it('keeps a run that fails it successful, marked degraded with the assertion', async () => {
    const result = await runProbe(httpRun('/fast', { json_assertions: [{ path: '$.status', op: 'equals', value: 'up' }, queueShort] }), context);
    expect(result).toMatchObject({
      ok: true,
      degraded: true,
      details: {
        degraded: [
          {
            rule: 'assertion',
            assertion: { kind: 'json', path: '$.queue', op: 'less_than', expected: 100, actual: 900 },
            message: 'JSON path $.queue is 900; expected it to be less than 100',
          },
        ],
      },
    });
    expect(result.error_code).toBeUndefined();
  });

  it('is not degraded when it holds', async () => {
    const result = await runProbe(httpRun('/fast', { json_assertions: [{ ...queueShort, value: 1000 }] }), context);
    expect(result.ok).toBe(true);
    expect(result.degraded).toBeUndefined();
  });

  it('gives way to a failing assertion of severity down: the run fails, and is not degraded', async () => {
    const result = await runProbe(
      httpRun('/fast', { json_assertions: [queueShort, { path: '$.status', op: 'equals', value: 'down', severity: 'down' }] }),
      context,
    );
    expect(result).toMatchObject({ ok: false, error_code: 'ASSERTION_FAILED', details: { assertion: { path: '$.status' } } });
    expect(result.degraded).toBeUndefined();
  });
});
