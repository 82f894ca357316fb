import { createEgressGuard, type EgressGuard, type EgressGuardOptions, type EgressResolver } from '../guard';
import { createEgressPolicy, parseEgressList } from '../policy';

/**
 * A resolver answering from `map` (name → address or addresses) without any DNS: tests say
 * "this name resolves to X" without asking a real server. Unknown names fail with ENOTFOUND.
 */
export function fakeResolver(map: Record<string, string | string[]>): EgressResolver {
  return async (hostname, { family }) => {
    const entry = map[hostname.toLowerCase()];
    const found = (entry === undefined ? [] : Array.isArray(entry) ? entry : [entry])
      .map((address) => ({ address, family: address.includes(':') ? 6 : 4 }))
      .filter((address) => family === undefined || family === 0 || address.family === family);
    if (found.length === 0) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname });
    return found;
  };
}

/**
 * The guard tests and the demo use: the default policy plus `loopback` allowed (their stand-ins
 * all listen on 127.0.0.1), everything else as in production.
 */
export function loopbackEgress(options: EgressGuardOptions = {}): EgressGuard {
  return createEgressGuard(createEgressPolicy({ allow: parseEgressList('loopback') }), options);
}
