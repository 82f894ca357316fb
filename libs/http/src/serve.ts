import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@vigil/logger';
import type { Express } from 'express';

/** The part of `process` a service needs, so tests can send signals and see the exit code. */
export interface ServiceProcess {
  once(signal: 'SIGTERM' | 'SIGINT', listener: () => void): unknown;
  exit(code: number): void;
}

export interface StartServiceOptions {
  /** The service's logger; its `service` field names the process in every line. */
  logger: Logger;
  app: Express;
  /**
   * Where to listen (host defaults to every interface). Without a port the service runs
   * without an HTTP server, as a worker does with METRICS_PORT=off.
   */
  listen?: { host?: string; port?: number };
  /** Stops the service's own work (loops, database) once the server no longer takes requests. */
  stop?: () => Promise<void>;
  /** How long open connections may take to finish before they are cut. */
  shutdownTimeoutMs?: number;
  process?: ServiceProcess;
}

export interface RunningService {
  server?: Server;
  /** What a SIGTERM or SIGINT does: close the server, stop, exit 0 (1 if stopping failed). */
  shutdown(reason: string): Promise<void>;
}

const LISTEN_ERRORS: Record<string, string> = {
  EADDRINUSE: 'the address is already in use',
  EACCES: 'permission denied (ports below 1024 need privileges)',
  EADDRNOTAVAIL: 'the address is not available on this machine',
  ENOTFOUND: 'the host name does not resolve',
};

/**
 * Listens, logs one start line saying where, and turns SIGTERM/SIGINT into a clean
 * shutdown. A server that cannot listen ends the process with one error line and code 1.
 */
export async function startService(options: StartServiceOptions): Promise<RunningService> {
  const { logger } = options;
  const proc = options.process ?? process;

  let server: Server | undefined;
  const port = options.listen?.port;
  if (port !== undefined) {
    const host = options.listen?.host ?? '0.0.0.0';
    try {
      server = await listen(options.app, host, port);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      logger.error(`cannot listen on ${host}:${port}: ${LISTEN_ERRORS[code] ?? (error as Error).message}`, { code });
      await options.stop?.().catch(() => undefined);
      proc.exit(1);
      return { shutdown: async () => undefined };
    }
    const actualPort = (server.address() as AddressInfo).port;
    logger.info(`listening on http://${formatHost(host)}:${actualPort}`, { host, port: actualPort });
  } else {
    logger.info('started without an HTTP server');
  }

  let stopping: Promise<void> | undefined;
  const shutdown = (reason: string): Promise<void> => {
    stopping ??= (async () => {
      logger.info(`shutting down (${reason})`);
      try {
        if (server) await close(server, options.shutdownTimeoutMs ?? 10_000);
        await options.stop?.();
        logger.info('stopped');
        proc.exit(0);
      } catch (error) {
        logger.error('did not stop cleanly', { err: error });
        proc.exit(1);
      }
    })();
    return stopping;
  };
  // `once`: a second Ctrl-C falls through to Node's default and kills a stuck shutdown.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) proc.once(signal, () => void shutdown(signal));
  return { server, shutdown };
}

function listen(app: Express, host: string, port: number): Promise<Server> {
  const server = createServer(app);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

function close(server: Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    // Keep-alive clients would hold close() open forever; after the grace period they are cut.
    const timer = setTimeout(() => server.closeAllConnections(), timeoutMs);
    timer.unref();
    server.close((error) => {
      clearTimeout(timer);
      if (error) reject(error);
      else resolve();
    });
    server.closeIdleConnections();
  });
}

function formatHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
