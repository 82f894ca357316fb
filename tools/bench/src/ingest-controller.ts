import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { controllerEnvironment } from './config';

const APP = 'dist/apps/controller-api/main.js';
const READY_TIMEOUT_MS = 30_000;
// Far above what the simulated runners send: the bench measures ingest, not the limiter.
const RUNNER_RATE_LIMIT = '100000';

/** The workspace root: the nearest directory above this file with an nx.json (the bundle runs from tmp/run-ts). */
export function workspaceRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    if (dirname(dir) === dir) return process.cwd();
  }
}

/** The last lines a child printed, to explain why it failed. */
class Tail {
  private readonly lines: string[] = [];
  constructor(private readonly max: number) {}
  push(chunk: Buffer): void {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      this.lines.push(line);
      if (this.lines.length > this.max) this.lines.shift();
    }
  }
  toString(): string {
    return this.lines.map((line) => `  | ${line}`).join('\n');
  }
}

/** Builds the controller with Nx (a cache hit when nothing changed), as `npm run start:controller-api` does. */
export async function buildController(root: string): Promise<void> {
  const tail = new Tail(30);
  const child = spawn('npx', ['nx', 'run', '@vigil/controller-api:build', '--output-style=static'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (chunk: Buffer) => tail.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => tail.push(chunk));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', resolve);
  });
  if (code !== 0) throw new Error(`building the controller failed (nx run @vigil/controller-api:build exited ${code}):\n${tail}`);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function readyzStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = get(`${url}/readyz`, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.setTimeout(2_000, () => req.destroy());
  });
}

export interface RunningController {
  readonly url: string;
  readonly pid: number;
  readonly readySeconds: number;
  /** Resolves (with its exit code) if the controller stops before `stop()` is called. */
  readonly crashed: Promise<string>;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function exited(child: ChildProcess): Promise<string> {
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => resolve(signal ? `signal ${signal}` : `code ${code}`));
  });
}

/**
 * Starts the built controller API in its own process on 127.0.0.1 (a free port) against
 * `databaseUrl`, and waits until /readyz says it is ready. Its warnings and errors are
 * echoed to stderr (the first few), and kept to explain a failure.
 */
export async function startController(
  root: string,
  databaseUrl: string,
  options: { app?: string; nodeArgs?: readonly string[] } = {},
): Promise<RunningController> {
  const app = join(root, options.app ?? APP);
  if (!existsSync(app)) throw new Error(`${options.app ?? APP} does not exist: build it (npx nx run @vigil/controller-api:build) or drop --no-build`);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'vigil-bench-'));
  const env = controllerEnvironment({
    DATABASE_URL: databaseUrl,
    HOST: '127.0.0.1',
    PORT: String(port),
    VIGIL_MIGRATE: 'off',
    VIGIL_DATA_DIR: dataDir,
    VIGIL_ADMIN_KEY: `vk_bench_${randomBytes(16).toString('hex')}`,
    VIGIL_RUNNER_RATE_LIMIT: RUNNER_RATE_LIMIT,
    VIGIL_RUNNER_BURST: RUNNER_RATE_LIMIT,
    LOG_LEVEL: 'warn',
    LOG_FORMAT: 'pretty',
    NODE_ENV: 'production',
  });
  const start = performance.now();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--enable-source-maps', app], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const tail = new Tail(30);
  let echoed = 0;
  const echo = (chunk: Buffer) => {
    tail.push(chunk);
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '' || echoed > 20) continue;
      process.stderr.write(++echoed > 20 ? '[controller] … (further output not shown)\n' : `[controller] ${line}\n`);
    }
  };
  child.stdout?.on('data', echo);
  child.stderr?.on('data', echo);
  // Whatever ends this process (an exception, process.exit), the controller must not outlive it.
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);
  let stopping = false;
  const exit = exited(child);
  const crashed = exit.then((how) => (stopping ? new Promise<string>(() => undefined) : `the controller exited (${how}):\n${tail}`));

  const stop = async () => {
    stopping = true;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const stopped = await Promise.race([exit.then(() => true), sleep(5_000).then(() => false)]);
      if (!stopped) {
        child.kill('SIGKILL');
        await exit;
      }
    }
    process.off('exit', killOnExit);
    rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    const deadline = start + READY_TIMEOUT_MS;
    let status = 0;
    while (status !== 200) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(await crashed);
      if (performance.now() > deadline) throw new Error(`the controller was not ready after ${READY_TIMEOUT_MS / 1000} s (last /readyz status ${status}):\n${tail}`);
      await sleep(100);
      status = await readyzStatus(url);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, pid: child.pid ?? 0, readySeconds: (performance.now() - start) / 1000, crashed, stop };
}
