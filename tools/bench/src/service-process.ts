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

/** An app of the workspace that a benchmark builds and starts in a process of its own. */
export interface ServiceApp {
  /** What messages call it, and the prefix of its echoed output. */
  readonly name: string;
  /** Its Nx project: `nx run <project>:build` builds it. */
  readonly project: string;
  /** Its bundle, from the workspace root. */
  readonly main: string;
}

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

/** Builds `app` with Nx (a cache hit when nothing changed), as its Docker image and `npm run start:*` do. */
export async function buildApp(root: string, app: ServiceApp): Promise<void> {
  const tail = new Tail(30);
  const child = spawn('npx', ['nx', 'run', `${app.project}:build`, '--output-style=static'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (chunk: Buffer) => tail.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => tail.push(chunk));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', resolve);
  });
  if (code !== 0) throw new Error(`building the ${app.name} failed (nx run ${app.project}:build exited ${code}):\n${tail}`);
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
  /** Where its /readyz answers: http://127.0.0.1:<port>. */
  readonly url: string;
  readonly pid: number;
  readonly readySeconds: number;
  /** Resolves (saying how it exited) if the service stops before `stop()` is called. */
  readonly crashed: Promise<string>;
  stop(): Promise<void>;
}

export interface ServiceStart {
  readonly root: string;
  readonly app: ServiceApp;
  /** Its environment, given the free port its /readyz is to answer on. */
  readonly env: (port: number) => NodeJS.ProcessEnv;
  readonly nodeArgs?: readonly string[];
}

/**
 * Starts the built `app` in its own process and waits until its /readyz (on a free port of
 * 127.0.0.1) answers 200. Its warnings and errors are echoed to stderr (the first few), and
 * kept to explain a failure.
 */
export async function startServiceProcess({ root, app, env, nodeArgs = [] }: ServiceStart): Promise<RunningService> {
  const main = join(root, app.main);
  if (!existsSync(main)) throw new Error(`${app.main} does not exist: build it (npx nx run ${app.project}:build) or drop --no-build`);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const start = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, '--enable-source-maps', main], { cwd: root, env: env(port), stdio: ['ignore', 'pipe', 'pipe'] });
  const tail = new Tail(30);
  let echoed = 0;
  const echo = (chunk: Buffer) => {
    tail.push(chunk);
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '' || echoed > ECHOED_LINES) continue;
      process.stderr.write(++echoed > ECHOED_LINES ? `[${app.name}] … (further output not shown)\n` : `[${app.name}] ${line}\n`);
    }
  };
  child.stdout.on('data', echo);
  child.stderr.on('data', echo);
  // Whatever ends this process (an exception, process.exit), the service must not outlive it.
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);
  let stopping = false;
  const exit = exited(child);
  const crashed = exit.then((how) => (stopping ? new Promise<string>(() => undefined) : `the ${app.name} exited (${how}):\n${tail}`));
  const stop = async () => {
    stopping = true;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      if (!(await Promise.race([exit.then(() => true), sleep(STOP_TIMEOUT_MS).then(() => false)]))) {
        child.kill('SIGKILL');
        await exit;
      }
    }
    process.off('exit', killOnExit);
  };
  try {
    const deadline = start + READY_TIMEOUT_MS;
    let status = 0;
    while (status !== 200) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(await crashed);
      if (performance.now() > deadline) throw new Error(`the ${app.name} was not ready after ${READY_TIMEOUT_MS / 1000} s (last /readyz status ${status}):\n${tail}`);
      await sleep(100);
      status = await readyzStatus(url);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, pid: child.pid ?? 0, readySeconds: (performance.now() - start) / 1000, crashed, stop };
}
