import http from 'node:http';
import https from 'node:https';
import net, { type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import zlib from 'node:zlib';
import type { HttpSpec } from '@vigil/contracts';
import type { Probe, ProbeResult } from '../types';
import { markDegraded } from '../degraded';
import { firstDegradedAssertion, firstFailedAssertion, needsBody } from './assertions';
import { errorCodeOf, errorMessageOf } from './error-codes';

/** Most bytes of a response body the probe reads (after decompression); the rest is not downloaded. */
export const MAX_RESPONSE_BODY_BYTES = 1024 * 1024;

// A fresh connection per run: a reused socket would hide the dns, tcp and tls phases, and no
// idle socket stays open to the monitored host between runs. Plain HTTP connects without an
// agent (an agent's pools and bookkeeping cost a sixth of a run, for nothing to pool): node
// then sends `Connection: close`, as it does with a keep-alive-less agent. HTTPS keeps its
// agent for the TLS sessions it caches.
const httpsAgent = new https.Agent({ keepAlive: false });
// The request has filled in host and port (80 by default) by the time it connects.
const connectPlain = (options: http.ClientRequestArgs): Socket => net.connect(options as net.NetConnectOpts);

// The probe speaks HTTP with node's own client rather than got: got's options, hooks, streams
// and timers cost three to four times the exchange itself per run, for features a probe does
// not use (retries, caching, pagination, HTTP/2). What it did use is here, with got's codes
// and messages: redirects, decompression, timing phases, one timeout.
const REDIRECT_STATUSES = new Set([300, 301, 302, 303, 304, 307, 308]);
const ACCEPT_ENCODING = 'gzip, deflate, br';
const DECODED = new Set(['gzip', 'deflate', 'br']);

type ResultTimings = NonNullable<ProbeResult['timings']>;

/** When each step of one request happened (performance.now()); the last hop's when redirects are followed. */
interface Stamps {
  start: number;
  socket?: number;
  lookup?: number;
  connect?: number;
  secureConnect?: number;
  upload?: number;
  response?: number;
  end?: number;
}

const round = (ms: number): number => Math.round(ms * 10) / 10;

/** The timing phases in the result's names, rounded to 0.1 ms; phases that did not happen are left out. */
export function resultTimings(stamps: Stamps): ResultTimings | undefined {
  const { start, socket, connect, secureConnect, upload, response, end } = stamps;
  // No lookup for an IP literal: the dns phase is then 0, as got's timer says.
  const lookup = stamps.lookup ?? (connect !== undefined ? socket : undefined);
  const span = (from: number | undefined, to: number | undefined) => (from === undefined || to === undefined ? undefined : to - from);
  const phases: ResultTimings = {};
  const add = (name: keyof ResultTimings, value: number | undefined) => {
    if (value !== undefined && Number.isFinite(value) && value >= 0) phases[name] = round(value);
  };
  add('dns', span(socket, lookup));
  add('tcp', span(lookup, connect));
  add('tls', span(connect, secureConnect));
  add('first_byte', span(upload, response));
  add('download', span(response, end));
  add('total', span(start, end));
  return Object.keys(phases).length > 0 ? phases : undefined;
}

const codedError = (message: string, code: string, name?: string): Error => Object.assign(new Error(message), { code }, name ? { name } : {});

/** The spec's headers with lower-case names, the runner's User-Agent unless the check sets its own, and what got sent by default. */
function requestHeaders(spec: HttpSpec, userAgent: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(spec.headers)) headers[name.toLowerCase()] = value;
  headers['user-agent'] ??= userAgent;
  headers['accept-encoding'] ??= ACCEPT_ENCODING;
  return headers;
}

// The runner hands every run of a check the same frozen spec (see to-probe-run.ts): its headers
// are worked out once, not at each run. Frozen, since node only reads them and runs share them.
const preparedHeaders = new WeakMap<HttpSpec, { userAgent: string; headers: Readonly<Record<string, string>> }>();

