import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import type { Env } from '@vigil/config';

/** A child process whose output is kept (the tail) for failure messages. */
export interface Child {
  name: string;
  process: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or the signal's name) once it has exited. */
  exited: Promise<number | string>;
  exitCode(): number | string | undefined;
}

const KEEP_OUTPUT = 32_000;

/** `node` runs as this Node (the images run Node 24; the smoke runs the same bundle on whatever is installed). */
function executable(command: string): string {
  return command === 'node' ? process.execPath : command;
}

export function start(name: string, argv: string[], options: { cwd: string; env: Env }): Child {
  const child = spawn(executable(argv[0]), argv.slice(1), { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let code: number | string | undefined;
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-KEEP_OUTPUT);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | string>((resolve) => {
    child.on('error', (error) => {
      keep(Buffer.from(`\n${error.message}\n`));
      code = 'spawn-error';
      resolve(code);
    });
    child.on('close', (exitCode, signal) => {
      code = exitCode ?? signal ?? 'unknown';
      resolve(code);
    });
  });
  return { name, process: child, output: () => output, exited, exitCode: () => code };
}

/** Runs to completion; rejects with its output when it does not exit 0. */
export async function run(name: string, argv: string[], options: { cwd: string; env: Env }): Promise<string> {
  const child = start(name, argv, options);
  const code = await child.exited;
  if (code !== 0) throw new Error(`${name} (${argv.join(' ')}) exited with ${code}:\n${child.output()}`);
  return child.output();
}

/** A port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
