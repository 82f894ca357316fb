import { z } from 'zod';
import type { CheckType } from './common';

// Targets: what a check probes, validated and normalized per type so that two checks of one
// site on the same target share an endpoint.

const MAX_HEARTBEAT_LABEL = 200;
const DNS_LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;

/** A DNS name (lower-cased, without a trailing dot), or undefined. All-numeric names must be IPv4 addresses. */
function dnsName(value: string): string | undefined {
  const name = value.toLowerCase().replace(/\.$/, '');
  if (name.length === 0 || name.length > 253) return undefined;
  const labels = name.split('.');
  if (!labels.every((label) => DNS_LABEL.test(label))) return undefined;
  if (labels.every((label) => /^\d+$/.test(label)) && !z.ipv4().safeParse(name).success) return undefined;
  return name;
}

export interface HostPort {
  /** A DNS name, an IPv4 address or an IPv6 address (without brackets). */
  host: string;
  port: number;
}

/** `host:port`, `[ipv6]:port`, or without `:port` when `defaultPort` is given. Hosts are lower-cased. */
export function parseHostPort(value: string, defaultPort?: number): HostPort | undefined {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+))(?::(\d{1,5}))?$/.exec(value);
  if (match === null) return undefined;
  const [, ipv6, name, portText] = match;
  const host = ipv6 !== undefined ? (z.ipv6().safeParse(ipv6).success ? ipv6.toLowerCase() : undefined) : dnsName(name);
  const port = portText === undefined ? defaultPort : Number(portText);
  if (host === undefined || port === undefined || port < 1 || port > 65_535) return undefined;
  return { host, port };
}

/** `host:port`, with brackets around an IPv6 address. */
export function formatHostPort({ host, port }: HostPort): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

export const DEFAULT_TLS_PORT = 443;

function hasControlCharacter(value: string): boolean {
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

export type TargetResult = { ok: true; target: string } | { ok: false; message: string };

function normalizeUrl(target: string, protocols: readonly string[], message: string): TargetResult {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(target)?.[1]?.toLowerCase();
  if (scheme === undefined || !protocols.includes(scheme)) return { ok: false, message };
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return { ok: false, message };
  }
  if (url.hostname === '') return { ok: false, message };
  url.hash = '';
  return { ok: true, target: url.href };
}

/**
 * A check's target, checked and normalized for its type:
 * - `http`: an http:// or https:// URL (normalized by the WHATWG URL parser, fragment dropped);
 * - `tls_cert`: an https:// URL, or `host[:port]` (normalized to `host:port`, port 443 by default);
 * - `tcp`: `host:port` (IPv6 in brackets);
 * - `dns`: a DNS name (lower-cased, without a trailing dot);
 * - `icmp`: a host: a DNS name, an IPv4 address or an IPv6 address (brackets dropped, lower-cased);
 * - `heartbeat`: a label naming the job that pings (nothing is connected to), as is.
 */
export function normalizeCheckTarget(type: CheckType, target: string): TargetResult {
  if (/\s/.test(target) || hasControlCharacter(target)) return { ok: false, message: 'must not contain spaces or control characters' };
  switch (type) {
    case 'http':
      return normalizeUrl(target, ['http', 'https'], 'must be an http:// or https:// URL');
    case 'tls_cert': {
      const message = 'must be an https:// URL or host[:port]';
      if (target.includes('://')) return normalizeUrl(target, ['https'], message);
      const hostPort = parseHostPort(target, DEFAULT_TLS_PORT);
      return hostPort ? { ok: true, target: formatHostPort(hostPort) } : { ok: false, message };
    }
    case 'tcp': {
      const hostPort = parseHostPort(target);
      return hostPort ? { ok: true, target: formatHostPort(hostPort) } : { ok: false, message: 'must be host:port (a port from 1 to 65535)' };
    }
    case 'dns': {
      const name = dnsName(target);
      if (name === undefined || z.ipv4().safeParse(name).success) return { ok: false, message: 'must be a DNS name such as example.com' };
      return { ok: true, target: name };
    }
    case 'icmp': {
      const host = parseIcmpHost(target);
      return host ? { ok: true, target: host } : { ok: false, message: 'must be a host: a DNS name, an IPv4 address or an IPv6 address' };
    }
    case 'heartbeat':
      return target.length <= MAX_HEARTBEAT_LABEL ? { ok: true, target } : { ok: false, message: `must be at most ${MAX_HEARTBEAT_LABEL} characters` };
  }
}

/** The host an icmp check pings: a DNS name or IPv4 address, or an IPv6 address with or without brackets; undefined otherwise. */
export function parseIcmpHost(target: string): string | undefined {
  const bracketed = /^\[(.*)\]$/.exec(target);
  const bare = bracketed?.[1] ?? target;
  if (bracketed !== null || bare.includes(':')) return z.ipv6().safeParse(bare).success ? new URL(`http://[${bare}]/`).hostname.slice(1, -1) : undefined;
  return dnsName(bare);
}

export const MAX_TARGET_LENGTH = 2048;

function targetSchema(type: CheckType, description: string) {
  return z
    .string()
    .min(1)
    .max(MAX_TARGET_LENGTH)
    .transform((value, ctx) => {
      const result = normalizeCheckTarget(type, value);
      if (result.ok) return result.target;
      ctx.issues.push({ code: 'custom', message: result.message, input: value });
      return z.NEVER;
    })
    .describe(description);
}

/** The target schema of each check type; the output is the normalized target. */
export const CHECK_TARGET_SCHEMAS = {
  http: targetSchema('http', 'An http:// or https:// URL'),
  tcp: targetSchema('tcp', 'host:port ([ipv6]:port for an IPv6 address)'),
  dns: targetSchema('dns', 'The DNS name to resolve'),
  tls_cert: targetSchema('tls_cert', 'An https:// URL, or host[:port] (port 443 by default), whose certificate is checked'),
  icmp: targetSchema('icmp', 'The host to ping: a DNS name, an IPv4 address or an IPv6 address'),
  heartbeat: targetSchema('heartbeat', 'A label for the job that pings (e.g. nightly-backup): no spaces, nothing is connected to'),
} as const;
