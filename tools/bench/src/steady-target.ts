import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** Requests received per whole second of the epoch: only counts, so a long run holds no list of hits. */
export class SecondCounter {
  private readonly perSecond = new Map<number, number>();
  total = 0;

  add(atMs: number): void {
    const second = Math.floor(atMs / 1000);
    this.perSecond.set(second, (this.perSecond.get(second) ?? 0) + 1);
    this.total++;
  }

  /** The fewest and the most received in one second, over the whole seconds within [fromMs, toMs). */
  range(fromMs: number, toMs: number): { min: number; max: number } {
    let min = Number.POSITIVE_INFINITY;
    let max = 0;
    for (let second = Math.ceil(fromMs / 1000); (second + 1) * 1000 <= toMs; second++) {
      const n = this.perSecond.get(second) ?? 0;
      min = Math.min(min, n);
      max = Math.max(max, n);
    }
    return { min: Number.isFinite(min) ? min : 0, max };
  }
}

/** The endpoint every check probes: 200 to everything, counted. */
export interface CountingTarget {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly received: SecondCounter;
  close(): Promise<void>;
}

export async function startCountingTarget(): Promise<CountingTarget> {
  const received = new SecondCounter();
  const server = http.createServer((request, response) => {
    received.add(Date.now());
    request.resume();
    response.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' }).end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
