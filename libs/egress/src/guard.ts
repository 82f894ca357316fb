import dns from 'node:dns';
import type { LookupFunction } from 'node:net';
import type { EgressDecision, EgressPolicy } from './policy';

/** One resolved address, as dns.lookup gives it with `all: true`. */
export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Resolves a name to its addresses (dns.lookup with `all: true` by default; tests pass a fake). */
export type EgressResolver = (hostname: string, options: { family?: number }) => Promise<ResolvedAddress[]>;

/** A connection the policy refused: the target's host and the rule that decided. */
export class EgressDeniedError extends Error {
  readonly code = 'EGRESS_DENIED';
  readonly rule: string;
  readonly host: string;
  readonly address: string;
  constructor(host: string, decision: EgressDecision) {
    const via = host === decision.address ? '' : ` (${host})`;
    super(`egress to ${decision.address}${via} is denied by the egress policy (rule ${decision.rule})`);
    this.name = 'EgressDeniedError';
    this.rule = decision.rule;
    this.host = host;
    this.address = decision.address;
  }
}

export interface EgressGuardOptions {
  resolver?: EgressResolver;
  /** Called once per refusal (a metric counts them). */
  onDenied?: (decision: EgressDecision, host: string) => void;
}

export interface EgressGuard {
  readonly policy: EgressPolicy;
  /**
   * A dns.lookup-compatible function for net, tls, http(s) agents, got (`dnsLookup`) and
   * nodemailer: it resolves the name and fails with EgressDeniedError when ANY of its addresses
   * is denied, so what is checked is what is connected to (a name re-pointed between the check
   * at create time and the connection, DNS rebinding, is caught here).
   */
  lookup: LookupFunction;
  /** Throws EgressDeniedError when `host` is an IP literal (or localhost) the policy denies; names pass. */
  refuseHost(host: string): void;
  /** The addresses of `host` (an IP literal as itself), all allowed, or EgressDeniedError. */
  resolve(host: string, family?: number): Promise<ResolvedAddress[]>;
}

const systemResolver: EgressResolver = (hostname, { family }) =>
  dns.promises.lookup(hostname, { all: true, family: family ?? 0, verbatim: true });

function familyOf(options: unknown): number | undefined {
  if (typeof options === 'number') return options;
  if (typeof options === 'object' && options !== null) {
    const family = (options as { family?: unknown }).family;
    if (family === 4 || family === 6) return family;
    if (family === 'IPv4') return 4;
    if (family === 'IPv6') return 6;
  }
  return undefined;
}

export function createEgressGuard(policy: EgressPolicy, options: EgressGuardOptions = {}): EgressGuard {
  const resolver = options.resolver ?? systemResolver;
  const refuse = (host: string, decision: EgressDecision): never => {
    options.onDenied?.(decision, host);
    throw new EgressDeniedError(host, decision);
  };

  const refuseHost = (host: string): void => {
    const decision = policy.decideHost(host);
    if (decision !== undefined && !decision.allowed) refuse(host, decision);
  };

  const resolve = async (host: string, family?: number): Promise<ResolvedAddress[]> => {
    const literal = policy.decideHost(host);
    const bare = host.replace(/^\[(.*)\]$/, '$1');
    // An IP literal is connected to as is (net skips lookup for it), so it is judged as written.
    if (literal !== undefined && !/localhost\.?$/i.test(bare)) {
      if (!literal.allowed) refuse(host, literal);
      return [{ address: bare, family: bare.includes(':') ? 6 : 4 }];
    }
    const addresses = await resolver(bare, { family });
    for (const { address } of addresses) {
      const decision = policy.decide(address);
      if (!decision.allowed) refuse(host, decision);
    }
    return addresses;
  };

  const lookup = ((hostname: string, lookupOptions: unknown, callback?: unknown) => {
    const done = (typeof lookupOptions === 'function' ? lookupOptions : callback) as (
      error: NodeJS.ErrnoException | null,
      address: string | ResolvedAddress[],
      family?: number,
    ) => void;
    const all = typeof lookupOptions === 'object' && lookupOptions !== null && (lookupOptions as { all?: boolean }).all === true;
    resolve(hostname, familyOf(lookupOptions)).then(
      (addresses) => {
        if (addresses.length === 0) {
          done(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname }), all ? [] : '');
          return;
        }
        if (all) done(null, addresses);
        else done(null, addresses[0].address, addresses[0].family);
      },
      (error: NodeJS.ErrnoException) => done(error, all ? [] : ''),
    );
  }) as LookupFunction;

  return { policy, lookup, refuseHost, resolve };
}
