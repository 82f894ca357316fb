import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IcmpSpecSchema } from '@vigil/contracts';
import { createEgressGuard, DEFAULT_EGRESS_POLICY } from '@vigil/egress';
import { fakeResolver, loopbackEgress } from '@vigil/egress/testing';
import { runProbe } from '../run-probe';
import type { ProbeContext } from '../types';
import { createIcmpProbe, icmpProbe, MAX_PING_OUTPUT_BYTES, pingArguments } from './icmp-probe';

const resolver = fakeResolver({ 'v4.test': '127.0.0.1', 'v6.test': '::1', 'rebind.test': ['192.0.2.10', '127.0.0.1'] });
const context: ProbeContext = { userAgent: 'Vigil/test (+runner test)', egress: loopbackEgress({ resolver }) };
const production: ProbeContext = { userAgent: 'Vigil/test (+runner test)', egress: createEgressGuard(DEFAULT_EGRESS_POLICY, { resolver }) };

function run(target: string, spec: Record<string, unknown> = {}, timeoutMs = 5_000) {
  return { type: 'icmp' as const, target, spec: IcmpSpecSchema.parse({ interval_ms: 200, ...spec }), timeoutMs };
}

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'vigil-ping-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A stand-in for ping: records its arguments and environment, prints `output`, exits with `exit` (after `sleepS`). */
function fakePing(name: string, output: string, exit = 0, sleepS = 0): { command: string; args: () => string[]; env: () => string } {
  const command = join(dir, name);
  writeFileSync(join(dir, `${name}.out`), output);
  writeFileSync(
    command,
    [
      '#!/bin/sh',
      `printf '%s\\n' "$@" > '${command}.args'`,
      `env > '${command}.env'`,
      sleepS > 0 ? `exec sleep ${sleepS}` : '',
      `cat '${command}.out'`,
      `exit ${exit}`,
    ].join('\n'),
  );
  chmodSync(command, 0o755);
  return {
    command,
    args: () => readFileSync(`${command}.args`, 'utf8').trim().split('\n'),
    env: () => readFileSync(`${command}.env`, 'utf8'),
  };
}

const fixture = (name: string): string => readFileSync(join(__dirname, 'fixtures', name), 'utf8');

describe('icmpProbe against loopback, with the system ping', () => {
  beforeAll(() => {
    try {
      execFileSync('ping', ['-V'], { stdio: 'ignore' });
    } catch {
      throw new Error('these tests ping 127.0.0.1 and ::1 with the system ping: apt-get install iputils-ping (.ci/run does)');
    }
  });

  it('pings 127.0.0.1 and reports count, loss and rtt', async () => {
    const result = await runProbe(run('127.0.0.1', { count: 2 }), context);
    expect(result).toMatchObject({
      ok: true,
      details: { address: '127.0.0.1', transmitted: 2, received: 2, loss_percent: 0 },
    });
    const details = result.details as Record<string, number>;
    expect(details['rtt_min_ms']).toBeGreaterThanOrEqual(0);
    expect(details['rtt_max_ms']).toBeGreaterThanOrEqual(details['rtt_avg_ms']);
    expect(details['rtt_avg_ms']).toBeGreaterThanOrEqual(details['rtt_min_ms']);
    expect(details['rtt_mdev_ms']).toBeGreaterThanOrEqual(0);
    expect(result.latency_ms).toBe(details['rtt_avg_ms']);
  });

  it('pings ::1 over IPv6, with or without brackets', async () => {
    for (const target of ['::1', '[::1]']) {
      expect(await icmpProbe(run(target, { count: 1 }), context)).toMatchObject({
        ok: true,
        details: { address: '::1', transmitted: 1, received: 1, loss_percent: 0 },
      });
    }
  });

  it('pings the address a name resolves to, in its family', async () => {
    expect(await icmpProbe(run('v6.test', { count: 1 }), context)).toMatchObject({ ok: true, details: { address: '::1', received: 1 } });
    expect(await icmpProbe(run('v4.test', { count: 1 }), context)).toMatchObject({ ok: true, details: { address: '127.0.0.1', received: 1 } });
  });

  it('never fails the check on an rtt over degraded_rtt_ms: the rtt is in the details for the degraded rule', async () => {
    const result = await icmpProbe(run('127.0.0.1', { count: 1, degraded_rtt_ms: 0.1 }), context);
    expect(result).toMatchObject({ ok: true, details: { received: 1 } });
    expect(typeof (result.details as Record<string, unknown>)['rtt_avg_ms']).toBe('number');
  });
});

