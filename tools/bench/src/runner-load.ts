// Child process of the runner benchmark (`node tools/scripts/run-ts.mjs tools/bench/src/runner-load.ts '<LoadPhase JSON>'`):
// one measured phase, a bare got loop or the runner agent, in a fresh process so that its
// RSS is that phase's own. Prints one line `RESULT <PhaseFigures JSON>` at the end.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { createLogger } from '@vigil/logger';
import { createHttpLink, createMemorySpool, runnerUserAgent, startRunnerAgent } from '@vigil/runner-agent';
import { createRunnerSigner, generateRunnerKeyPair } from '@vigil/runner-auth';
import got from 'got';
import { Registry } from 'prom-client';
import { type LoadPhase, type PhaseFigures, readStats, RESULT_PREFIX, type ServerStats } from './runner-protocol';
import { loopbackEgress } from '@vigil/egress/testing';

const SAMPLE_MS = 250;
const SLUG = 'bench-1';
// Far more than a phase reports; the spool only fills if the stub controller stops answering.
const SPOOL_MAX_RESULTS = 100_000;
const STOP_DEADLINE_MS = 10_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What runs the checks: started at once, counted by `completed()` (bare) or by the controller (agent). */
interface Load {
  inFlight(): number;
  /** Checks settled so far and how many failed, by error code; undefined when the controller counts. */
  completed(): { checks: number; errorCodes: Map<string, number> } | undefined;
  stop(): Promise<void>;
}

/**
 * `concurrency` loops, each awaiting one got request after another. A fresh connection per
 * request, as the http probe makes (it turns keep-alive off so that the dns and tcp phases are
 * measured), so that both sides pay for the same connects.
 */
