import {
  type BodyOf,
  createCheck,
  deleteCheck,
  type FieldProblem,
  getCheck,
  heartbeatSettings,
  listCheckLocations,
  listCheckResults,
  listChecks,
  SECRET_MASK_PREFIX,
  updateCheck,
} from '@vigil/contracts';
import { type Database, type Prisma, withTransaction } from '@vigil/db';
import type { EgressGuard } from '@vigil/egress';
import { checkSealer, restoreMaskedCheckSecrets, type SecretKeyring } from '@vigil/secrets';
import type { AreaContext } from '../http/area';
import { decodeCursor, pageOf } from '../http/cursor';
import { newPingToken } from '../heartbeat/ping-token';
import { makeCheckDueNow, parkCheck, refreshFreshUntil, syncCheckLocations } from '../scheduling/location-states';
import { checkLocations, checkResultsPage } from './check-results';
import { CHECK_RELATIONS, checkJson, type CheckJson, storedLocationsThreshold } from './check-serialize';
import { endpointFor, findCheck, findCheckKey, loadCheck, lockCheck, softDeleteCheck, unknownLocations } from './check-store';
import { validationFailed } from '../http/validation';
import { planCheckUpdate } from './check-update';
import { changeHeartbeatCheck } from '../heartbeat/heartbeat-update';
import { assertSiteLive, siteArchived } from './site-archive';
import { checkEgressProblems } from './egress-targets';

/**
 * What `POST /api/v1/checks` does with a valid body (the all-in-one's demo seeds its checks with
 * it too). `egress`: the controller's policy, which refuses a denied literal target of a check
 * run from `@controller`.
 */
export async function createCheckInSite(db: Database, secretKeys: SecretKeyring, body: BodyOf<typeof createCheck>, egress?: EgressGuard): Promise<CheckJson> {
  return withTransaction(db, async (tx) => {
    const site = await tx.site.findUnique({ where: { uuid: body.site_id }, select: { id: true, archivedAt: true } });
    if (site !== null && site.archivedAt !== null) throw siteArchived(body.site_id);
    const problems: FieldProblem[] = site === null ? [{ field: 'site_id', message: 'no site has this id' }] : [];
    // A mask sent on creation (a check's JSON copied into a new one) would become the secret itself.
    problems.push(...restoreMaskedCheckSecrets(body.type, body.spec, undefined).problems);
    // The target arrives parsed: a URL's userinfo percent-encoded.
    if ([SECRET_MASK_PREFIX, encodeURIComponent(SECRET_MASK_PREFIX)].some((mask) => body.target.includes(mask))) problems.push({ field: 'target', message: 'has a masked password; send the whole target' });
    // A heartbeat's schedule and quorum follow from its spec; it connects to nothing.
    const settings = body.type === 'heartbeat' ? heartbeatSettings(body.spec) : body;
    if (body.type !== 'heartbeat') {
      problems.push(...(await unknownLocations(tx, body.locations)));
      problems.push(...checkEgressProblems(egress, body));
    }
    if (site === null || problems.length > 0) throw validationFailed(problems);
    const endpointId = await endpointFor(tx, site.id, body.target);
    const check = await tx.check.create({
      data: {
        endpointId,
        name: body.name ?? null,
        type: body.type,
        // Secret headers are stored sealed (AES-256-GCM), the rest of the spec as is.
        spec: checkSealer(secretKeys, body.type).seal(body.spec) as Prisma.InputJsonValue,
        intervalS: settings.interval_s,
        downIntervalS: settings.down_interval_s ?? null,
        timeoutMs: settings.timeout_ms,
        degradedLatencyMs: body.type === 'heartbeat' ? null : (body.degraded_latency_ms ?? null),
        locations: settings.locations,
        failingThreshold: settings.failing_threshold,
        passingThreshold: settings.passing_threshold,
        failingLocationsThreshold: storedLocationsThreshold(settings.failing_locations_threshold),
        enabled: body.enabled,
        exportMetrics: body.export_metrics,
        pingToken: body.type === 'heartbeat' ? newPingToken() : null,
      },
    });
    await syncCheckLocations(tx, check.id);
    if (!body.enabled) await parkCheck(tx, check.id);
    return checkJson(await loadCheck(tx, check.id), secretKeys);
  });
}