describe('icmpProbe and the egress policy', () => {
  it('refuses loopback under the default policy, as a literal and behind a name, without running ping', async () => {
    const ping = fakePing('never', '');
    const probe = createIcmpProbe({ command: ping.command });
    for (const target of ['127.0.0.1', '::1', 'rebind.test']) {
      expect(await probe(run(target), production)).toMatchObject({ ok: false, error_code: 'EGRESS_DENIED' });
    }
    expect(() => ping.args()).toThrow(/ENOENT/);
  });

  it('fails with ENOTFOUND for a name that does not resolve', async () => {
    expect(await icmpProbe(run('nowhere.test'), context)).toMatchObject({ ok: false, error_code: 'ENOTFOUND' });
  });
});

describe('icmpProbe with a stand-in ping', () => {
  it('runs ping without a shell, in the C locale, with count, interval, family and the wait for the last reply', async () => {
    const ping = fakePing('args', fixture('iputils-ipv6-quiet.txt'));
    await createIcmpProbe({ command: ping.command })(run('v6.test', { count: 4, interval_ms: 500 }, 3_000), context);
    expect(ping.args()).toEqual(['-n', '-q', '-6', '-c', '4', '-i', '0.5', '-W', '1.2', '::1']);
    expect(ping.env()).toMatch(/^LC_ALL=C$/m);
    expect(ping.env()).not.toMatch(/^HOME=/m);
  });

  it('gives the last reply at least 0.2 s', () => {
    expect(pingArguments('127.0.0.1', 4, { count: 3, interval_ms: 1000 }, 2_100)).toEqual(['-n', '-q', '-4', '-c', '3', '-i', '1.0', '-W', '0.2', '127.0.0.1']);
  });

  it('fails with PACKET_LOSS when every packet is lost, with the counts and no rtt', async () => {
    const ping = fakePing('lost', fixture('iputils-total-loss.txt'), 1);
    const result = await createIcmpProbe({ command: ping.command })(run('127.0.0.1', { max_loss_percent: 99 }), context);
    expect(result).toEqual({
      ok: false,
      timings: { total: expect.any(Number) },
      details: { address: '127.0.0.1', transmitted: 3, received: 0, loss_percent: 100 },
      error_code: 'PACKET_LOSS',
      error: '3 of 3 packets lost (100 %)',
    });
  });

  it('fails when the loss exceeds max_loss_percent, and passes when it does not', async () => {
    const ping = fakePing('some-lost', fixture('iputils-errors.txt'));
    const probe = createIcmpProbe({ command: ping.command });
    expect(await probe(run('127.0.0.1', { max_loss_percent: 50 }), context)).toMatchObject({
      ok: false,
      error_code: 'PACKET_LOSS',
      error: '2 of 3 packets lost (66.7 %), more than max_loss_percent 50',
      latency_ms: 12.402,
    });
    expect(await probe(run('127.0.0.1', { max_loss_percent: 66.7 }), context)).toMatchObject({
      ok: true,
      latency_ms: 12.402,
      details: { loss_percent: 66.7, rtt_min_ms: 12.402, rtt_avg_ms: 12.402, rtt_max_ms: 12.402, rtt_mdev_ms: 0 },
    });
  });

  it('is degraded, never down, when the average round trip is over degraded_rtt_ms', async () => {
    const ping = fakePing('slow', fixture('iputils-errors.txt'));
    const probe = createIcmpProbe({ command: ping.command });
    expect(await probe(run('127.0.0.1', { max_loss_percent: 66.7, degraded_rtt_ms: 10 }), context)).toMatchObject({
      ok: true,
      degraded: true,
      latency_ms: 12.402,
      details: { rtt_avg_ms: 12.402, degraded: [{ rule: 'rtt', limit_ms: 10, rtt_avg_ms: 12.402 }] },
    });
    const fastEnough = await probe(run('127.0.0.1', { max_loss_percent: 66.7, degraded_rtt_ms: 12.5 }), context);
    expect(fastEnough.ok).toBe(true);
    expect(fastEnough.degraded).toBeUndefined();
    expect(fastEnough.details).not.toHaveProperty('degraded');
    // Too much loss fails the run: a failure is never also degraded.
    const lossy = await probe(run('127.0.0.1', { max_loss_percent: 50, degraded_rtt_ms: 10 }), context);
    expect(lossy).toMatchObject({ ok: false, error_code: 'PACKET_LOSS' });
    expect(lossy.degraded).toBeUndefined();
  });

  it('says what ping said when it printed no statistics', async () => {
    const ping = fakePing('unreachable', '', 2);
    writeFileSync(ping.command, `#!/bin/sh\necho 'ping: connect: Network is unreachable' >&2\nexit 2\n`);
    expect(await createIcmpProbe({ command: ping.command })(run('127.0.0.1'), context)).toMatchObject({
      ok: false,
      error_code: 'PING_FAILED',
      error: 'ping 127.0.0.1: ping: connect: Network is unreachable',
    });
  });

  it('reports a missing or unusable ping as inconclusive: the runner cannot tell', async () => {
    expect(await createIcmpProbe({ command: join(dir, 'missing-ping') })(run('127.0.0.1'), context)).toMatchObject({
      ok: false,
      inconclusive: true,
      error_code: 'PING_UNAVAILABLE',
    });
    const ping = fakePing('no-capability', '', 2);
    writeFileSync(ping.command, `#!/bin/sh\necho 'ping: socktype: SOCK_RAW' >&2\necho 'ping: socket: Operation not permitted' >&2\nexit 2\n`);
    expect(await createIcmpProbe({ command: ping.command })(run('127.0.0.1'), context)).toMatchObject({
      ok: false,
      inconclusive: true,
      error_code: 'PING_UNAVAILABLE',
    });
  });

  it('answers at once when ping cannot even be spawned', async () => {
    const startedAt = Date.now();
    expect(await createIcmpProbe({ command: 'ping\u0000' })(run('127.0.0.1', {}, 5_000), context)).toMatchObject({
      ok: false,
      inconclusive: true,
      error_code: 'PING_UNAVAILABLE',
    });
    expect(Date.now() - startedAt).toBeLessThan(2_000);
  });

  it('kills a ping that outlives the run and answers ETIMEDOUT at the deadline', async () => {
    const ping = fakePing('slow', fixture('iputils-ipv4.txt'), 0, 5);
    const startedAt = Date.now();
    const result = await createIcmpProbe({ command: ping.command })(run('127.0.0.1', { count: 1 }, 300), context);
    expect(result).toMatchObject({ ok: false, error_code: 'ETIMEDOUT', error: 'ping 127.0.0.1 did not end within 300 ms' });
    expect(Date.now() - startedAt).toBeLessThan(3_000);
  });

  it('reads a bounded amount of output', async () => {
    const ping = fakePing('chatty', 'x'.repeat(MAX_PING_OUTPUT_BYTES * 2));
    expect(await createIcmpProbe({ command: ping.command })(run('127.0.0.1'), context)).toMatchObject({ ok: false, error_code: 'PING_OUTPUT' });
  });

  it('answers ABORTED when aborted', async () => {
    const ping = fakePing('aborted', fixture('iputils-ipv4.txt'), 0, 5);
    const aborter = new AbortController();
    const pending = createIcmpProbe({ command: ping.command })(run('127.0.0.1'), { ...context, signal: aborter.signal });
    setTimeout(() => aborter.abort(), 50);
    expect(await pending).toMatchObject({ ok: false, error_code: 'ABORTED' });
  });
});
