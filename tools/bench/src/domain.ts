import {
  createQuorumPolicy,
  initialLocationState,
  recordResult,
  type LocationState,
  type QuorumPolicy,
} from '@vigil/quorum';
import { decideOutage, foldTransition, observeOutage, type EventState } from '@vigil/lifecycle';
import { createRunnerSigner, createRunnerVerifier, generateRunnerKeyPair, type RunnerKeyRecord } from '@vigil/runner-auth';
import { formatRate, measureAsync, measureBatches, parseOptions, type MeasureOptions } from './measure';

const TARGET_EVALUATIONS_PER_SECOND = 1_000_000;
const CHECKS = 1024; // a power of two: the check index is a mask
const LOCATIONS = ['us-1', 'eu-1', 'ap-1'];
const RESULTS = 1 << 16;

/**
 * One evaluation is what the evaluator does per result on its hot path: count the strike at
 * the result's location, evaluate the check's quorum, decide the event transition, apply it.
 * 1024 checks × 3 locations, results with outages in bursts, so opens, upgrades and closes happen.
 */
function benchEvaluations(options: MeasureOptions): { perSecond: number; mutationShare: number } {
  const policy: QuorumPolicy = createQuorumPolicy({
    locations: LOCATIONS,
    failingThreshold: 2,
    passingThreshold: 2,
    failingLocationsThreshold: '66%',
    staleAfterMs: 180_000,
  });
  const states: LocationState[][] = Array.from({ length: CHECKS }, () => LOCATIONS.map(initialLocationState));
  const events: (EventState | null)[] = new Array<EventState | null>(CHECKS).fill(null);

  // Precomputed results (xorshift): long healthy stretches with failing bursts.
  const ok = new Uint8Array(RESULTS);
  let x = 0x9e3779b9;
  let outage = false;
  for (let i = 0; i < RESULTS; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const r = (x >>> 0) / 4294967296;
    if (r < 0.002) outage = !outage;
    ok[i] = (outage ? r < 0.3 : r < 0.98) ? 1 : 0;
  }

  const ctx = { now: 1_700_000_000_000, inMaintenance: false };
  let cursor = 0;
  let evaluations = 0;
  let mutations = 0;
  const batch = (size: number): void => {
    evaluations += size;
    for (let n = 0; n < size; n++) {
      const i = cursor++;
      const check = i & (CHECKS - 1);
      const loc = (i >>> 10) % 3;
      ctx.now += 20;
      const checkStates = states[check];
      const passed = ok[i & (RESULTS - 1)] === 1;
      checkStates[loc] = recordResult(policy, checkStates[loc], passed ? 'ok' : 'failed', ctx.now);
      const event = events[check];
      const t = decideOutage(event, observeOutage(policy, checkStates, ctx.now, !passed), ctx);
      if (t.kind === 'open' || t.kind === 'upgrade' || t.kind === 'close') {
        mutations++;
        events[check] = foldTransition(event, t);
      }
    }
  };
  const m = measureBatches(batch, 10_000, options);
  return { perSecond: m.perSecond, mutationShare: mutations / evaluations };
}

async function benchJwt(options: MeasureOptions): Promise<{ verify: number; sign: number }> {
  const pair = generateRunnerKeyPair();
  const record: RunnerKeyRecord = { slug: 'us-1', publicKeyPem: pair.publicKeyPem, revoked: false };
  const lookupKey = async (kid: string): Promise<RunnerKeyRecord | null> => (kid === pair.kid ? record : null);
  const signer = createRunnerSigner({ slug: 'us-1', privateKeyPem: pair.privateKeyPem });
  const verifier = createRunnerVerifier({ lookupKey });

  const tokens = Array.from({ length: 256 }, () => signer.sign());
  let i = 0;
  const verify = await measureAsync(() => verifier.verify(tokens[i++ & 255]), options);
  const sign = measureBatches(
    (size) => {
      for (let n = 0; n < size; n++) signer.sign();
    },
    100,
    options,
  );
  return { verify: verify.perSecond, sign: sign.perSecond };
}

export async function runDomainBenchmark(args: readonly string[]): Promise<void> {
  const options = parseOptions(args, { warmupSeconds: 0.5, seconds: 2 });
  console.log(`Vigil domain benchmark: node ${process.version}, ${process.platform}/${process.arch}, one thread (one core)`);
  console.log(`each figure measured for ${options.seconds} s after ${options.warmupSeconds} s of warm-up\n`);

  const evaluations = benchEvaluations(options);
  const met = evaluations.perSecond > TARGET_EVALUATIONS_PER_SECOND;
  console.log(
    `lifecycle+quorum evaluations: ${formatRate(evaluations.perSecond)}/s ` +
      `(target > ${formatRate(TARGET_EVALUATIONS_PER_SECOND)}/s: ${met ? 'met' : 'NOT met'}; ` +
      `${CHECKS} checks × ${LOCATIONS.length} locations, ${(evaluations.mutationShare * 100).toFixed(1)}% of evaluations open, upgrade or close an event)`,
  );

  const jwt = await benchJwt(options);
  console.log(`JWT verifications (ES256 / ECDSA P-256, jsonwebtoken, full verifier with key lookup): ${formatRate(jwt.verify)}/s`);
  console.log(`JWT signs (ES256 / ECDSA P-256, jsonwebtoken): ${formatRate(jwt.sign)}/s`);
}
