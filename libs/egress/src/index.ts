export {
  createEgressPolicy,
  DEFAULT_EGRESS_POLICY,
  EGRESS_GROUPS,
  EgressListError,
  parseEgressList,
  type EgressDecision,
  type EgressEntry,
  type EgressGroup,
  type EgressPolicy,
  type EgressPolicySettings,
  type EgressRuleKind,
} from './policy';
export {
  createEgressGuard,
  EgressDeniedError,
  type EgressGuard,
  type EgressGuardOptions,
  type EgressResolver,
  type ResolvedAddress,
} from './guard';
