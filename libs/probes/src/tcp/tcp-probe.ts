import net from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import tls from 'node:tls';
import { parseHostPort } from '@vigil/contracts';
import { elapsedMs, networkFailure, withDeadline } from '../deadline';
import { MAX_EXCERPT_CHARS, storableText } from '../text';
import type { Probe, ProbeResult } from '../types';

/** The most bytes read while waiting for `expect`; a peer that sends more without it fails the check. */
export const MAX_TCP_READ_BYTES = 65_536;

export interface TcpProbeOptions {
  /** Trusted CA certificates (PEM) for `spec.tls`, replacing the system roots; for tests. */
  ca?: string | string[];
}

/** What was received, trimmed and cut short, quoted as JSON (so control characters show as escapes). */
function excerpt(received: string): string {
  return received.trim() === '' ? 'nothing' : JSON.stringify(storableText(received.trim(), MAX_EXCERPT_CHARS));
}

/**
 * Connects to `host:port` (with TLS when `spec.tls`, verifying the certificate), writes `spec.send`
 * and reads until the text contains `spec.expect`, all within the run's timeout. `latency_ms` is
 * the whole exchange; `timings` splits out dns (for a name), tcp (the connect) and tls.
 * A connected peer that does not send the expected text before the timeout, closes first or
 * sends more than 64 KiB without it fails with `ASSERTION_FAILED` and an excerpt of what it sent.
 */
export function createTcpProbe(options: TcpProbeOptions = {}): Probe<'tcp'> {
  return (run, context) => {
    const target = parseHostPort(run.target);
    if (target === undefined) {
      return Promise.resolve({ ok: false, error_code: 'INVALID_TARGET', error: storableText(`not host:port: ${run.target}`, 2000) });
    }
    const { host, port } = target;
    const { send, expect, tls: useTls } = run.spec;
    const startedAt = performance.now();
    let socket: net.Socket | undefined;
    let lookedUpAt: number | undefined;
    let connectedAt: number | undefined;
    let secureAt: number | undefined;
    let received = '';
    let receivedBytes = 0;

    const timings = (): ProbeResult['timings'] => {
      const at = (time: number) => Math.round((time - startedAt) * 10) / 10;
      const result: NonNullable<ProbeResult['timings']> = { total: elapsedMs(startedAt) };
      if (lookedUpAt !== undefined) result.dns = at(lookedUpAt);
      if (connectedAt !== undefined) result.tcp = at(connectedAt) - (result.dns ?? 0);
      if (secureAt !== undefined && connectedAt !== undefined) result.tls = at(secureAt) - at(connectedAt);
      return result;
    };
    const success = (): ProbeResult => ({ ok: true, latency_ms: elapsedMs(startedAt), timings: timings() });
    const assertionFailure = (why: string): ProbeResult => ({
      ok: false,
      latency_ms: elapsedMs(startedAt),
      timings: timings(),
      error_code: 'ASSERTION_FAILED',
      error: storableText(`expected ${JSON.stringify(expect)} ${why}; received ${excerpt(received)}`, 2000),
      details: { received: storableText(received.trim(), MAX_EXCERPT_CHARS) },
    });
    const ready = () => (useTls ? secureAt : connectedAt) !== undefined;

    return withDeadline(
      {
        timeoutMs: run.timeoutMs,
        signal: context.signal,
        cleanup: () => socket?.destroy(),
        onTimeout: () => {
          if (ready() && expect !== undefined) return assertionFailure(`within ${run.timeoutMs} ms`);
          const what = ready() ? `sending to ${run.target} did not complete` : `no ${useTls ? 'TLS ' : ''}connection to ${run.target}`;
          return { ok: false, timings: timings(), error_code: 'ETIMEDOUT', error: `${what} within ${run.timeoutMs} ms` };
        },
      },
      (finish) => {
        try {
          // A literal host is connected to without a lookup: judge it here; names in `lookup`.
          context.egress.refuseHost(host);
        } catch (error) {
          finish(networkFailure(error, { timings: timings() }));
          return;
        }
        const connection = useTls
          ? tls.connect({ host, port, servername: net.isIP(host) === 0 ? host : undefined, ca: options.ca, lookup: context.egress.lookup })
          : net.connect({ host, port, lookup: context.egress.lookup });
        socket = connection;
        const exchange = (): void => {
          if (expect !== undefined) {
            const decoder = new StringDecoder('utf8');
            connection.on('data', (chunk: Buffer) => {
              const kept = chunk.subarray(0, MAX_TCP_READ_BYTES - receivedBytes);
              receivedBytes += kept.length;
              const searchFrom = Math.max(0, received.length - expect.length + 1);
              received += decoder.write(kept);
              if (received.indexOf(expect, searchFrom) !== -1) finish(success());
              else if (receivedBytes >= MAX_TCP_READ_BYTES) finish(assertionFailure(`in the first ${MAX_TCP_READ_BYTES} bytes`));
            });
            connection.on('end', () => finish(assertionFailure('before the peer closed the connection')));
          }
          if (send !== undefined) {
            connection.write(send, 'utf8', (error) => {
              if (error) finish(networkFailure(error, { timings: timings() }));
              else if (expect === undefined) finish(success());
            });
          } else if (expect === undefined) {
            finish(success());
          }
        };

        connection.on('lookup', () => (lookedUpAt = performance.now()));
        connection.on('connect', () => (connectedAt = performance.now()));
        connection.on(useTls ? 'secureConnect' : 'connect', () => {
          if (useTls) secureAt = performance.now();
          exchange();
        });
        connection.on('error', (error) => finish(networkFailure(error, { timings: timings() })));
      },
    );
  };
}

/** The tcp probe with the system's trusted roots. */
export const tcpProbe: Probe<'tcp'> = createTcpProbe();
