import { CONNECTIVITY_HEADER, LOAD_HEADER, RUNNER_CONNECTIVITY, RUNNER_LOADS, type RunnerConnectivity, type RunnerLoad } from '@vigil/contracts';
import { Prisma, PREPARED, type SqlDatabase, sqlDb } from '@vigil/db';
import { HttpError, requestContext } from '@vigil/http';
import { bearerToken, createRunnerVerifier, RunnerAuthError, type RunnerKeyRecord } from '@vigil/runner-auth';
import type { Request, Response } from 'express';
import type { ControllerLimits } from '../deps';
import type { RunnerPrincipal } from '../http/principal';
import { createTokenBuckets } from '../runner-api/token-bucket';

const LAST_SEEN_WRITE_INTERVAL_MS = 5_000;
const RUNNER_ID_CACHE_LIMIT = 1000;

/**
 * The runner's `Vigil-Connectivity` header; absent (a runner older than canaries) or unreadable,
 * the stored value is left as it is: the header is a diagnosis, never a reason to refuse a request.
 */
function connectivityOf(header: string | string[] | undefined): RunnerConnectivity | undefined {
  const value = (Array.isArray(header) ? header[0] : header)?.trim().toLowerCase();
  return RUNNER_CONNECTIVITY.find((known) => known === value);
}

export interface LoadSummary {
  load: RunnerLoad;
  /** Runs it may run at once now; null when the header does not say. */
  concurrency: number | null;
}

/**
 * The runner's `Vigil-Load` header (`behind; concurrency=200`); absent or unreadable, the stored
 * value is left as it is, as for connectivity.
 */
export function loadOf(header: string | string[] | undefined): LoadSummary | undefined {
  const [state, ...params] = ((Array.isArray(header) ? header[0] : header) ?? '').split(';').map((part) => part.trim().toLowerCase());
  const load = RUNNER_LOADS.find((known) => known === state);
  if (load === undefined) return undefined;
  const concurrency = params.map((param) => /^concurrency=(\d{1,5})$/.exec(param)?.[1]).find((value) => value !== undefined);
  return { load, concurrency: concurrency === undefined ? null : Number(concurrency) };
}

/**
 * One write per runner for all: `last_seen_at`, and the connectivity and load with the time
 * each changed (compared with the stored value, so each instance of a fleet of controllers
 * agrees on it).
 */
async function writeLastSeen(
  db: SqlDatabase,
  runnerId: number,
  at: Date,
  connectivity: RunnerConnectivity | undefined,
  load: LoadSummary | undefined,
): Promise<void> {
  const setConnectivity =
    connectivity === undefined
      ? Prisma.empty
      : Prisma.sql`,
      connectivity_changed_at = CASE WHEN connectivity IS DISTINCT FROM ${connectivity}::runner_connectivity
                                     THEN ${at} ELSE connectivity_changed_at END,
      connectivity = ${connectivity}::runner_connectivity`;
  const setLoad =
    load === undefined
      ? Prisma.empty
      : Prisma.sql`,
      load_changed_at = CASE WHEN load IS DISTINCT FROM ${load.load}::runner_load THEN ${at} ELSE load_changed_at END,
      load = ${load.load}::runner_load,
      load_concurrency = ${load.concurrency}::int`;
  await sqlDb(db).execute(Prisma.sql`UPDATE runners SET last_seen_at = ${at}${setConnectivity}${setLoad} WHERE id = ${runnerId}`);
}

export type RunnerRateLimits = Pick<ControllerLimits, 'runnerRequestsPerSecond' | 'runnerBurst'>;

/**
 * Authenticates `Authorization: Bearer <runner JWT>` (see @vigil/runner-auth for every
 * check). The runner is looked up by key id on every request, so a revoked runner is
 * refused at once, even with a token that has not expired. Every refusal is a 401 whose
 * `details.reason` says why, and is logged at warn (never with the token).
 *
 * Then each runner gets a token bucket: 429 with `Retry-After` beyond its rate. The buckets
 * live in this process, so behind a load balancer each instance allows the full rate: the
 * limit protects an instance from a runaway runner, it is not a fleet-wide quota.
 */
