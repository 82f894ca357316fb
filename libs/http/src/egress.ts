import { type EgressConfig, egressPolicyOf } from '@vigil/config';
import { createEgressGuard, type EgressEntry, type EgressGuard, type EgressGuardOptions } from '@vigil/egress';
import { Counter, type Registry } from 'prom-client';

const DENIED_METRIC = 'vigil_egress_denied_total';

type DeniedLabels = 'component' | 'rule_kind';

// Two components may share a registry (the all-in-one process): the second reuses the metric.
function deniedCounter(registry: Registry): Counter<DeniedLabels> {
  const existing = registry.getSingleMetric(DENIED_METRIC);
  if (existing) return existing as Counter<DeniedLabels>;
  return new Counter({
    name: DENIED_METRIC,
    help: 'Connections the egress policy refused, by component and kind of rule (always, default, deny)',
    labelNames: ['component', 'rule_kind'],
    registers: [registry],
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