function headersOf(spec: HttpSpec, userAgent: string): Readonly<Record<string, string>> {
  const known = preparedHeaders.get(spec);
  if (known !== undefined && known.userAgent === userAgent) return known.headers;
  const headers = Object.freeze(requestHeaders(spec, userAgent));
  preparedHeaders.set(spec, { userAgent, headers });
  return headers;
}

/**
 * Response header `name` (lower-case) as node's `headers` would give it (the first Location;
 * every Content-Encoding joined by `, `), read from the raw lines: building `headers` cost more.
 */
function responseHeader(response: http.IncomingMessage, name: 'content-encoding' | 'location'): string | undefined {
  const raw = response.rawHeaders;
  let value: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const key = raw[i] as string;
    if (key.length !== name.length || key.toLowerCase() !== name) continue;
    const line = raw[i + 1] as string;
    if (name === 'location') return line;
    value = value === undefined ? line : `${value}, ${line}`;
  }
  return value;
}

function failure(error: unknown, stamps: Stamps | undefined, statusCode?: number): ProbeResult {
  const timings = stamps && resultTimings(stamps);
  return {
    ok: false,
    error_code: errorCodeOf(error),
    error: errorMessageOf(error),
    ...(statusCode !== undefined && { status_code: statusCode }),
    ...(timings && { timings }),
  };
}

interface Outcome {
  statusCode: number;
  redirects: number;
  stamps: Stamps;
  body: Buffer | undefined;
  bodyTruncated: boolean;
}

function evaluate(spec: HttpSpec, { statusCode, redirects, stamps, body, bodyTruncated }: Outcome): ProbeResult {
  const timings = resultTimings(stamps);
  const latencyMs = Math.round((stamps.end ?? performance.now()) - stamps.start);
  const details: Record<string, unknown> = {
    ...(bodyTruncated && { body_truncated: true }),
    ...(redirects > 0 && { redirects }),
  };
  const base = { latency_ms: latencyMs, ...(timings && { timings }) };
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
  const passed: ProbeResult = { ok: true, status_code: statusCode, ...base, ...(Object.keys(details).length > 0 && { details }) };
  const degraded = firstDegradedAssertion(spec, { statusCode, latencyMs, body, bodyTruncated });
  return degraded === undefined ? passed : markDegraded(passed, { rule: 'assertion', assertion: degraded.assertion, message: degraded.message });
}

/** Whether a deflate body starts with a zlib header (RFC 1950: method 8, a check of the first two bytes), as the standard says; many servers send it raw. */
const zlibWrapped = (first: Buffer): boolean => first.length >= 2 && (first[0] & 0x0f) === 8 && ((first[0] << 8) | first[1]) % 31 === 0;

/** A decoder for a body sent with `encoding`, chosen on its first bytes (deflate comes raw or zlib-wrapped). */
function decoderFor(encoding: string, first: Buffer): zlib.InflateRaw | zlib.BrotliDecompress | zlib.Unzip {
  if (encoding === 'br') return zlib.createBrotliDecompress();
  if (encoding === 'deflate' && !zlibWrapped(first)) return zlib.createInflateRaw();
  return zlib.createUnzip();
}

const ignore = (): void => undefined;

/**
 * The last run's request, destroyed, kept for its hidden classes only (read by nothing). Node's
 * request, socket, response and stream-state objects live only while a run does, and V8 holds
 * maps (shapes) weakly: a major GC while no run is in flight collects them, deoptimizes every
 * function whose optimized code embedded them (net, stream, events: "weak objects"), and the
 * next runs make new maps, meet "wrong map" and compile it all again. One finished request
 * (with its socket, response and their states) keeps most of those maps alive: a few kB.
 */
const shapeKeeper: { lastRequest: http.ClientRequest | undefined } = { lastRequest: undefined };

/**
 * Requests `run.target` as `run.spec` says (method, headers, body, redirects, TLS verification),
 * reads at most 1 MiB of the body, and checks the spec's assertions in order. Never throws; always
 * settles within `timeoutMs` (the whole run, redirects included), and leaves no socket open.
 */
