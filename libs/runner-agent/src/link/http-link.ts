import http from 'node:http';
import https from 'node:https';
import { CONNECTIVITY_HEADER, LOAD_HEADER, pollRuns, type ReportedResult, type ReportItemOutcome, reportResults, type RunnerConnectivity, type RunSpec } from '@vigil/contracts';
import type { RunnerSigner } from '@vigil/runner-auth';
import { type ControllerLink, LinkError, type LinkFailure } from './controller-link';
import { plainRequest, type PlainResponse } from './plain-request';

export interface HttpLinkOptions {
  /** The controller's base URL, without a trailing slash. */
  controllerUrl: string;
  signer: RunnerSigner;
  userAgent: string;
  /** How long one poll or report may take before it counts as unreachable. */
  requestTimeoutMs?: number;
  /** What the runner's canaries say now, sent on every request (CONNECTIVITY_HEADER); unset: not sent. */
  connectivity?: () => RunnerConnectivity;
  /** Whether the runner keeps up, sent on every request (LOAD_HEADER, the agent's `loadHeader`); unset: not sent. */
  load?: () => string | undefined;
}

/** The runner API over HTTP, and a ping of the controller for the canaries. */
export interface HttpLink extends ControllerLink {
  /**
   * `GET /healthz` of the controller: resolves on any HTTP answer (the network got there),
   * rejects when none came within `timeoutMs`. Unauthenticated, so it costs the controller
   * neither a signature check, a database query nor a token of the runner's rate limit.
   */
  ping(timeoutMs: number): Promise<void>;
}

const MAX_REASON_CHARS = 300;

function failureOf(status: number): LinkFailure {
  if (status === 401 || status === 403) return 'unauthorized';
  if (status === 429 || status >= 500) return 'unavailable';
  return 'refused';
}

function retryAfterMs(response: PlainResponse): number | undefined {
  const seconds = Number(response.headers['retry-after']);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

/** The controller's own words (its error shape), else the start of whatever it sent. */
function reasonOf(response: PlainResponse): string {
  try {
    const message = (JSON.parse(response.body) as { error?: { message?: unknown } }).error?.message;
    if (typeof message === 'string') return message.slice(0, MAX_REASON_CHARS);
  } catch {
    // not our error shape: a proxy's page, say
  }
  return response.body.trim().slice(0, MAX_REASON_CHARS) || response.statusMessage;
}

/**
 * The runner API over HTTP, one keep-alive connection pool to the controller. Node's own client:
 * got's options, hooks and streams cost more than the exchange itself, for features a link
 * does not use (retries, redirects, decompression).
 */
export function createHttpLink(options: HttpLinkOptions): HttpLink {
  const { controllerUrl, signer, userAgent, requestTimeoutMs = 10_000, connectivity, load } = options;
  const agent = controllerUrl.startsWith('https:') ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });

  /** What every request says: read at each request, so a change is told on the very next one. */
  function headers(extra: http.OutgoingHttpHeaders): http.OutgoingHttpHeaders {
    const all: http.OutgoingHttpHeaders = { 'user-agent': userAgent, ...extra };
    if (connectivity) all[CONNECTIVITY_HEADER.toLowerCase()] = connectivity();
    const loadNow = load?.();
    if (loadNow !== undefined) all[LOAD_HEADER.toLowerCase()] = loadNow;
    return all;
  }

  async function send(method: 'GET' | 'POST', path: string, json?: unknown): Promise<unknown> {
    const body = json === undefined ? undefined : JSON.stringify(json);
    let response: PlainResponse;
    try {
      response = await plainRequest(new URL(`${controllerUrl}${path}`), {
        method,
        headers: headers({
          authorization: `Bearer ${signer.token()}`,
          accept: 'application/json',
          ...(body !== undefined && { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }),
        }),
        body,
        timeoutMs: requestTimeoutMs,
        agent,
      });
    } catch (error) {
      const code = (error as { code?: string }).code;
      throw new LinkError('unavailable', `${controllerUrl} is unreachable: ${code ?? (error as Error).message}`);
    }
    if (response.statusCode >= 200 && response.statusCode < 300) {
      try {
        return JSON.parse(response.body);
      } catch {
        throw new LinkError('unavailable', `${controllerUrl} answered ${response.statusCode} with a body that is not JSON`);
      }
    }
    const failure = failureOf(response.statusCode);
    throw new LinkError(failure, `${response.statusCode} from ${controllerUrl}: ${reasonOf(response)}`, retryAfterMs(response));
  }

  async function pollOnce(limit: number, lookaheadMs: number): Promise<RunSpec[]> {
    // Left out when 0, the default, so such a poll reads as it did before the parameter existed.
    const lookahead = lookaheadMs > 0 ? `&lookahead_ms=${lookaheadMs}` : '';
    const body = await send('GET', `${pollRuns.path}?limit=${limit}${lookahead}`);
    const parsed = pollRuns.success.schema.safeParse(body);
    if (!parsed.success) throw new LinkError('refused', `${controllerUrl} answered a poll with runs this runner cannot read`);
    return parsed.data.runs satisfies RunSpec[];
  }

  // A controller older than leasing ahead refuses the parameter (400 naming it): runners may be
  // upgraded first, and then poll as before, each run starting at the poll after its slot.
  let lookaheadRefused = false;
  return {
    async ping(timeoutMs) {
      try {
        await plainRequest(new URL(`${controllerUrl}/healthz`), { method: 'GET', headers: headers({}), timeoutMs, agent });
      } catch (error) {
        const code = (error as { code?: string }).code;
        throw new Error(`${controllerUrl} is unreachable: ${code ?? (error as Error).message}`);
      }
    },
    async poll(limit, lookaheadMs = 0) {
      const ahead = lookaheadRefused ? 0 : lookaheadMs;
      try {
        return await pollOnce(limit, ahead);
      } catch (error) {
        if (ahead === 0 || !(error instanceof LinkError) || error.failure !== 'refused' || !error.message.includes('lookahead_ms')) throw error;
        lookaheadRefused = true;
        return pollOnce(limit, 0);
      }
    },
    async report(results: readonly ReportedResult[]): Promise<ReportItemOutcome[]> {
      const body = await send('POST', reportResults.path, { results });
      const parsed = reportResults.success.schema.safeParse(body);
      if (!parsed.success) throw new LinkError('refused', `${controllerUrl} answered a report in a shape this runner cannot read`);
      return parsed.data.results;
    },
  };
}
