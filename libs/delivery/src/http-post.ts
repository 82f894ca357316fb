import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import { VIGIL_VERSION } from '@vigil/contracts';
import got, { type Response } from 'got';
import { DEFAULT_SEND_TIMEOUT_MS, errorMessage, excerpt, isEgressDenied, isRetryableStatus, MAX_RESPONSE_EXCERPT } from './outcome';
import type { AttemptOutcome, SenderContext } from './types';

export const USER_AGENT = `Vigil/${VIGIL_VERSION}`;

/** How long past its timeout a request may last before the sender stops waiting for got. */
const DEADLINE_MARGIN_MS = 1000;

// Bytes of an answer read at most: enough for the excerpt, whatever the receiver sends.
const MAX_READ_BYTES = MAX_RESPONSE_EXCERPT * 4;

const agent = { http: new http.Agent({ keepAlive: false }), https: new https.Agent({ keepAlive: false }) };

export interface JsonPost {
  readonly url: string;
  /** The exact bytes sent (a signature covers them). */
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * POSTs a JSON body and reports the answer: ok on 2xx, retryable on network errors, timeouts,
 * 408, 429 and 5xx. Redirects are not followed (a receiver that moved is a config to fix).
 * Never throws, settles within the timeout plus a short margin, and reads at most a few KiB.
 */
export function postJson(request: JsonPost, context: SenderContext): Promise<AttemptOutcome> {
  const timeoutMs = context.timeoutMs ?? DEFAULT_SEND_TIMEOUT_MS;
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);

  return new Promise<AttemptOutcome>((resolve) => {
    let stream: ReturnType<typeof got.stream>;
    try {
      // A literal destination is connected to without a lookup: judge it here; names in dnsLookup.
      context.egress?.refuseHost(new URL(request.url).hostname);
      stream = got.stream.post(request.url, {
        body: request.body,
        headers: { ...request.headers, 'content-type': 'application/json', 'user-agent': USER_AGENT },
        https: context.ca === undefined ? {} : { certificateAuthority: [context.ca].flat() },
        timeout: { request: timeoutMs },
        retry: { limit: 0 },
        followRedirect: false,
        throwHttpErrors: false,
        decompress: true,
        cache: false,
        http2: false,
        agent,
        ...(context.egress && { dnsLookup: context.egress.lookup }),
      });
    } catch (error) {
      resolve({ ok: false, error: errorMessage(error), retryable: false, durationMs: elapsed() });
      return;
    }

    let settled = false;
    let response: Response | undefined;
    const chunks: Buffer[] = [];
    let received = 0;

    const settle = (outcome: AttemptOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      stream.destroy();
      resolve(outcome);
    };

    const complete = () => {
      if (response === undefined) {
        settle({ ok: false, error: 'The request ended without a response', retryable: true, durationMs: elapsed() });
        return;
      }
      const status = response.statusCode;
      const ok = status >= 200 && status < 300;
      const text = excerpt(Buffer.concat(chunks).toString('utf8'));
      settle({
        ok,
        statusCode: status,
        ...(text !== undefined && { responseExcerpt: text }),
        ...(!ok && { error: `The receiver answered ${status}${response.statusMessage ? ` ${response.statusMessage.slice(0, MAX_RESPONSE_EXCERPT)}` : ''}` }),
        retryable: !ok && isRetryableStatus(status),
        durationMs: elapsed(),
      });
    };

    const deadline = setTimeout(
      () => settle({ ok: false, error: `No answer within ${timeoutMs} ms`, retryable: true, durationMs: elapsed() }),
      timeoutMs + DEADLINE_MARGIN_MS,
    );

    stream.on('response', (answer: Response) => {
      response = answer;
    });
    stream.on('data', (chunk: Buffer) => {
      if (settled) return;
      chunks.push(chunk);
      received += chunk.length;
      if (received >= MAX_READ_BYTES) complete();
    });
    stream.on('end', complete);
    stream.on('error', (error: unknown) =>
      settle({ ok: false, error: errorMessage(error), retryable: !isEgressDenied(error), durationMs: elapsed() }),
    );
  });
}
