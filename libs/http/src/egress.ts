import { type EgressConfig, egressPolicyOf } from '@vigil/config';
import { createEgressGuard, type EgressEntry, type EgressGuard, type EgressGuardOptions } from '@vigil/egress';
import { sharedCounter } from '@vigil/metrics';
import type { Counter, Registry } from 'prom-client';

const DENIED_METRIC = 'vigil_egress_denied_total';

type DeniedLabels = 'component' | 'rule_kind';

function deniedCounter(registry: Registry): Counter<DeniedLabels> {
  return sharedCounter(registry, {
    name: DENIED_METRIC,
    help: 'Connections the egress policy refused, by component and kind of rule (always, default, deny)',
    labelNames: ['component', 'rule_kind'],
  });
}

/**
 * The egress guard of one component (`controller`, `notifier`, `runner`) from its settings,
 * counting each refusal in `vigil_egress_denied_total`. The label is the rule's kind, not the
 * address or the rule's CIDR: those would make a time series per target.
 */
export function egressGuardFrom(
  config: EgressConfig,
  metrics: Registry,
  component: string,
  options: { alsoAllow?: readonly EgressEntry[]; resolver?: EgressGuardOptions['resolver'] } = {},
): EgressGuard {
  const counter = deniedCounter(metrics);
  return createEgressGuard(egressPolicyOf(config, options.alsoAllow), {
    resolver: options.resolver,
    onDenied: (decision) => counter.inc({ component, rule_kind: decision.kind }),
  });
}