export function runnerAuthenticator(db: SqlDatabase, limits: RunnerRateLimits): (req: Request, res: Response) => Promise<RunnerPrincipal> {
  // A kid names one runner for good (key ids are unique, and a new key has a new kid), so
  // remembering its id is safe; the verifier only hands back the slug.
  const runnerIds = new Map<string, number>();
  const verifier = createRunnerVerifier({
    lookupKey: async (kid): Promise<RunnerKeyRecord | null> => {
      // Raw and prepared SQL, on PostgreSQL on the pool without Prisma: this runs on every runner
      // request, and the ORM's query building (or parsing and planning the statement each time, or
      // $queryRaw's own ~0.4 ms of CPU) costs more than the query.
      const [runner] = await sqlDb(db).query<{ id: number; slug: string; publicKey: string; revoked: boolean }>(Prisma.sql`${Prisma.raw(PREPARED)}
        SELECT id, slug, public_key AS "publicKey", revoked_at IS NOT NULL AS revoked FROM runners WHERE key_id = ${kid}`);
      if (runner === undefined) return null;
      // Oldest first out; a kid just looked up is the newest, so it is still there once verified.
      runnerIds.delete(kid);
      if (runnerIds.size >= RUNNER_ID_CACHE_LIMIT) runnerIds.delete(runnerIds.keys().next().value as string);
      runnerIds.set(kid, runner.id);
      return { slug: runner.slug, publicKeyPem: runner.publicKey, revoked: runner.revoked };
    },
  });
  const lastSeenWritten = new Map<number, number>();
  /** What each runner's header said when last written: a change is written at once, a repeat waits for last_seen_at. */
  const connectivitySeen = new Map<number, RunnerConnectivity>();
  /** The same for the load header, as sent. */
  const loadSeen = new Map<number, string>();
  const buckets = createTokenBuckets({ ratePerSecond: limits.runnerRequestsPerSecond, burst: limits.runnerBurst });

  return async (req, res) => {
    let verified;
    try {
      verified = await verifier.verify(bearerToken(req.headers.authorization));
    } catch (error) {
      if (!(error instanceof RunnerAuthError)) throw error;
      requestContext(res).logger.warn(`runner authentication refused: ${error.message}`, { reason: error.reason, path: req.path });
      throw new HttpError(401, 'unauthorized', error.message, { reason: error.reason });
    }
    const runnerId = runnerIds.get(verified.kid);
    if (runnerId === undefined) throw new Error(`runner key ${verified.kid} was verified but its runner id is unknown`);

    const now = Date.now();
    const connectivity = connectivityOf(req.headers[CONNECTIVITY_HEADER.toLowerCase()]);
    const connectivityChanged = connectivity !== undefined && connectivitySeen.get(runnerId) !== connectivity;
    const load = loadOf(req.headers[LOAD_HEADER.toLowerCase()]);
    const loadKey = load && `${load.load};${load.concurrency}`;
    const loadChanged = loadKey !== undefined && loadSeen.get(runnerId) !== loadKey;
    if (connectivityChanged || loadChanged || now - (lastSeenWritten.get(runnerId) ?? 0) >= LAST_SEEN_WRITE_INTERVAL_MS) {
      lastSeenWritten.set(runnerId, now);
      await writeLastSeen(db, runnerId, new Date(now), connectivity, load);
      if (connectivity !== undefined) connectivitySeen.set(runnerId, connectivity);
      if (loadKey !== undefined) loadSeen.set(runnerId, loadKey);
    }

    const taken = buckets.take(verified.slug);
    if (!taken.ok) {
      res.setHeader('Retry-After', String(taken.retryAfterSeconds));
      throw new HttpError(429, 'too_many_requests', `Runner ${verified.slug} sends more than ${limits.runnerRequestsPerSecond} requests per second`, {
        retry_after_s: taken.retryAfterSeconds,
      });
    }
    return { kind: 'runner', runnerId, slug: verified.slug, kid: verified.kid };
  };
}
