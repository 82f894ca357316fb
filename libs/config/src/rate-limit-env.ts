import { isIP } from 'node:net';
import { z } from 'zod';
import { EnvField, shown } from './fields';

/** A number of requests per minute, or `off` (read as false) for no limit. */
export function perMinuteOrOff(): EnvField<number | false> {
  return new EnvField<number | false>((value) => {
    if (value.toLowerCase() === 'off') return { ok: true, value: false };
    const number = Number(value);
    return /^\d+$/.test(value) && number >= 1 && number <= 1_000_000
      ? { ok: true, value: number }
      : { ok: false, problem: `must be a number of requests per minute between 1 and 1000000, or off (got ${shown(value)})` };
  });
}

/** What express's `trust proxy` is set to: off, a number of proxy hops, or the proxies' addresses. */
export type TrustProxy = false | number | string[];

const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

function isProxyAddress(entry: string): boolean {
  if (PROXY_NAMES.includes(entry)) return true;
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d+$/.test(prefix) && bits <= (family === 4 ? 32 : 128);
}

/**
 * `off`, a hop count (`1`: one proxy in front, take the address it saw), or a comma list of
 * the proxies' addresses, CIDRs or `loopback`/`linklocal`/`uniquelocal`. Not `on`: trusting
 * every hop would let any client name its own address in X-Forwarded-For and so escape
 * per-address limits.
 */
export function trustProxy(): EnvField<TrustProxy> {
  return new EnvField<TrustProxy>((value) => {
    if (value.toLowerCase() === 'off') return { ok: true, value: false };
    if (/^\d+$/.test(value)) {
      const hops = Number(value);
      if (hops >= 1 && hops <= 32) return { ok: true, value: hops };
    }
    const entries = value.split(',').map((entry) => entry.trim());
    if (entries.every((entry) => entry !== '' && isProxyAddress(entry))) return { ok: true, value: entries };
    return {
      ok: false,
      problem: `must be off, a number of proxy hops (1 to 32), or a comma list of proxy addresses, CIDRs, loopback, linklocal or uniquelocal (got ${shown(value)})`,
    };
  });
}

/**
 * The controller's request limits, per instance (each keeps its counts in memory: behind a
 * load balancer with N instances, a client may make up to N times as many requests).
 */
export const rateLimitEnv = z.object({
  /** Requests per minute each API key may make to the management API (429 with Retry-After beyond). */
  VIGIL_RATE_LIMIT_API: perMinuteOrOff().default(1200),
  /** Requests per minute each client address may make to the public status pages. */
  VIGIL_RATE_LIMIT_PUBLIC: perMinuteOrOff().default(300),
  /** Failed authentications (401) per minute from one client address before it is refused for the rest of the minute. */
  VIGIL_RATE_LIMIT_AUTH_FAILURES: perMinuteOrOff().default(30),
  /** Which proxies in front of the controller to believe about the client's address (X-Forwarded-For). */
  VIGIL_TRUST_PROXY: trustProxy().default(false),
});

export type RateLimitConfig = z.output<typeof rateLimitEnv>;
