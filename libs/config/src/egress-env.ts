import { createEgressPolicy, type EgressEntry, EgressListError, type EgressPolicy, parseEgressList } from '@vigil/egress';
import { z } from 'zod';
import { EnvField, shown } from './fields';

function egressList(): EnvField<EgressEntry[]> {
  return new EnvField((value) => {
    try {
      return { ok: true, value: parseEgressList(value) };
    } catch (error) {
      if (error instanceof EgressListError) return { ok: false, problem: `has a bad entry: ${error.message}` };
      return { ok: false, problem: `is not a list of CIDRs and groups (got ${shown(value)})` };
    }
  });
}

/**
 * Where this process may connect on a user's behalf (probes, notifier senders). Read by each
 * component from its own environment: a runner sits in its own network, so its policy is its
 * own, apart from the controller's and the notifier's.
 */
export const egressEnv = z.object({
  /** Groups (loopback, private, link-local, metadata…) and CIDRs opened beyond the defaults. */
  VIGIL_EGRESS_ALLOW: egressList().default([]),
  /** Groups and CIDRs closed beyond the defaults; `private` for hosted or multi-team deployments. */
  VIGIL_EGRESS_DENY: egressList().default([]),
});
export type EgressConfig = z.output<typeof egressEnv>;

/**
 * The process's egress policy from its settings; `alsoAllow` adds groups the process itself
 * needs (the all-in-one's demo probes its own loopback endpoints).
 */
export function egressPolicyOf(config: EgressConfig, alsoAllow: readonly EgressEntry[] = []): EgressPolicy {
  return createEgressPolicy({ allow: [...config.VIGIL_EGRESS_ALLOW, ...alsoAllow], deny: config.VIGIL_EGRESS_DENY });
}
