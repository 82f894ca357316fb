import { z } from 'zod';

/** What a resource's URL takes (its uuid), except runners, whose URL takes their slug. */
export const ResourceId = z.uuid().describe('The resource id (a UUID)');

/** Lower-case letters, digits and dashes; starts with a letter or digit. Runner slugs and site slugs. */
export const Slug = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, digits and dashes, starting with a letter or digit');

/** An ISO 8601 date-time with a time zone (`2026-11-23T10:00:00Z`, `…+01:00`). */
export const Timestamp = z.iso.datetime({ offset: true });

export const IdParams = z.strictObject({ id: ResourceId });

export const MAX_PAGE_SIZE = 500;

/** `limit` and `cursor` (opaque, from a previous page's `next_cursor`). */
export const PageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(50),
  cursor: z.string().min(1).max(200).optional(),
});

/** Every list: `{ data, next_cursor }`; `next_cursor` is null on the last page. */
export function listOf<Item extends z.ZodType>(item: Item) {
  return z.object({ data: z.array(item), next_cursor: z.string().nullable() });
}

export const ErrorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});

export const CHECK_TYPES = ['http', 'tcp', 'dns', 'tls_cert', 'icmp', 'heartbeat'] as const;
export const CheckTypeSchema = z.enum(CHECK_TYPES);
export type CheckType = (typeof CHECK_TYPES)[number];

/** The location name of the controller's own built-in runner. */
export const CONTROLLER_LOCATION = '@controller';

/**
 * The one location of a heartbeat check: the job's pings and the evaluator's lateness sweep
 * report there; no runner ever leases it (runner slugs cannot start with `@`).
 */
export const HEARTBEAT_LOCATION = '@heartbeat';

/** The product's version: in User-Agent headers, the API document and `/healthz`. */
export const VIGIL_VERSION = '0.1.0';
