import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** `Vigil/0.1.0 (+runner us-1)` → `us-1`: how the target tells the runners apart. */
export function locationOfUserAgent(userAgent: string | undefined): string | null {
  return /\(\+runner ([a-z0-9-]+)\)/.exec(userAgent ?? '')?.[1] ?? null;
}

/** One probe the target answered. */
export interface TargetHit {
  readonly path: string;
  /** The runner's slug, from its User-Agent; null for anyone else. */
  readonly location: string | null;
  /** Date.now() when it arrived. */
  readonly at: number;
  readonly status: number;
}

/**
 * The endpoint the checks probe, on loopback: every path answers 200, except to the
 * locations told to fail on it, which get 500 from the instant `fail` is called.
 */
export interface LocationTarget {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** From now on, `path` answers 500 to exactly these locations (none: it passes for all). */
  fail(path: string, locations: readonly string[]): void;
  /** Every probe answered so far, oldest first; only those of `path` when given. */
  hits(path?: string): TargetHit[];
  close(): Promise<void>;
}

export async function startLocationTarget(): Promise<LocationTarget> {
  const failing = new Map<string, ReadonlySet<string>>();
  const hits: TargetHit[] = [];
  const server = http.createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://target').pathname;
    const location = locationOfUserAgent(request.headers['user-agent']);
    const status = location !== null && failing.get(path)?.has(location) ? 500 : 200;
    hits.push({ path, location, at: Date.now(), status });
    response.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'failing on purpose');
  });
  // Runners keep connections alive; close() must not wait for them.
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    fail(path, locations) {
      failing.set(path, new Set(locations));
    },
    hits: (path) => (path === undefined ? [...hits] : hits.filter((hit) => hit.path === path)),
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
