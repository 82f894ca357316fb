import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The flapping endpoint's cycle: down first (so a new demo shows an outage at once), then up. */
export interface FlapCycle {
  downMs: number;
  upMs: number;
}

/** Whether the flapping endpoint fails `elapsedMs` after the targets started, and for how much longer it stays so. */
export function flapPhase(elapsedMs: number, cycle: FlapCycle): { down: boolean; remainingMs: number } {
  const within = elapsedMs % (cycle.downMs + cycle.upMs);
  return within < cycle.downMs ? { down: true, remainingMs: cycle.downMs - within } : { down: false, remainingMs: cycle.downMs + cycle.upMs - within };
}

export const ALWAYS_UP_PATH = '/always-up';
export const FLAPPING_PATH = '/flapping';

export interface DemoTargets {
  /** `http://127.0.0.1:<port>`, where the demo checks point. */
  readonly baseUrl: string;
  close(): Promise<void>;
}

/**
 * The endpoints the demo site monitors, served by this process on a free loopback port:
 * one that always answers 200, one that answers 503 for part of every cycle.
 */
export async function startDemoTargets(cycle: FlapCycle, now: () => number = Date.now): Promise<DemoTargets> {
  const started = now();
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === ALWAYS_UP_PATH) {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('up\n');
    } else if (path === FLAPPING_PATH) {
      const phase = flapPhase(now() - started, cycle);
      const seconds = Math.ceil(phase.remainingMs / 1000);
      res
        .writeHead(phase.down ? 503 : 200, { 'content-type': 'text/plain' })
        .end(phase.down ? `down for ${seconds} s more\n` : `up for ${seconds} s more\n`);
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