/** What `PATCH /api/v1/checks/:id` does with a valid body. */
export async function changeCheck(db: Database, secretKeys: SecretKeyring, uuid: string, patch: BodyOf<typeof updateCheck>, egress?: EgressGuard): Promise<CheckJson> {
  return withTransaction(db, async (tx) => {
    await lockCheck(tx, uuid);
    const current = await findCheck(tx, uuid);
    await assertSiteLive(tx, current.endpoint.siteId);
    const sealer = checkSealer(secretKeys, current.type);
    if (current.type === 'heartbeat') return changeHeartbeatCheck(tx, current, patch, secretKeys);
    const outcome = planCheckUpdate({ ...current, target: current.endpoint.target, spec: sealer.open(current.spec) }, patch);
    const problems = 'problems' in outcome ? outcome.problems : [];
    if (patch.locations !== undefined) problems.push(...(await unknownLocations(tx, patch.locations)));
    // Judged when where it connects or where it runs from changes; an untouched target stays as it was.
    if (patch.target !== undefined || patch.spec !== undefined || patch.locations !== undefined) {
      problems.push(
        ...checkEgressProblems(egress, {
          type: current.type,
          target: 'plan' in outcome ? (outcome.plan.newTarget ?? current.endpoint.target) : current.endpoint.target,
          spec: patch.spec ?? current.spec,
          locations: patch.locations ?? current.locations,
        }),
      );
    }
    if (!('plan' in outcome) || problems.length > 0) throw validationFailed(problems);
    const { plan } = outcome;
    const endpointId = plan.newTarget === undefined ? undefined : await endpointFor(tx, current.endpoint.siteId, plan.newTarget);
    const spec = plan.data.spec === undefined ? undefined : (sealer.seal(plan.data.spec) as Prisma.InputJsonValue);
    const updated = await tx.check.update({ where: { id: current.id }, data: { ...plan.data, spec, endpointId } });
    if (plan.locationsChanged) await syncCheckLocations(tx, current.id);
    if (updated.intervalS !== current.intervalS || updated.timeoutMs !== current.timeoutMs) await refreshFreshUntil(tx, current.id, updated);
    // The evaluator closes the events of a disabled check; enabling one only reschedules it.
    if (plan.reenabled) await makeCheckDueNow(tx, current.id);
    else if (patch.enabled === false || !current.enabled) await parkCheck(tx, current.id);
    return checkJson(await loadCheck(tx, current.id), secretKeys);
  });
}


export function mountChecks(ctx: AreaContext): void {
  const { db, secretKeys } = ctx.deps;
  const json = (check: Parameters<typeof checkJson>[0]) => checkJson(check, secretKeys);

  ctx.route(createCheck, async ({ body }) => createCheckInSite(db, secretKeys, body, ctx.deps.egress));

  ctx.route(listChecks, async ({ query }) => {
    const after = decodeCursor(query.cursor, { id: 'integer' });
    const rows = await db.prisma.check.findMany({
      where: {
        deletedAt: null,
        // An archived site's checks are listed only when that site is asked for.
        ...(query.site_id === undefined ? { endpoint: { site: { archivedAt: null } } } : { endpoint: { site: { uuid: query.site_id } } }),
        ...(query.type === undefined ? {} : { type: query.type }),
        ...(query.enabled === undefined ? {} : { enabled: query.enabled }),
        ...(after === undefined ? {} : { id: { gt: after.id } }),
      },
      include: CHECK_RELATIONS,
      orderBy: { id: 'asc' },
      take: query.limit + 1,
    });
    const { page, next_cursor } = pageOf(rows, query.limit, (last) => ({ id: last.id }));
    return { data: page.map(json), next_cursor };
  });

  ctx.route(getCheck, async ({ params }) => json(await findCheck(db.prisma, params.id)));

  ctx.route(updateCheck, async ({ params, body }) => changeCheck(db, secretKeys, params.id, body, ctx.deps.egress));

  ctx.route(deleteCheck, async ({ params }) => {
    await withTransaction(db, async (tx) => {
      await assertSiteLive(tx, (await findCheck(tx, params.id)).endpoint.siteId);
      await softDeleteCheck(tx, params.id);
    });
  });

  ctx.route(listCheckLocations, async ({ params }) => ({
    data: await checkLocations(db.prisma, await findCheckKey(db.prisma, params.id), Date.now()),
  }));

  ctx.route(listCheckResults, async ({ params, query }) => checkResultsPage(db.prisma, (await findCheckKey(db.prisma, params.id)).id, query));
}
