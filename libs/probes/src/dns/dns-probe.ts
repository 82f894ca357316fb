import { type MxRecord, Resolver } from 'node:dns';
import net from 'node:net';
import type { DnsRecordType } from '@vigil/contracts';
import { elapsedMs, networkFailure, withDeadline } from '../deadline';
import { storableText } from '../text';
import type { Probe, ProbeResult } from '../types';

export interface DnsProbeOptions {
  /** The port `spec.resolver` is asked on; 53 unless a test serves DNS elsewhere. */
  resolverPort?: number;
}

/** At most this many answers go into `details.values` (a TXT-heavy name must not overflow 8 KiB). */
const MAX_VALUES = 50;
const MAX_VALUE_CHARS = 255;

/** Names compare case-insensitively, without a trailing dot. */
const normalizeName = (name: string) => name.toLowerCase().replace(/\.$/, '');

/** An IPv6 address in its canonical (compressed, lower-case) form; anything else unchanged. */
function normalizeAddress(address: string): string {
  if (net.isIPv6(address)) return new URL(`http://[${address}]`).hostname.slice(1, -1);
  return address;
}

type Callback<T> = (error: NodeJS.ErrnoException | null, value: T) => void;

/** One query with the callback API, which `resolver.cancel()` interrupts. */
function ask<T>(query: (callback: Callback<T>) => void): Promise<T> {
  return new Promise((resolve, reject) => query((error, value) => (error ? reject(error) : resolve(value))));
}

interface Answer {
  /** As reported in `details.values`. */
  value: string;
  /** What an expected value may equal to match this answer. */
  keys: string[];
}

/**
 * The answers as text: A/AAAA addresses; CNAME/NS names; MX as `priority exchange` (an expected
 * value may be the exchange alone or `priority exchange`); TXT with each record's strings joined.
 */
async function query(resolver: Resolver, name: string, type: DnsRecordType): Promise<Answer[]> {
  const asName = (target: string): Answer => ({ value: normalizeName(target), keys: [normalizeName(target)] });
  const asAddress = (address: string): Answer => ({ value: address, keys: [normalizeAddress(address)] });
  switch (type) {
    case 'A':
      return (await ask<string[]>((callback) => resolver.resolve4(name, callback))).map(asAddress);
    case 'AAAA':
      return (await ask<string[]>((callback) => resolver.resolve6(name, callback))).map(asAddress);
    case 'CNAME':
      return (await ask<string[]>((callback) => resolver.resolveCname(name, callback))).map(asName);
    case 'NS':
      return (await ask<string[]>((callback) => resolver.resolveNs(name, callback))).map(asName);
    case 'MX':
      return (await ask<MxRecord[]>((callback) => resolver.resolveMx(name, callback))).map(({ priority, exchange }) => ({
        value: `${priority} ${normalizeName(exchange)}`,
        keys: [normalizeName(exchange), `${priority} ${normalizeName(exchange)}`],
      }));
    case 'TXT':
      return (await ask<string[][]>((callback) => resolver.resolveTxt(name, callback))).map((chunks) => ({
        value: chunks.join(''),
        keys: [chunks.join('')],
      }));
  }
}

/** How an expected value is compared: as an address, a name, or TXT text as is. */
function expectedKey(type: DnsRecordType, expected: string): string {
  if (type === 'TXT') return expected;
  if (type === 'A' || type === 'AAAA') return normalizeAddress(expected.trim());
  return normalizeName(expected.trim()).replace(/\s+/g, ' ');
}

/** c-ares codes as the runner reports them: its ETIMEOUT is everyone else's ETIMEDOUT. */
const DNS_ERROR_CODES: Record<string, string> = { ETIMEOUT: 'ETIMEDOUT' };

/**
 * Resolves the target name for `spec.record_type` with the system resolver or `spec.resolver`
 * (one try, within the run's timeout). `details.values` holds the sorted answers (MX as
 * `priority exchange`, TXT strings joined); with `expected_values`, every one must be among them.
 * Errors: ENOTFOUND (no such name), ENODATA (no record of that type), ESERVFAIL, EREFUSED,
 * ECONNREFUSED, ETIMEDOUT.
 */
export function createDnsProbe(options: DnsProbeOptions = {}): Probe<'dns'> {
  return (run, context) => {
    const { record_type: type, expected_values: expected, resolver: server } = run.spec;
    // c-ares counts its own timeout per try; the deadline below is what really bounds the probe.
    const resolver = new Resolver({ timeout: Math.max(1, run.timeoutMs), tries: 1 });
    const startedAt = performance.now();
    const timings = (): ProbeResult['timings'] => {
      const total = elapsedMs(startedAt);
      return { dns: total, total };
    };
    return withDeadline(
      {
        timeoutMs: run.timeoutMs,
        signal: context.signal,
        cleanup: () => resolver.cancel(),
        onTimeout: () => ({
          ok: false,
          timings: timings(),
          error_code: 'ETIMEDOUT',
          error: `no ${type} answer for ${run.target}${server ? ` from ${server}` : ''} within ${run.timeoutMs} ms`,
        }),
      },
      (finish) => {
        if (server !== undefined) {
          try {
            // The resolver a check names is an address queried on the user's behalf like any target.
            context.egress.refuseHost(server);
          } catch (error) {
            finish(networkFailure(error, { timings: timings() }));
            return;
          }
          const port = options.resolverPort ?? 53;
          resolver.setServers([port === 53 ? server : net.isIPv6(server) ? `[${server}]:${port}` : `${server}:${port}`]);
        }
        query(resolver, run.target, type).then(
          (answers) => {
            const latency = elapsedMs(startedAt);
            const values = answers.map((answer) => storableText(answer.value, MAX_VALUE_CHARS)).sort();
            const details = { record_type: type, values: values.slice(0, MAX_VALUES), ...(values.length > MAX_VALUES ? { value_count: values.length } : {}) };
            const base = { latency_ms: latency, timings: timings(), details };
            if (answers.length === 0) return finish({ ...base, ok: false, error_code: 'ENODATA', error: `no ${type} records for ${run.target}` });
            const keys = new Set(answers.flatMap((answer) => answer.keys));
            const missing = (expected ?? []).filter((value) => !keys.has(expectedKey(type, value)));
            if (missing.length > 0) {
              return finish({
                ...base,
                ok: false,
                error_code: 'ASSERTION_FAILED',
                error: storableText(`${type} ${run.target}: expected ${missing.map((value) => JSON.stringify(value)).join(', ')} among the answers ${JSON.stringify(values)}`, 2000),
              });
            }
            finish({ ...base, ok: true });
          },
          (error: NodeJS.ErrnoException) => {
            const code = error.code === undefined ? undefined : (DNS_ERROR_CODES[error.code] ?? error.code);
            finish(networkFailure(Object.assign(error, { code }), { latency_ms: elapsedMs(startedAt), timings: timings() }));
          },
        );
      },
    );
  };
}

/** The dns probe: port 53 of `spec.resolver`, or the system resolver. */
export const dnsProbe: Probe<'dns'> = createDnsProbe();
