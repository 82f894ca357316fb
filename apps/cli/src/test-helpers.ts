// Test support: runs the CLI in-process with captured output, against a real controller app on loopback.
import type { AddressInfo } from 'node:net';
import type { Env } from '@vigil/config';
import type { Express } from 'express';
import { run } from './cli';

export interface CliOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

export type RunCli = (argv: readonly string[], env?: Env) => Promise<CliOutcome>;

/** A `run` with its output captured; `env` is the whole environment the CLI sees (merged with `extra` per call). */
export function cliWith(env: Env): RunCli {
  return async (argv, extra = {}) => {
    let stdout = '';
    let stderr = '';
    const code = await run(argv, {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      env: { ...env, ...extra },
    });
    return { code, stdout, stderr };
  };
}

export interface Listening {
  url: string;
  close(): Promise<void>;
}

/** Serves `app` on 127.0.0.1 at a free port. */
export async function listen(app: Express): Promise<Listening> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** `Bearer vk_…` → `vk_…`. */
export function bareKey(authorization: string): string {
  return authorization.replace(/^Bearer /, '');
}
