import { CONTROLLER_LOCATION, type ChannelType, type CheckType, DEFAULT_TLS_PORT, type FieldProblem, parseHostPort, parseIcmpHost } from '@vigil/contracts';
import type { EgressGuard } from '@vigil/egress';

/** Where a check of `type` connects (or pings): the host of its target, and for dns the resolver it asks. */
function checkHosts(type: CheckType, target: string, spec: unknown): { field: string; host: string }[] {
  const hostOfUrl = (url: string): string | undefined => {
    try {
      return new URL(url).hostname;
    } catch {
      return undefined;
    }
  };
  const found: { field: string; host: string | undefined }[] = [];
  switch (type) {
    case 'http':
      found.push({ field: 'target', host: hostOfUrl(target) });
      break;
    case 'tcp':
      found.push({ field: 'target', host: parseHostPort(target)?.host });
      break;
    case 'tls_cert':
      found.push({ field: 'target', host: target.includes('://') ? hostOfUrl(target) : parseHostPort(target, DEFAULT_TLS_PORT)?.host });
      break;
    case 'icmp':
      found.push({ field: 'target', host: parseIcmpHost(target) });
      break;
    case 'dns': {
      // The name itself is only looked up; what is connected to is the resolver the check names.
      const resolver = (spec as { resolver?: unknown } | undefined)?.resolver;
      if (typeof resolver === 'string') found.push({ field: 'spec.resolver', host: resolver });
      break;
    }
  }
  return found.filter((entry): entry is { field: string; host: string } => entry.host !== undefined);
}

function deniedProblems(egress: EgressGuard, hosts: { field: string; host: string }[]): FieldProblem[] {
  return hosts.flatMap(({ field, host }) => {
    const decision = egress.policy.decideHost(host);
    if (decision === undefined || decision.allowed) return [];
    // A default denial (loopback) is one a user may mean to lift: say how. An always-denied
    // range (metadata, link-local) gets no hint.
    const hint = decision.kind === 'default' ? `; VIGIL_EGRESS_ALLOW=${decision.rule.slice('default:'.length)} on the controller allows it` : '';
    return [{ field, message: `egress to ${decision.address} is denied by the egress policy (rule ${decision.rule})${hint}` }];
  });
}

/**
 * The 422 problems of a check whose target (or dns resolver) the controller's policy denies as
 * a literal. Only a check that runs from `@controller` is judged here: a runner sits in its own
 * network under its own policy, which judges every address it connects to. Names are left to
 * the connect-time check (their addresses may change).
 */
export function checkEgressProblems(
  egress: EgressGuard | undefined,
  check: { type: CheckType; target: string; spec: unknown; locations: readonly string[] },
): FieldProblem[] {
  if (egress === undefined || !check.locations.includes(CONTROLLER_LOCATION)) return [];
  return deniedProblems(egress, checkHosts(check.type, check.target, check.spec));
}

/** Where a channel of `type` sends: webhook url, Slack webhook_url, the email channel's own SMTP host. */
function channelHosts(type: ChannelType, config: unknown): { field: string; host: string }[] {
  const record = (config ?? {}) as Record<string, unknown>;
  const urlHost = (field: string): { field: string; host: string }[] => {
    const value = record[field];
    if (typeof value !== 'string') return [];
    try {
      return [{ field: `config.${field}`, host: new URL(value).hostname }];
    } catch {
      return [];
    }
  };
  switch (type) {
    case 'webhook':
      return urlHost('url');
    case 'slack':
      return urlHost('webhook_url');
    case 'email': {
      const host = (record['smtp'] as { host?: unknown } | undefined)?.host;
      return typeof host === 'string' ? [{ field: 'config.smtp.host', host }] : [];
    }
    default:
      // PagerDuty sends to the operator's VIGIL_PAGERDUTY_EVENTS_URL, not to a user's destination.
      return [];
  }
}

/** The 422 problems of a channel whose destination the controller's policy denies as a literal. */
export function channelEgressProblems(egress: EgressGuard | undefined, type: ChannelType, config: unknown): FieldProblem[] {
  if (egress === undefined) return [];
  return deniedProblems(egress, channelHosts(type, config));
}
