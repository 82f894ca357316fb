import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import type { HttpSpec } from '@vigil/contracts';
import got, { type Response } from 'got';
import type { Probe, ProbeResult } from '../types';
import { firstFailedAssertion, needsBody } from './assertions';
import { errorCodeOf, errorMessageOf } from './error-codes';

/** Most bytes of a response body the probe reads (after decompression); the rest is not downloaded. */
export const MAX_RESPONSE_BODY_BYTES = 1024 * 1024;

/** How long past its timeout a run may last before the probe gives up on got and closes the request itself. */
const DEADLINE_MARGIN_MS = 1000;

// A fresh connection per run: a reused socket would hide the dns, tcp and tls phases, and no
// idle socket stays open to the monitored host between runs.
const agent = { http: new http.Agent({ keepAlive: false }), https: new https.Agent({ keepAlive: false }) };

type Timings = Response['timings'];
type ResultTimings = NonNullable<ProbeResult['timings']>;

const round = (ms: number): number => Math.round(ms * 10) / 10;

/** got's timing phases in the result's names, rounded to 0.1 ms; phases that did not happen are left out. */
export function resultTimings(timings: Timings | undefined): ResultTimings | undefined {
  if (timings === undefined) return undefined;
  const { dns, tcp, tls, firstByte, download, total } = timings.phases;
  const phases: ResultTimings = {};
  const add = (name: keyof ResultTimings, value: number | undefined) => {
    if (value !== undefined && Number.isFinite(value) && value >= 0) phases[name] = round(value);
  };
  add('dns', dns);
  add('tcp', tcp);
  add('tls', tls);
  add('first_byte', firstByte);
  add('download', download);
  add('total', total);
  return Object.keys(phases).length > 0 ? phases : undefined;
}

function withUserAgent(headers: Record<string, string>, userAgent: string): Record<string, string> {
  const own = Object.keys(headers).some((name) => name.toLowerCase() === 'user-agent');
  return own ? { ...headers } : { ...headers, 'user-agent': userAgent };
}

function networkFailure(error: unknown, fallback?: Timings): ProbeResult {
  const own = typeof error === 'object' && error !== null ? (error as { timings?: Timings }).timings : undefined;
  const timings = resultTimings(own ?? fallback);
  return { ok: false, error_code: errorCodeOf(error), error: errorMessageOf(error), ...(timings && { timings }) };
}

interface Outcome {
  response: Response;
  body: Buffer | undefined;
  bodyTruncated: boolean;
  latencyMs: number;
}

function evaluate(spec: HttpSpec, { response, body, bodyTruncated, latencyMs }: Outcome): ProbeResult {
  const timings = resultTimings(response.timings);
  const redirects = response.redirectUrls.length;
  const details: Record<string, unknown> = {
    ...(bodyTruncated && { body_truncated: true }),
    ...(redirects > 0 && { redirects }),
  };
  const base = { latency_ms: latencyMs, ...(timings && { timings }) };
  const statusCode = response.statusCode;
  if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
    return {
      ok: false,
      ...base,
      error_code: 'INVALID_STATUS',
      error: `The server answered with status ${statusCode}, outside 100 to 599`,
      details: { ...details, status: statusCode },
    };
  }
  const failed = firstFailedAssertion(spec, { statusCode, latencyMs, body, bodyTruncated });
  if (failed !== undefined) {
    return {
      ok: false,
      status_code: statusCode,
      ...base,
      error_code: 'ASSERTION_FAILED',
      error: failed.message,
      details: { ...details, assertion: failed.assertion },
    };
  }
  return { ok: true, status_code: statusCode, ...base, ...(Object.keys(details).length > 0 && { details }) };
}

/**
 * Requests `run.target` as `run.spec` says (method, headers, body, redirects, TLS verification),
 * reads at most 1 MiB of the body, and checks the spec's assertions in order. Never throws; always
 * settles within `timeoutMs` plus a short margin, and leaves no socket open.
 */
export const httpProbe: Probe<'http'> = (run, context) => {
  const { spec, timeoutMs } = run;
  const keepBody = needsBody(spec);
  const started = performance.now();

  return new Promise<ProbeResult>((resolve) => {
    let stream: ReturnType<typeof got.stream>;
    try {
      // A literal target is connected to without a lookup: judge it here, before got starts.
      context.egress.refuseHost(new URL(run.target).hostname);
      stream = got.stream(run.target, {
        method: spec.method,
        headers: withUserAgent(spec.headers, context.userAgent),
        // In stream mode got waits for the caller to end the upload of a method that may have a
        // body; an empty string sends none (Content-Length: 0) and ends it.
        body: spec.body ?? (spec.method === 'GET' || spec.method === 'HEAD' ? undefined : ''),
        followRedirect: spec.follow_redirects,
        maxRedirects: spec.max_redirects,
        https: { rejectUnauthorized: spec.verify_tls },
        timeout: { request: timeoutMs },
        retry: { limit: 0 },
        throwHttpErrors: false,
        decompress: true,
        cache: false,
        http2: false,
        agent,
        // Every name got resolves (the target and each redirect hop) goes through the policy.
        dnsLookup: context.egress.lookup,
        hooks: {
          // A redirect to an IP literal skips the lookup: each hop's host is judged here too.
          beforeRedirect: [(options) => context.egress.refuseHost((options.url as URL).hostname)],
        },
        ...(context.signal && { signal: context.signal }),
      });
    } catch (error) {
      resolve(networkFailure(error));
      return;
    }

    let settled = false;
    let response: Response | undefined;
    const chunks: Buffer[] = [];
    let received = 0;
    let bodyTruncated = false;

    const settle = (result: ProbeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      stream.destroy();
      resolve(result);
    };

    const complete = () => {
      if (settled) return;
      if (response === undefined) {
        settle({ ok: false, error_code: 'REQUEST_FAILED', error: 'The request ended without a response' });
        return;
      }
      // Destroying the stream first lets got close the timings (download, total) of a cut body.
      stream.destroy();
      const total = response.timings.phases.total;
      const latencyMs = Math.round(total ?? performance.now() - started);
      const body = keepBody ? Buffer.concat(chunks) : undefined;
      try {
        settle(evaluate(spec, { response, body, bodyTruncated, latencyMs }));
      } catch (error) {
        // Runs in a stream callback: a throw here would be an uncaught exception, not a rejection.
        settle({ ok: false, error_code: 'INTERNAL_ERROR', error: errorMessageOf(error) });
      }
    };

    // got's own timeout should always come first; this only bounds a run got fails to end.
    const deadline = setTimeout(() => {
      settle({
        ok: false,
        error_code: 'ETIMEDOUT',
        error: `No complete answer within ${timeoutMs} ms`,
        ...(response && { status_code: response.statusCode }),
      });
    }, timeoutMs + DEADLINE_MARGIN_MS);

    stream.on('response', (answer: Response) => {
      response = answer;
    });
    stream.on('data', (chunk: Buffer) => {
      if (settled) return;
      const room = MAX_RESPONSE_BODY_BYTES - received;
      if (chunk.length > room) {
        if (keepBody && room > 0) chunks.push(chunk.subarray(0, room));
        received = MAX_RESPONSE_BODY_BYTES;
        bodyTruncated = true;
        complete();
        return;
      }
      if (keepBody) chunks.push(chunk);
      received += chunk.length;
    });
    stream.on('end', complete);
    stream.on('error', (error: unknown) => settle(networkFailure(error, response?.timings)));
  });
};
