import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { until } from './until';

const ROOT = path.resolve(__dirname, '../../../..');
const ENTRY = 'tools/e2e/src/support/evaluator-child.ts';

interface Progress {
  checks: number;
  results: number;
  transitions: number;
  failed: number;
}

/** An evaluator running in a real process of its own (support/evaluator-child.ts). */
export interface EvaluatorProcess {
  /** The evaluator's own pid (run-ts.mjs, the process spawned, runs it in a child). */
  readonly pid: number;
  /** The newest `batch` totals it printed. */
  progress(): Progress;
  /** Resolves once it printed `done`; rejects if it exited without. */
  finished(timeoutMs: number): Promise<void>;
  /** SIGKILL, no warning, no cleanup; resolves once it and its launcher are gone. */
  kill(): Promise<void>;
  /** What it wrote to stderr, for failure messages. */
  stderr(): string;
}

/** Starts an evaluator on the PostgreSQL database at `url`; resolves once it is connected. */
export async function startEvaluatorProcess(url: string, timeoutMs = 30_000): Promise<EvaluatorProcess> {
  const launcher: ChildProcess = spawn(process.execPath, [path.join(ROOT, 'tools/scripts/run-ts.mjs'), ENTRY, url], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let pid = 0;
  let done = false;
  let exited: string | null = null;
  let progress: Progress = { checks: 0, results: 0, transitions: 0, failed: 0 };
  let stderr = '';
  launcher.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  createInterface({ input: launcher.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    const [tag, ...values] = line.split(' ');
    if (tag === 'pid') pid = Number(values[0]);
    if (tag === 'batch' || tag === 'done') {
      progress = { checks: Number(values[0]), results: Number(values[1]), transitions: Number(values[2]), failed: Number(values[3]) };
    }
    if (tag === 'done') done = true;
  });
  const closed = new Promise<void>((resolve) =>
    launcher.on('close', (code, signal) => {
      exited = signal ?? `code ${code}`;
      resolve();
    }),
  );
  const killEvaluator = () => {
    if (pid !== 0 && exited === null) process.kill(pid, 'SIGKILL');
  };
  // Whatever ends the test run, no evaluator may outlive it.
  process.once('exit', killEvaluator);
  const describe = () => `evaluator ${exited === null ? 'running' : `exited (${exited})`}; stderr:\n${stderr.slice(-4000)}`;

  await until(() => pid !== 0 || exited !== null, 'the evaluator process to connect', timeoutMs);
  if (pid === 0) throw new Error(`the evaluator process did not start: ${describe()}`);

  return {
    pid,
    progress: () => progress,
    async finished(ms) {
      await until(() => done || exited !== null, 'the evaluator process to finish', ms);
      if (!done) throw new Error(`the evaluator did not finish: ${describe()}`);
      await closed;
      process.off('exit', killEvaluator);
    },
    async kill() {
      killEvaluator();
      // run-ts.mjs exits once its child did; it does not forward SIGKILL, nothing else would end it.
      await closed;
      process.off('exit', killEvaluator);
    },
    stderr: () => stderr,
  };
}
