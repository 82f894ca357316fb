import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { withNodeOptions } from './config';

const STOP_GRACE_MS = 5_000;

/** A TypeScript entry point of the bench running in its own process, which answers with tagged lines on stdout. */
export interface TsChild {
  readonly pid: number;
  /** The rest of the first line starting with `prefix`; rejects if the child exits first or `timeoutMs` pass. */
  line(prefix: string, timeoutMs: number): Promise<string>;
  /** SIGTERM, then SIGKILL after 5 s; resolves once it exited. */
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `entry` (a path from the workspace root) as the bench itself runs: bundled and started
 * by tools/scripts/run-ts.mjs, which forwards SIGTERM to it. Its stderr is this process's;
 * stdout lines that are not awaited are echoed with `label`.
 */
export function startTsChild(root: string, entry: string, args: readonly string[], label: string, nodeOptions?: string): TsChild {
  const env = nodeOptions === undefined ? undefined : withNodeOptions(nodeOptions);
  const child: ChildProcess = spawn(process.execPath, [join(root, 'tools/scripts/run-ts.mjs'), entry, ...args], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  let wake: () => void = () => undefined;
  let exitedHow: string | undefined;
  const exited = new Promise<void>((resolve) => {
    // 'close', not 'exit': every line of its stdout has been read by then.
    child.on('close', (code, signal) => {
      exitedHow = signal ? `signal ${signal}` : `code ${code}`;
      wake();
      resolve();
    });
  });
  // Whatever ends this process, the child must not outlive it.
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);
  if (child.stdout) {
    createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line);
      wake();
    });
  }

  const take = (prefix: string): string | undefined => {
    const i = lines.findIndex((line) => line.startsWith(prefix));
    if (i === -1) {
      for (const line of lines.splice(0)) console.error(`[${label}] ${line}`);
      return undefined;
    }
    for (const line of lines.splice(0, i)) console.error(`[${label}] ${line}`);
    return lines.shift()?.slice(prefix.length);
  };

  return {
    pid: child.pid ?? 0,
    async line(prefix, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = take(prefix);
        if (found !== undefined) return found;
        if (exitedHow !== undefined) throw new Error(`${label} exited (${exitedHow}) without printing ${prefix.trim()}`);
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`${label} printed no ${prefix.trim()} line within ${Math.round(timeoutMs / 1000)} s`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    },
    async stop() {
      if (exitedHow === undefined) {
        child.kill('SIGTERM');
        const stopped = await Promise.race([exited.then(() => true), sleep(STOP_GRACE_MS).then(() => false)]);
        if (!stopped) {
          child.kill('SIGKILL');
          await exited;
        }
      }
      process.off('exit', killOnExit);
    },
  };
}