export const httpProbe: Probe<'http'> = (run, context) => {
  const { spec, timeoutMs } = run;
  const { egress, signal } = context;
  const keepBody = needsBody(spec);

  return new Promise<ProbeResult>((resolve) => {
    let settled = false;
    let request: http.ClientRequest | undefined;
    let stamps: Stamps | undefined;
    let statusCode: number | undefined;
    let redirects = 0;
    const chunks: Buffer[] = [];
    let received = 0;
    let bodyTruncated = false;

    const settle = (result: ProbeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      // Also closes the connection of a body cut at the bound, or of a server still sending.
      request?.destroy();
      if (request !== undefined) shapeKeeper.lastRequest = request;
      resolve(result);
    };
    /** A failure of the exchange; a run that timed out after the answer began says which status it had. */
    const fail = (error: unknown, withStatus = false) => {
      if (settled) return;
      if (stamps) stamps.end ??= performance.now();
      settle(failure(error, stamps, withStatus ? statusCode : undefined));
    };
    // Listens to the response's 'end' ahead of node's own listener: settling destroys the
    // socket, so node then has no half-close (shutdown and its stream steps) to do before the
    // close that follows anyway: 2-3 % of a run's CPU at 100 runs a second.
    const complete = () => {
      if (settled || stamps === undefined || statusCode === undefined) return;
      stamps.end ??= performance.now();
      const body = keepBody ? Buffer.concat(chunks) : undefined;
      try {
        settle(evaluate(spec, { statusCode, redirects, stamps, body, bodyTruncated }));
      } catch (error) {
        // Runs in a stream callback: a throw here would be an uncaught exception, not a rejection.
        settle({ ok: false, error_code: 'INTERNAL_ERROR', error: errorMessageOf(error) });
      }
    };
    /** Keeps at most MAX_RESPONSE_BODY_BYTES; false once the bound is reached and the run completed. */
    const take = (chunk: Buffer): boolean => {
      const room = MAX_RESPONSE_BODY_BYTES - received;
      if (chunk.length > room) {
        if (keepBody && room > 0) chunks.push(chunk.subarray(0, room));
        received = MAX_RESPONSE_BODY_BYTES;
        bodyTruncated = true;
        if (stamps) stamps.end = performance.now();
        complete();
        return false;
      }
      if (keepBody) chunks.push(chunk);
      received += chunk.length;
      return true;
    };

    const timer = setTimeout(() => fail(codedError(`Timeout awaiting 'request' for ${timeoutMs}ms`, 'ETIMEDOUT', 'TimeoutError'), true), timeoutMs);
    const onAbort = () => fail(codedError('This operation was aborted.', 'ERR_ABORTED', 'AbortError'));
    if (signal?.aborted) {
      onAbort();
      return;
    }
    signal?.addEventListener('abort', onAbort, { once: true });

    const readBody = (response: http.IncomingMessage) => {
      const encoding = (responseHeader(response, 'content-encoding') ?? '').toLowerCase();
      if (!DECODED.has(encoding)) {
        response.on('data', (chunk: Buffer) => {
          if (!settled) take(chunk);
        });
        response.prependListener('end', complete);
        return;
      }
      let decoder: ReturnType<typeof decoderFor> | undefined;
      let sent = 0;
      response.on('data', (chunk: Buffer) => {
        if (settled) return;
        sent += chunk.length;
        if (decoder === undefined) {
          decoder = decoderFor(encoding, chunk);
          decoder.on('data', (decoded: Buffer) => {
            if (!settled) take(decoded);
          });
          decoder.on('end', complete);
          decoder.on('error', (error) => fail(error));
        }
        if (!decoder.write(chunk)) {
          response.pause();
          decoder.once('drain', () => response.resume());
        }
      });
      // An empty body has nothing to decode (a 204, or a server that set the header anyway).
      response.on('end', () => (decoder === undefined || sent === 0 ? complete() : decoder.end()));
    };

    const send = (url: URL, method: string, headers: Readonly<Record<string, string>>, body: string | undefined) => {
      try {
        // A literal target (or redirect hop) is connected to without a lookup: judge it here.
        egress.refuseHost(url.hostname);
      } catch (error) {
        fail(error);
        return;
      }
      const secure = url.protocol === 'https:';
      if (!secure && url.protocol !== 'http:') {
        fail(codedError(`Unsupported protocol "${url.protocol}"`, 'ERR_UNSUPPORTED_PROTOCOL'));
        return;
      }
      const hop: Stamps = { start: performance.now() };
      stamps = hop;
      statusCode = undefined;
      // Copied only to add to it: most runs send the prepared headers as they are.
      let outgoing = headers;
      if (url.username !== '' || url.password !== '') {
        const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
        outgoing = { ...outgoing, authorization: `Basic ${Buffer.from(credentials).toString('base64')}` };
      }
      // A method that may carry a body sends one (an empty one: Content-Length 0) so that the server does not wait for it.
      if (method !== 'GET' && method !== 'HEAD' && outgoing['content-length'] === undefined && outgoing['transfer-encoding'] === undefined) {
        outgoing = { ...outgoing, 'content-length': String(Buffer.byteLength(body ?? '')) };
      }
      let req: http.ClientRequest;
      try {
        req = secure
          ? https.request(url, {
              method,
              headers: outgoing,
              agent: httpsAgent,
              // Every name resolved (the target and each redirect hop) goes through the policy.
              lookup: egress.lookup,
              rejectUnauthorized: spec.verify_tls,
            })
          : http.request(url, { method, headers: outgoing, createConnection: connectPlain, lookup: egress.lookup });
      } catch (error) {
        // An invalid header value, say: node refuses it before anything is sent.
        fail(error);
        return;
      }
      request = req;
      req.on('error', (error) => {
        if (req === request) fail(error);
      });
      req.once('socket', (socket: Socket) => {
        hop.socket = performance.now();
        if (!socket.connecting) return;
        socket.once('lookup', () => {
          hop.lookup = performance.now();
        });
        socket.once('connect', () => {
          hop.connect = performance.now();
        });
        if (secure) {
          socket.once('secureConnect', () => {
            hop.secureConnect = performance.now();
          });
        }
      });
      req.once('finish', () => {
        hop.upload = performance.now();
      });
      req.once('response', (response: http.IncomingMessage) => {
        hop.response = performance.now();
        if (settled) return;
        const status = response.statusCode ?? 0;
        const location = spec.follow_redirects && REDIRECT_STATUSES.has(status) ? responseHeader(response, 'location') : undefined;
        if (spec.follow_redirects && location !== undefined && REDIRECT_STATUSES.has(status)) {
          // Nothing of a redirect's body is read, and its connection is not reused: close it now.
          response.on('error', ignore);
          req.on('error', ignore);
          req.destroy();
          if (redirects >= spec.max_redirects) {
            fail(codedError(`Redirected ${spec.max_redirects} times. Aborting.`, 'ERR_TOO_MANY_REDIRECTS', 'MaxRedirectsError'));
            return;
          }
          let next: URL;
          try {
            next = new URL(Buffer.from(location, 'binary').toString(), url);
          } catch (error) {
            fail(error);
            return;
          }
          redirects++;
          let nextMethod = method;
          let nextBody = body;
          const nextHeaders = { ...headers };
          if (status === 303 && method !== 'GET' && method !== 'HEAD') {
            nextMethod = 'GET';
            nextBody = undefined;
            delete nextHeaders['content-length'];
          }
          if (next.hostname !== url.hostname || next.port !== url.port) {
            // Another site: what authenticated the request to this one is not sent there.
            delete nextHeaders['host'];
            delete nextHeaders['cookie'];
            delete nextHeaders['authorization'];
            next.username = '';
            next.password = '';
          } else {
            next.username = url.username;
            next.password = url.password;
          }
          send(next, nextMethod, nextHeaders, nextBody);
          return;
        }
        statusCode = status;
        response.on('error', (error) => fail(error));
        if (method === 'HEAD') {
          response.prependListener('end', complete);
          response.resume();
          return;
        }
        readBody(response);
      });
      req.end(body);
    };

    let target: URL;
    try {
      target = new URL(run.target);
    } catch (error) {
      fail(error);
      return;
    }
    send(target, spec.method, headersOf(spec, context.userAgent), spec.body);
  });
};
