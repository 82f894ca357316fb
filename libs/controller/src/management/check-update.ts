import {
  CHECK_SPEC_SCHEMAS,
  CHECK_TARGET_SCHEMAS,
  type CheckType,
  checkSettingsProblems,
  type FieldProblem,
  fieldProblems,
  IcmpSpecSchema,
  icmpTimingProblems,
  SECRET_MASK_PREFIX,
  type UpdateCheck,
} from '@vigil/contracts';
import type { Prisma } from '@vigil/db';
import { checkSecretsKeptForNewTarget, hasUserinfo, maskTarget, restoreMaskedCheckSecrets, targetWithoutUserinfo } from '@vigil/secrets';
import type { z } from 'zod';
import { locationsThresholdJson, storedLocationsThreshold } from './check-serialize';

/** What a change of a check is checked against. */
export interface CurrentCheck {
  type: CheckType;
  target: string;
  intervalS: number;
  downIntervalS: number | null;
  timeoutMs: number;
  degradedLatencyMs: number | null;
  locations: string[];
  failingLocationsThreshold: string;
  enabled: boolean;
  /** The stored spec (opened): where masked secret headers sent back are restored from. */
  spec?: unknown;
}

export interface CheckUpdatePlan {
  /** The columns to write. */
  data: Prisma.CheckUncheckedUpdateInput;
  /** The normalized new target, when it differs from the current one. */
  newTarget?: string;
  locationsChanged: boolean;
  /** The check was disabled and is enabled by this change. */
  reenabled: boolean;
}

function problemsUnder(prefix: string, error: z.ZodError): FieldProblem[] {
  return fieldProblems(error).map(({ field, message }) => ({
    field: field === '' ? prefix : field.startsWith('[') ? `${prefix}${field}` : `${prefix}.${field}`,
    message,
  }));
}

/**
 * Checks a PATCH against the check it changes: the target and spec against the check's
 * type, the rules that span several fields against the settings as they would become.
 * Whether named runners exist is the caller's to check (it needs the database).
 */
export function planCheckUpdate(current: CurrentCheck, patch: UpdateCheck): { plan: CheckUpdatePlan } | { problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  let newTarget: string | undefined;
  // A target read (its password masked) and sent back is the stored one; a mask anywhere else
  // would become the password itself.
  const sentTarget = hasUserinfo(current.target) && patch.target === maskTarget(current.target) ? current.target : patch.target;
  if (sentTarget !== undefined && sentTarget.includes(SECRET_MASK_PREFIX)) {
    problems.push({ field: 'target', message: 'has a masked password that is not the stored one; send the whole target' });
  } else if (sentTarget !== undefined) {
    const parsed = CHECK_TARGET_SCHEMAS[current.type].safeParse(sentTarget);
    if (!parsed.success) problems.push(...problemsUnder('target', parsed.error));
    else if (parsed.data !== current.target) newTarget = parsed.data;
  }
  let spec: Prisma.InputJsonValue | undefined;
  let kept: string[] = [];
  if (patch.spec !== undefined) {
    const restored = restoreMaskedCheckSecrets(current.type, patch.spec, current.spec);
    kept = restored.kept;
    problems.push(...restored.problems);
    const parsed = CHECK_SPEC_SCHEMAS[current.type].safeParse(restored.spec);
    if (!parsed.success) problems.push(...problemsUnder('spec', parsed.error));
    else if (restored.problems.length === 0) spec = parsed.data as Prisma.InputJsonValue;
  }
  // Secret headers kept while the target moves would be sent to the new target: resend them.
  // (New credentials in the URL alone do not move it.)
  const moved = newTarget !== undefined && targetWithoutUserinfo(newTarget) !== targetWithoutUserinfo(current.target);
  if (moved) problems.push(...checkSecretsKeptForNewTarget(current.type, current.spec, patch.spec, kept));
  problems.push(
    ...checkSettingsProblems({
      interval_s: patch.interval_s ?? current.intervalS,
      down_interval_s: patch.down_interval_s === undefined ? current.downIntervalS : patch.down_interval_s,
      timeout_ms: patch.timeout_ms ?? current.timeoutMs,
      degraded_latency_ms: patch.degraded_latency_ms === undefined ? current.degradedLatencyMs : patch.degraded_latency_ms,
      locations: patch.locations ?? current.locations,
      failing_locations_threshold: patch.failing_locations_threshold ?? locationsThresholdJson(current.failingLocationsThreshold),
    }),
  );
  if (current.type === 'icmp' && (spec !== undefined || patch.spec === undefined)) {
    // A shorter timeout, or more packets, must still leave every packet its time.
    const icmp = IcmpSpecSchema.safeParse(spec ?? current.spec);
    if (icmp.success) problems.push(...icmpTimingProblems(icmp.data, patch.timeout_ms ?? current.timeoutMs));
  }
  if (problems.length > 0) return { problems };
  return {
    plan: {
      data: {
        name: patch.name,
        spec,
        intervalS: patch.interval_s,
        downIntervalS: patch.down_interval_s,
        timeoutMs: patch.timeout_ms,
        degradedLatencyMs: patch.degraded_latency_ms,
        locations: patch.locations,
        failingThreshold: patch.failing_threshold,
        passingThreshold: patch.passing_threshold,
        failingLocationsThreshold:
          patch.failing_locations_threshold === undefined ? undefined : storedLocationsThreshold(patch.failing_locations_threshold),
        enabled: patch.enabled,
        exportMetrics: patch.export_metrics,
      },
      ...(newTarget === undefined ? {} : { newTarget }),
      locationsChanged: patch.locations !== undefined,
      reenabled: patch.enabled === true && !current.enabled,
    },
  };
}