function bareLoop(target: string, concurrency: number): Load {
  const agent = { http: new http.Agent({ keepAlive: false }) };
  let running = true;
  let inFlight = 0;
  let checks = 0;
  const errorCodes = new Map<string, number>();
  const loop = async () => {
    while (running) {
      inFlight++;
      try {
        await got(target, { agent, retry: { limit: 0 }, timeout: { request: 5000 } });
      } catch (error) {
        const code = (error as { code?: string }).code ?? 'ERROR';
        errorCodes.set(code, (errorCodes.get(code) ?? 0) + 1);
      }
      inFlight--;
      checks++;
    }
  };
  const loops = Array.from({ length: concurrency }, loop);
  return {
    inFlight: () => inFlight,
    completed: () => ({ checks, errorCodes }),
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

/** The runner agent as a runner process runs it: HTTP link to the (stub) controller, memory spool, quiet logger. */
function runnerAgent(phase: LoadPhase): Load {
  const { privateKeyPem } = generateRunnerKeyPair();
  const signer = createRunnerSigner({ slug: SLUG, privateKeyPem });
  const userAgent = runnerUserAgent(SLUG);
  const logger = createLogger({ service: 'runner', level: 'warn', format: 'pretty', stream: process.stderr });
  const agent = startRunnerAgent({
    link: createHttpLink({ controllerUrl: phase.urls.controller, signer, userAgent }),
    spool: createMemorySpool({ maxResults: SPOOL_MAX_RESULTS, logger }),
    logger,
    metrics: new Registry(),
    userAgent,
    // The benchmark's targets are its own stand-ins on loopback.
    egress: loopbackEgress(),
    pollMode: phase.mode === 'periodic' ? 'periodic' : 'drain',
    pollIntervalMs: phase.pollIntervalMs,
    concurrency: phase.concurrency,
    concurrencyMax: phase.concurrencyMax,
  });
  return { inFlight: () => agent.inFlight, completed: () => undefined, stop: () => agent.stop(STOP_DEADLINE_MS) };
}

// USER_HZ is 100 on every Linux this runs on.
const TICKS_PER_SECOND = 100;

/** Every CPU's busy time so far, whoever used it, in seconds; 0 without /proc (Linux). */
function machineBusySeconds(): number {
  try {
    const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/);
    const [user, nice, system, , , irq, softirq, steal] = ticks.map(Number);
    return (user + nice + system + irq + softirq + steal) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

interface Mark {
  readonly at: number;
  readonly cpuMicros: number;
  readonly machineBusySeconds: number;
  readonly local: { checks: number; errorCodes: Map<string, number> } | undefined;
  readonly servers: ServerStats;
}

async function mark(load: Load, controllerUrl: string): Promise<Mark> {
  const at = performance.now();
  const cpu = process.cpuUsage();
  const completed = load.completed();
  const local = completed && { checks: completed.checks, errorCodes: new Map(completed.errorCodes) };
  return { at, cpuMicros: cpu.user + cpu.system, machineBusySeconds: machineBusySeconds(), local, servers: await readStats(controllerUrl) };
}

function difference(last: Readonly<Record<string, number>>, first: Readonly<Record<string, number>>): Record<string, number> {
  const codes: Record<string, number> = {};
  for (const [code, n] of Object.entries(last)) {
    if (n - (first[code] ?? 0) > 0) codes[code] = n - (first[code] ?? 0);
  }
  return codes;
}

interface Samples {
  peakRss: number;
  peakInFlight: number;
  meanInFlight: number;
  loopDelayP99Ms: number;
}

function figures(first: Mark, last: Mark, samples: Samples): PhaseFigures {
  const localSeconds = (last.at - first.at) / 1000;
  const serverSeconds = (last.servers.at - first.servers.at) / 1000;
  const runnerCpu = ((last.cpuMicros - first.cpuMicros) / 1e6 / localSeconds) * 100;
  const serversCpu = ((last.servers.cpuMicros - first.servers.cpuMicros) / 1e6 / serverSeconds) * 100;
  const machineCpu = ((last.machineBusySeconds - first.machineBusySeconds) / localSeconds) * 100;
  const cpuMs = (last.cpuMicros - first.cpuMicros) / 1000;
  const common = {
    peakRssBytes: samples.peakRss,
    peakInFlight: samples.peakInFlight,
    meanInFlight: samples.meanInFlight,
    runnerCpu,
    serversCpu,
    otherCpu: Math.max(0, machineCpu - runnerCpu - serversCpu),
    loopDelayP99Ms: samples.loopDelayP99Ms,
  };
  const perCheck = (checks: number) => (checks > 0 ? cpuMs / checks : 0);
  if (first.local && last.local) {
    // Counted here, by this process's clock.
    const checks = last.local.checks - first.local.checks;
    const errorCodes = difference(Object.fromEntries(last.local.errorCodes), Object.fromEntries(first.local.errorCodes));
    const failed = Object.values(errorCodes).reduce((sum, n) => sum + n, 0);
    return { checks, seconds: localSeconds, perSecond: checks / localSeconds, failed, errorCodes, cpuMsPerCheck: perCheck(checks), ...common };
  }
  // Counted by the controller as results arrive, by its clock: end to end.
  const checks = last.servers.reported - first.servers.reported;
  const failed = last.servers.failed - first.servers.failed;
  const errorCodes = difference(last.servers.errorCodes, first.servers.errorCodes);
  return { checks, seconds: serverSeconds, perSecond: checks / serverSeconds, failed, errorCodes, cpuMsPerCheck: perCheck(checks), ...common };
}

async function runPhase(phase: LoadPhase): Promise<PhaseFigures> {
  const load = phase.mode === 'bare' ? bareLoop(phase.urls.target, phase.concurrency) : runnerAgent(phase);
  let peakRss = 0;
  let peakInFlight = 0;
  let measuring = false;
  let inFlightSum = 0;
  let inFlightSamples = 0;
  // A lagging loop delays timers, polls and reports alike: what a saturated runner pays besides CPU.
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    const inFlight = load.inFlight();
    peakInFlight = Math.max(peakInFlight, inFlight);
    if (!measuring) return;
    inFlightSum += inFlight;
    inFlightSamples++;
  }, SAMPLE_MS);
  try {
    await sleep(phase.warmupSeconds * 1000);
    const first = await mark(load, phase.urls.controller);
    measuring = true;
    loopDelay.enable();
    await sleep(phase.seconds * 1000);
    const last = await mark(load, phase.urls.controller);
    measuring = false;
    loopDelay.disable();
    return figures(first, last, {
      peakRss,
      peakInFlight,
      meanInFlight: inFlightSamples > 0 ? inFlightSum / inFlightSamples : 0,
      loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
    });
  } finally {
    clearInterval(sampler);
    await load.stop();
  }
}

runPhase(JSON.parse(process.argv[2] ?? '') as LoadPhase).then(
  (result) => console.log(`${RESULT_PREFIX}${JSON.stringify(result)}`),
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
