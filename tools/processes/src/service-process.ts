import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;
// Lines of its output echoed to stderr: enough for a warning or an error, not a flood.
const ECHOED_LINES = 20;
const KEPT_LINES = 30;

/** An app of the workspace built and started in a process of its own. */
export interface ServiceApp {
  /** What messages call it, and the prefix of its echoed output. */
  readonly name: string;
  /** Its Nx project: `nx run <project>:build` builds it. */
  readonly project: string;
  /** Its bundle, from the workspace root. */
  readonly main: string;
}

/** The workspace root: the nearest directory above this file with an nx.json (a bench bundle runs from tmp/run-ts). */
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

/** Builds `apps` with Nx (cache hits when nothing changed), as their Docker images and `npm run start:*` do. */
export async function buildApps(root: string, apps: readonly ServiceApp[]): Promise<void> {
  const projects = apps.map((app) => app.project);
  const tail = new Tail(KEPT_LINES);
  const args = projects.length === 1 ? ['nx', 'run', `${projects[0]}:build`] : ['nx', 'run-many', '-t', 'build', '-p', ...projects];
  const child = spawn('npx', [...args, '--output-style=static'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (chunk: Buffer) => tail.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => tail.push(chunk));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', resolve);
  });
  if (code !== 0) {
    const names = apps.map((app) => app.name).join(', ');
    throw new Error(`building the ${names} failed (npx ${args.join(' ')} exited ${code}):\n${tail}`);
  }
}

/** Builds `app` with Nx (a cache hit when nothing changed). */
export const buildApp = (root: string, app: ServiceApp): Promise<void> => buildApps(root, [app]);

export async function freePort(): Promise<number> {
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

/** The status of `<url>/readyz`; 0 when nothing answered. */
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

/** Resolves, saying how, when `child` exits. */
function exited(child: ChildProcess): Promise<string> {
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve(signal ? `signal ${signal}` : `code ${code}`)));
}

export interface RunningService {
  /** What messages call it. */
  readonly name: string;
  /** Where its /readyz answers: http://127.0.0.1:<port>. */
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  readonly readySeconds: number;
  /** Resolves (saying how it exited) if the service stops before `stop()` or `kill()` is called. */
  readonly crashed: Promise<string>;
  /** SIGTERM, then SIGKILL after 5 s; resolves once it has exited. */
  stop(): Promise<void>;
  /** Sends `signal` (SIGKILL: no warning, no cleanup) and resolves once it has exited, saying how. */
  kill(signal?: NodeJS.Signals): Promise<string>;
  /** Its last lines of output, to explain a failure. */
  logTail(): string;
}

export interface ServiceStart {
  readonly root: string;
  readonly app: ServiceApp;
  /** What messages call it (several runners of one app); the app's name by default. */
  readonly name?: string;
  /** Its environment, given the free port its /readyz is to answer on. */
  readonly env: (port: number) => NodeJS.ProcessEnv;
  readonly nodeArgs?: readonly string[];
  /** Lines of its output echoed to stderr as they come (default 20; a test suite passes 0 and reads logTail() on failure). */
  readonly echoLines?: number;
  /** Lines kept for logTail() and failure messages (default 30). */
  readonly keptLines?: number;
  readonly readyTimeoutMs?: number;
}

/**
 * Starts the built `app` in its own process and waits until its /readyz (on a free port of
 * 127.0.0.1) answers 200. Its first lines of output are echoed to stderr, and its last ones
 * kept to explain a failure.
 */
export async function startServiceProcess(start: ServiceStart): Promise<RunningService> {
  const { root, app, env, nodeArgs = [], echoLines = ECHOED_LINES, readyTimeoutMs = READY_TIMEOUT_MS } = start;
  const name = start.name ?? app.name;
  const main = join(root, app.main);
  if (!existsSync(main)) throw new Error(`${app.main} does not exist: build it (npx nx run ${app.project}:build) or drop --no-build`);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const began = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, '--enable-source-maps', main], { cwd: root, env: env(port), stdio: ['ignore', 'pipe', 'pipe'] });
  const tail = new Tail(start.keptLines ?? KEPT_LINES);
  let echoed = 0;
  const echo = (chunk: Buffer) => {
    tail.push(chunk);
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '' || echoLines === 0 || echoed > echoLines) continue;
      process.stderr.write(++echoed > echoLines ? `[${name}] … (further output not shown)\n` : `[${name}] ${line}\n`);
    }
  };
  child.stdout.on('data', echo);
  child.stderr.on('data', echo);
  // Whatever ends this process (an exception, process.exit), the service must not outlive it.
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);
  let ending = false;
  const exit = exited(child);
  const crashed = exit.then((how) => (ending ? new Promise<string>(() => undefined) : `the ${name} exited (${how}):\n${tail}`));
  const running = () => child.exitCode === null && child.signalCode === null;
  const kill = async (signal: NodeJS.Signals = 'SIGKILL') => {
    ending = true;
    if (running()) child.kill(signal);
    const how = await exit;
    process.off('exit', killOnExit);
    return how;
  };
  const stop = async () => {
    ending = true;
    if (running()) {
      child.kill('SIGTERM');
      // Unref'd: a service that exits at once must not leave a timer keeping this process alive.
      if (!(await Promise.race([exit.then(() => true), sleep(STOP_TIMEOUT_MS, false, { ref: false })]))) {
        child.kill('SIGKILL');
        await exit;
      }
    }
    process.off('exit', killOnExit);
  };
  try {
    const deadline = began + readyTimeoutMs;
    let status = 0;
    while (status !== 200) {
      if (!running()) throw new Error(await crashed);
      if (performance.now() > deadline) throw new Error(`the ${name} was not ready after ${readyTimeoutMs / 1000} s (last /readyz status ${status}):\n${tail}`);
      await sleep(100);
      status = await readyzStatus(url);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    name,
    url,
    port,
    pid: child.pid ?? 0,
    readySeconds: (performance.now() - began) / 1000,
    crashed,
    stop,
    kill,
    logTail: () => tail.toString(),
  };
}
