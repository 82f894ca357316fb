import http from 'node:http';
import https from 'node:https';

export interface PlainResponse {
  statusCode: number;
  statusMessage: string;
  headers: http.IncomingHttpHeaders;
  /** The whole body, as UTF-8 text. */
  body: string;
}

export interface PlainRequest {
  method: 'GET' | 'POST';
  headers: http.OutgoingHttpHeaders;
  body?: string;
  /** The whole exchange, the body read included. */
  timeoutMs: number;
  agent: http.Agent;
}

const codedError = (message: string, code: string): Error => Object.assign(new Error(message), { code });

/**
 * One request and its whole answer, whatever its status. Rejects with node's error (its `code`:
 * ECONNREFUSED, ECONNRESET…), or ETIMEDOUT when no whole answer came within `timeoutMs`.
 */
export function plainRequest(url: URL, { method, headers, body, timeoutMs, agent }: PlainRequest): Promise<PlainResponse> {
  return new Promise<PlainResponse>((resolve, reject) => {
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(error);
      request.destroy();
    };
    const request = (url.protocol === 'https:' ? https : http).request(url, { method, headers, agent });
    const timer = setTimeout(() => fail(codedError(`Timeout awaiting 'request' for ${timeoutMs}ms`, 'ETIMEDOUT')), timeoutMs);
    request.on('error', fail);
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', fail);
      response.on('close', () => {
        if (!response.complete) fail(codedError('The connection closed before the whole answer came', 'ECONNRESET'));
      });
      response.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ statusCode: response.statusCode ?? 0, statusMessage: response.statusMessage ?? '', headers: response.headers, body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    request.end(body);
  });
}
