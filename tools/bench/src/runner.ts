import { cpus, totalmem } from 'node:os';
import { RUNNER_MAX_OLD_SPACE_MB } from '@vigil/runner-agent';
import { optionsOrExit } from './args';
import { startTsChild, type TsChild } from './runner-children';
import { parseRunnerArgs, RUNNER_USAGE, type RunnerBenchOptions } from './runner-options';
import { type LoadPhase, type PhaseFigures, READY_PREFIX, RESULT_PREFIX, type ServerUrls } from './runner-protocol';
import { type PhaseRow, phaseLine, printRunnerReport } from './runner-report';
import { workspaceRoot } from '@vigil/processes';

// The runner's own heap bound: the bare loop gets it too, so both run in the same conditions.
const RUNNER_HEAP_FLAG = `--max-old-space-size=${RUNNER_MAX_OLD_SPACE_MB}`;
const SERVERS_ENTRY = 'tools/bench/src/runner-servers.ts';
const LOAD_ENTRY = 'tools/bench/src/runner-load.ts';
// Bundling and starting a child, plus the agent's stop (runs in flight finish, results are sent).
const CHILD_START_MS = 30_000;
const PHASE_SLACK_MS = 30_000;

export async function runRunnerBenchmark(args: readonly string[]): Promise<void> {
  const options = optionsOrExit('runner', RUNNER_USAGE, () => parseRunnerArgs(args));
  if (options === undefined) return;
  const children = new Set<TsChild>();
  const stopAll = () => Promise.all([...children].map((child) => child.stop()));
  // Ctrl-C reaches the children too (one process group), and this process twice (from the
  // terminal and forwarded by run-ts.mjs): the first signal stops what is left, the rest wait for it.
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.error(`\n${signal}: stopping the child processes…`);
    void stopAll().then(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await benchmark(options, children);
  } finally {
    await stopAll();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

async function benchmark(options: RunnerBenchOptions, children: Set<TsChild>): Promise<void> {
  const root = workspaceRoot();
  const start = (entry: string, args: readonly string[], label: string, nodeOptions?: string): TsChild => {
    const child = startTsChild(root, entry, args, label, nodeOptions);
    children.add(child);
    return child;
  };
  console.log(
    `Vigil runner benchmark: node ${process.version}, ${process.platform}/${process.arch}, ${cpus().length} CPUs, ` +
      `${Math.round(totalmem() / 2 ** 30)} GiB`,
  );
  const servers = start(SERVERS_ENTRY, [String(options.rate)], 'servers');
  const urls = JSON.parse(await servers.line(READY_PREFIX, CHILD_START_MS)) as ServerUrls;
  console.log(
    `servers (own process, pid ${servers.pid}): target ${urls.target} answers 200 "ok\\n"; stub controller ${urls.controller} ` +
      `leases http checks of it on every poll (${options.rate > 0 ? `at most ${options.rate} per second` : 'as many as asked'}) and accepts every result (it requires a runner token but does not verify it; ` +
      `the runner signs real ES256 tokens)`,
  );
  console.log(
    `each phase in a fresh process: ${options.warmupSeconds} s warm-up, then ${options.seconds} s measured; ` +
      `both the bare loop and the probe open a fresh connection per request (keep-alive off, as the http probe does to time dns and tcp); ` +
      `agent: memory spool, reports of up to 500 results, periodic every ${options.pollIntervalMs} ms; ` +
      `both with ${RUNNER_HEAP_FLAG}, as npm run start:runner starts the runner\n`,
  );

  const rows: PhaseRow[] = [];
  for (const concurrency of options.concurrencies) {
    for (const mode of options.modes) {
      const phase: LoadPhase = {
        mode,
        concurrency,
        urls,
        warmupSeconds: options.warmupSeconds,
        seconds: options.seconds,
        pollIntervalMs: options.pollIntervalMs,
      };
      const load = start(LOAD_ENTRY, [JSON.stringify(phase)], `${mode} ${concurrency}`, RUNNER_HEAP_FLAG);
      const timeoutMs = CHILD_START_MS + (options.warmupSeconds + options.seconds) * 1000 + PHASE_SLACK_MS;
      const figures = JSON.parse(await load.line(RESULT_PREFIX, timeoutMs)) as PhaseFigures;
      await load.stop();
      children.delete(load);
      const row = { mode, concurrency, figures };
      rows.push(row);
      console.log(phaseLine(row));
    }
  }
  printRunnerReport(rows);
}
