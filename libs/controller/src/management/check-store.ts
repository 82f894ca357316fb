import { CONTROLLER_LOCATION, type FieldProblem } from '@vigil/contracts';
import type { VigilPrisma, VigilTransaction } from '@vigil/db';
import { HttpError } from '@vigil/http';
import { CHECK_RELATIONS, type CheckWithRelations } from './check-serialize';
import { PARKED_UNTIL } from '../scheduling/location-states';

type Client = VigilPrisma | VigilTransaction;

export function checkNotFound(id: string): HttpError {
  return HttpError.notFound(`No check with id ${id}`);
}


/** A check that is not deleted, with what it is answered with; 404 otherwise. */
export async function findCheck(client: Client, uuid: string): Promise<CheckWithRelations> {
  const check = await client.check.findFirst({ where: { uuid, deletedAt: null }, include: CHECK_RELATIONS });
  if (check === null) throw checkNotFound(uuid);
  return check;
}

export async function loadCheck(client: Client, id: number): Promise<CheckWithRelations> {
  return client.check.findUniqueOrThrow({ where: { id }, include: CHECK_RELATIONS });
}

/** The internal id and failing threshold of a check that is not deleted; 404 otherwise. */
export async function findCheckKey(
  client: Client,
  uuid: string,
): Promise<{ id: number; failingThreshold: number; intervalS: number; timeoutMs: number }> {
  const check = await client.check.findFirst({
    where: { uuid, deletedAt: null },
    select: { id: true, failingThreshold: true, intervalS: true, timeoutMs: true },
  });
  if (check === null) throw checkNotFound(uuid);
  return check;
}

/**
 * Locks a check that is not deleted for the rest of the transaction, so that two
 * changes of one check apply one after the other; 404 otherwise.
 */
export async function lockCheck(tx: VigilTransaction, uuid: string): Promise<void> {
  const rows = await tx.$queryRaw<Array<{ id: number }>>`
    SELECT id FROM checks WHERE uuid = ${uuid}::uuid AND deleted_at IS NULL FOR UPDATE`;
  if (rows.length === 0) throw checkNotFound(uuid);
}

/** The site's endpoint for `target`, created if it has none; safe when two requests race. */
export async function endpointFor(tx: VigilTransaction, siteId: number, target: string): Promise<number> {
  // A no-op update so that RETURNING also answers when the row exists already.
  const [row] = await tx.$queryRaw<Array<{ id: number }>>`
    INSERT INTO endpoints (site_id, target) VALUES (${siteId}, ${target})
    ON CONFLICT (site_id, target) DO UPDATE SET target = EXCLUDED.target
    RETURNING id`;
  return row.id;
}

/** A problem for each named location that is neither `@controller` nor a runner that is not revoked. */
export async function unknownLocations(client: Client, locations: readonly string[]): Promise<FieldProblem[]> {
  const slugs = locations.filter((location) => location !== CONTROLLER_LOCATION);
  if (slugs.length === 0) return [];
  const active = await client.runner.findMany({ where: { slug: { in: slugs }, revokedAt: null }, select: { slug: true } });
  const known = new Set(active.map((runner) => runner.slug));
  return locations.flatMap((location, index) =>
    location === CONTROLLER_LOCATION || known.has(location)
      ? []
      : [{ field: `locations[${index}]`, message: `no active runner has the slug "${location}"` }],
  );
}

/** Soft-deletes a check: it stops running and is 404 from now on; its events and results stay. */
export async function softDeleteCheck(client: Client, uuid: string): Promise<void> {
  const count = await client.$executeRaw`
    UPDATE checks SET deleted_at = now(), enabled = false, updated_at = now()
    WHERE uuid = ${uuid}::uuid AND deleted_at IS NULL`;
  if (count === 0) throw checkNotFound(uuid);
  await client.$executeRaw`
    UPDATE location_states SET next_due_at = ${PARKED_UNTIL}, leased_until = NULL
    WHERE check_id = (SELECT id FROM checks WHERE uuid = ${uuid}::uuid)`;
}
