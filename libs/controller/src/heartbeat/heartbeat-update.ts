import { CHECK_SPEC_SCHEMAS, CHECK_TARGET_SCHEMAS, type FieldProblem, fieldProblems, heartbeatSettings, type UpdateCheck } from '@vigil/contracts';
import type { VigilTransaction } from '@vigil/db';
import type { SecretKeyring } from '@vigil/secrets';
import { validationFailed } from '../http/validation';
import { type CheckJson, checkJson, type CheckWithRelations, storedLocationsThreshold } from '../management/check-serialize';
import { endpointFor, loadCheck } from '../management/check-store';
import { parkCheck, refreshFreshUntil } from '../scheduling/location-states';
import { rescheduleHeartbeat } from './heartbeat-deadline';

/** The settings a heartbeat check derives from its spec: a PATCH may not set them. */
const DERIVED: ReadonlyArray<keyof UpdateCheck> = [
  'interval_s',
  'down_interval_s',
  'timeout_ms',
  'locations',
  'failing_threshold',
  'passing_threshold',
  'failing_locations_threshold',
];

/**
 * A PATCH of a heartbeat check (locked by the caller): name, target (its label), spec and
 * enabled. A new period or grace, or enabling it, makes the evaluator judge its deadline again
 * from its last ping (see rescheduleHeartbeat); disabling parks it.
 */
export async function changeHeartbeatCheck(tx: VigilTransaction, current: CheckWithRelations, patch: UpdateCheck, secretKeys: SecretKeyring): Promise<CheckJson> {
  const problems: FieldProblem[] = DERIVED.filter((field) => patch[field] !== undefined).map((field) => ({
    field,
    message: 'cannot be set on a heartbeat check: it follows from spec.period_s and spec.grace_s',
  }));
  const target = patch.target === undefined ? undefined : CHECK_TARGET_SCHEMAS.heartbeat.safeParse(patch.target);
  if (target !== undefined && !target.success) problems.push(...fieldProblems(target.error).map((p) => ({ ...p, field: 'target' })));
  const spec = patch.spec === undefined ? undefined : CHECK_SPEC_SCHEMAS.heartbeat.safeParse(patch.spec);
  if (spec !== undefined && !spec.success) {
    problems.push(...fieldProblems(spec.error).map((p) => ({ ...p, field: p.field === '' ? 'spec' : `spec.${p.field}` })));
  }
  if (problems.length > 0) throw validationFailed(problems);
  const settings = spec?.success ? heartbeatSettings(spec.data) : undefined;
  const endpointId = target?.success && target.data !== current.endpoint.target ? await endpointFor(tx, current.endpoint.siteId, target.data) : undefined;
  const updated = await tx.check.update({
    where: { id: current.id },
    data: {
      name: patch.name,
      endpointId,
      enabled: patch.enabled,
      exportMetrics: patch.export_metrics,
      ...(spec?.success && settings !== undefined
        ? {
            spec: spec.data,
            intervalS: settings.interval_s,
            timeoutMs: settings.timeout_ms,
            failingLocationsThreshold: storedLocationsThreshold(settings.failing_locations_threshold),
          }
        : {}),
    },
  });
  if (updated.intervalS !== current.intervalS || updated.timeoutMs !== current.timeoutMs) await refreshFreshUntil(tx, current.id, updated);
  const enabled = patch.enabled ?? current.enabled;
  if (!enabled) await parkCheck(tx, current.id);
  else if (patch.enabled === true && !current.enabled) await rescheduleHeartbeat(tx, current.id);
  else if (spec !== undefined) await rescheduleHeartbeat(tx, current.id);
  return checkJson(await loadCheck(tx, current.id), secretKeys);
}
