import net from 'node:net';
import tls, { type PeerCertificate } from 'node:tls';
import { DEFAULT_TLS_PORT, type HostPort, parseHostPort } from '@vigil/contracts';
import { elapsedMs, networkFailure, withDeadline } from '../deadline';
import { storableText } from '../text';
import type { Probe, ProbeResult } from '../types';

export interface TlsCertProbeOptions {
  /** Trusted CA certificates (PEM), replacing the system roots; for tests. */
  ca?: string | string[];
}

const DAY_MS = 86_400_000;
/** subjectAltName entries kept in details (a CDN certificate can list hundreds). */
const MAX_ALT_NAMES_CHARS = 3_000;

/** `https://host[:port]/…` or `host[:port]`, port 443 by default. */
export function parseTlsTarget(target: string): HostPort | undefined {
  if (!target.includes('://')) return parseHostPort(target, DEFAULT_TLS_PORT);
  try {
    const url = new URL(target);
    if (url.protocol !== 'https:' || url.hostname === '') return undefined;
    return { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: url.port === '' ? DEFAULT_TLS_PORT : Number(url.port) };
  } catch {
    return undefined;
  }
}

/** ISO 8601, or the certificate's own text when node's date format ever fails to parse. */
function isoDate(date: Date, raw: string): string {
  return Number.isNaN(date.getTime()) ? storableText(String(raw), 64) : date.toISOString();
}

/** `CN=…, O=…` from a certificate's subject or issuer (all its fields when it has neither). */
function distinguishedName(name: PeerCertificate['subject'] | undefined): string {
  if (name === undefined || name === null) return '';
  const fields = Object.entries(name as unknown as Record<string, string | string[]>);
  const preferred = fields.filter(([key]) => key === 'CN' || key === 'O');
  return storableText(
    (preferred.length > 0 ? preferred : fields).map(([key, value]) => `${key}=${Array.isArray(value) ? value.join('+') : value}`).join(', '),
    512,
  );
}

/** `DNS:a, IP Address:1.2.3.4` as `['a', '1.2.3.4']`, cut to fit in the result's details. */
function altNames(subjectaltname: string | undefined): { names: string[]; count: number } {
  const all = (subjectaltname ?? '')
    .split(', ')
    .filter(Boolean)
    .map((entry) => entry.replace(/^(DNS|IP Address):/, ''));
  const names: string[] = [];
  let chars = 0;
  for (const name of all) {
    chars += name.length + 3;
    if (chars > MAX_ALT_NAMES_CHARS) break;
    names.push(storableText(name, 256));
  }
  return { names, count: all.length };
}

/**
 * Connects with TLS (SNI for a host name), reads the server's certificate without rejecting it,
 * and reports `details`: days_remaining (whole days, negative once expired), valid_from,
 * valid_to, issuer, subject, subject_alt_names, fingerprint256, chain_valid and chain_error (for
 * an untrusted chain or another host's certificate). Fails only on an expired or not yet valid
 * certificate, or an invalid chain with `verify_chain`: warning_days and degraded_days are the
 * event lifecycle's business (cert_expiring), judged from days_remaining.
 */
export function createTlsCertProbe(options: TlsCertProbeOptions = {}): Probe<'tls_cert'> {
  return (run, context) => {
    const target = parseTlsTarget(run.target);
    if (target === undefined) {
      return Promise.resolve({ ok: false, error_code: 'INVALID_TARGET', error: storableText(`not an https:// URL or host[:port]: ${run.target}`, 2000) });
    }
    const { host, port } = target;
    const startedAt = performance.now();
    let socket: tls.TLSSocket | undefined;
    let connectedAt: number | undefined;
    const timings = (): ProbeResult['timings'] => {
      const total = elapsedMs(startedAt);
      if (connectedAt === undefined) return { total };
      const tcp = Math.round((connectedAt - startedAt) * 10) / 10;
      return { tcp, tls: Math.max(0, Math.round((total - tcp) * 10) / 10), total };
    };

    return withDeadline(
      {
        timeoutMs: run.timeoutMs,
        signal: context.signal,
        cleanup: () => socket?.destroy(),
        onTimeout: () => ({
          ok: false,
          timings: timings(),
          error_code: 'ETIMEDOUT',
          error: `no TLS handshake with ${host}:${port} within ${run.timeoutMs} ms`,
        }),
      },
      (finish) => {
        try {
          // A literal host is connected to without a lookup: judge it here; names in `lookup`.
          context.egress.refuseHost(host);
        } catch (error) {
          finish(networkFailure(error, { timings: timings() }));
          return;
        }
        const connection = tls.connect({
          host,
          port,
          servername: net.isIP(host) === 0 ? host : undefined,
          rejectUnauthorized: false,
          ca: options.ca,
          lookup: context.egress.lookup,
        });
        socket = connection;
        connection.on('connect', () => (connectedAt = performance.now()));
        connection.on('error', (error) => finish(networkFailure(error, { timings: timings() })));
        connection.on('secureConnect', () => {
          const latency = elapsedMs(startedAt);
          const base = { latency_ms: latency, timings: timings() };
          const certificate = connection.getPeerCertificate(false);
          if (certificate === null || Object.keys(certificate).length === 0) {
            return finish({ ...base, ok: false, error_code: 'NO_CERTIFICATE', error: `${host}:${port} presented no certificate` });
          }
          const validFrom = new Date(certificate.valid_from);
          const validTo = new Date(certificate.valid_to);
          const now = Date.now();
          const chainValid = connection.authorized;
          const chainError = chainValid ? undefined : storableText(String(connection.authorizationError ?? 'UNKNOWN'), 64);
          const { names, count } = altNames(certificate.subjectaltname);
          const details = {
            days_remaining: Math.floor((validTo.getTime() - now) / DAY_MS),
            valid_from: isoDate(validFrom, certificate.valid_from),
            valid_to: isoDate(validTo, certificate.valid_to),
            issuer: distinguishedName(certificate.issuer),
            subject: distinguishedName(certificate.subject),
            subject_alt_names: names,
            ...(count > names.length ? { subject_alt_names_count: count } : {}),
            fingerprint256: certificate.fingerprint256,
            chain_valid: chainValid,
            ...(chainError === undefined ? {} : { chain_error: chainError }),
          };
          const fail = (error_code: string, error: string) => finish({ ...base, ok: false, error_code, error, details });
          if (now > validTo.getTime()) return fail('CERT_HAS_EXPIRED', `the certificate of ${host}:${port} expired on ${details.valid_to}`);
          if (now < validFrom.getTime()) return fail('CERT_NOT_YET_VALID', `the certificate of ${host}:${port} is valid only from ${details.valid_from}`);
          if (!chainValid && run.spec.verify_chain) {
            // authorizationError is typed as an Error but node sets its code (DEPTH_ZERO_SELF_SIGNED_CERT, ERR_TLS_CERT_ALTNAME_INVALID…).
            return fail(chainError ?? 'UNKNOWN', `the certificate of ${host}:${port} is not trusted: ${chainError}`);
          }
          finish({ ...base, ok: true, details });
        });
      },
    );
  };
}

/** The tls_cert probe with the system's trusted roots. */
export const tlsCertProbe: Probe<'tls_cert'> = createTlsCertProbe();
