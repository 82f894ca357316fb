import { z } from 'zod';
import { listOf, PageQuery, Slug, Timestamp } from './common';
import { defineRoute } from './route';
import { RUNNER_CONNECTIVITY, RUNNER_LOADS } from './runner-api';

/**
 * A runner that has not polled or reported for this long is stale (and its runner_offline event
 * opens), unless VIGIL_RUNNER_STALE_AFTER_S (controller-api, evaluator, all-in-one) says otherwise.
 */
export const RUNNER_STALE_AFTER_S = 120;

/** What {@link runnerIsStale} reads of a runner (its row, or the API's view of it). */
export interface RunnerHeardFrom {
  readonly lastSeenAt: Date | null;
  readonly createdAt: Date;
}

/**
 * The one runner staleness rule: nothing heard from the runner (no poll, no report; never, since
 * it was created) for longer than `staleAfterMs` at `nowMs`. The runners API's `stale` and the
 * evaluator's runner_offline both read it, so they agree at every instant.
 */
export function runnerIsStale(runner: RunnerHeardFrom, nowMs: number, staleAfterMs: number): boolean {
  const lastHeard = runner.lastSeenAt ?? runner.createdAt;
  return nowMs - lastHeard.getTime() > staleAfterMs;
}

export const RunnerSlugParams = z.strictObject({ slug: Slug.describe("The runner's slug") });

export const CreateRunnerBody = z.strictObject({
  slug: Slug.describe('The location name checks and results use (`us-east-1`); never reused, even after revocation'),
  name: z.string().trim().min(1).max(100).optional().describe('A display name; the slug when omitted'),
});

export const RunnerSchema = z.object({
  id: z.string().describe('The slug'),
  slug: z.string(),
  name: z.string(),
  kid: z.string().describe("The key id of the runner's tokens (RFC 7638 thumbprint of its public key)"),
  created_at: Timestamp,
  last_seen_at: Timestamp.nullable(),
  stale: z
    .boolean()
    .describe(
      `Nothing heard from it (or, never seen, since it was created) for more than VIGIL_RUNNER_STALE_AFTER_S (${RUNNER_STALE_AFTER_S} s by default): exactly when its runner_offline event is open or about to open`,
    ),
  revoked_at: Timestamp.nullable(),
  connectivity: z
    .enum(RUNNER_CONNECTIVITY)
    .nullable()
    .describe("What the runner's own canaries said on its latest request: `impaired` while they fail (its failing results are then inconclusive); null before it first said"),
  connectivity_changed_at: Timestamp.nullable().describe('When `connectivity` last changed'),
  load: z
    .enum(RUNNER_LOADS)
    .nullable()
    .optional()
    .describe('Whether it kept up with what it leases, on its latest request: `behind` while its runs start late or its leases run out unrun; null before it first said'),
  load_concurrency: z.number().int().nullable().optional().describe('Runs it may run at once, as it last said: VIGIL_CONCURRENCY, or more while it falls behind'),
  load_changed_at: Timestamp.nullable().optional().describe('When `load` last changed'),
});

/** A runner with a new key pair: what creating it or rotating its key answers, once. */
export const RunnerWithKeySchema = z.object({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  kid: z.string(),
  public_key: z.string().describe('SPKI PEM'),
  private_key: z.string().describe('PKCS#8 PEM. Shown once: the controller does not keep it'),
  created_at: Timestamp,
});

const PRIVATE_KEY_NOTE = 'The private key is shown only in this answer; the controller keeps the public key.';

export const createRunner = defineRoute({
  method: 'post',
  path: '/api/v1/runners',
  operationId: 'createRunner',
  summary: 'Create a runner and its key pair',
  description: `The runner joins every check that names no locations. ${PRIVATE_KEY_NOTE}`,
  tags: ['runners'],
  auth: { kind: 'api-key', scope: 'admin' },
  body: CreateRunnerBody,
  success: { status: 201, description: 'The runner, with its private key', schema: RunnerWithKeySchema },
  errors: [409],
});

export const listRunners = defineRoute({
  method: 'get',
  path: '/api/v1/runners',
  operationId: 'listRunners',
  summary: 'List runners (revoked ones included), by slug',
  tags: ['runners'],
  auth: { kind: 'api-key', scope: 'read' },
  query: PageQuery,
  success: { status: 200, description: 'A page of runners', schema: listOf(RunnerSchema) },
});

export const getRunner = defineRoute({
  method: 'get',
  path: '/api/v1/runners/:slug',
  operationId: 'getRunner',
  summary: 'Get a runner',
  tags: ['runners'],
  auth: { kind: 'api-key', scope: 'read' },
  params: RunnerSlugParams,
  success: { status: 200, description: 'The runner', schema: RunnerSchema },
  errors: [404],
});

export const rotateRunnerKey = defineRoute({
  method: 'post',
  path: '/api/v1/runners/:slug/rotate-key',
  operationId: 'rotateRunnerKey',
  summary: "Replace a runner's key pair",
  description: `Tokens signed with the old key are refused from now on. ${PRIVATE_KEY_NOTE}`,
  tags: ['runners'],
  auth: { kind: 'api-key', scope: 'admin' },
  params: RunnerSlugParams,
  success: { status: 200, description: 'The runner, with its new private key', schema: RunnerWithKeySchema },
  errors: [404, 409],
});

export const revokeRunner = defineRoute({
  method: 'delete',
  path: '/api/v1/runners/:slug',
  operationId: 'revokeRunner',
  summary: 'Revoke a runner',
  description:
    'Its tokens are refused at once and it leaves the checks that name no locations; checks that name it keep its location, which goes stale. Revoking again changes nothing. The slug is not reused.',
  tags: ['runners'],
  auth: { kind: 'api-key', scope: 'admin' },
  params: RunnerSlugParams,
  success: { status: 204, description: 'Revoked' },
  errors: [404],
});

export const runnersRoutes = [createRunner, listRunners, getRunner, rotateRunnerKey, revokeRunner] as const;
