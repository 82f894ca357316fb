import { SITE_STATUSES } from '@vigil/lifecycle';
import { z } from 'zod';
import { CheckTypeSchema, IdParams, listOf, PageQuery, Slug, Timestamp } from './common';
import { defineRoute } from './route';

// The order and the vocabulary belong to the lifecycle lib; the API speaks them as they are.
export { SITE_STATUSES, type SiteStatus } from '@vigil/lifecycle';
export const SiteStatusSchema = z.enum(SITE_STATUSES);

/**
 * The slug a site gets when none is given: its name in lower case, accents dropped, every
 * run of other characters a dash (`Shop (EU)` → `shop-eu`); `site` if nothing is left.
 */
export function siteSlugFromName(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 63)
    .replace(/^-+|-+$/g, '');
  return slug === '' ? 'site' : slug;
}

const SiteName = z.string().trim().min(1).max(200).describe('A name for people');
const SiteSlug = Slug.describe('A unique URL-safe name: lower-case letters, digits and dashes');
/** The bounds of `sites.slo_target_pct` and `sites.slo_window_days` (the database checks them too). */
export const SLO_WINDOW_DAYS_RANGE = { min: 1, max: 365 } as const;
const SloTargetPct = z
  .number({ error: 'an SLO target is a number: a percentage such as 99.9' })
  .gt(0, { error: 'an SLO target is a percentage strictly between 0 and 100 (e.g. 99.9)' })
  .lt(100, { error: 'an SLO target is a percentage strictly between 0 and 100 (e.g. 99.9)' })
  .nullable()
  .describe('Availability objective in percent (e.g. 99.9); null: no objective, no burn-rate alerts');
const SloWindowDays = z
  .number({ error: 'an SLO window is a whole number of days' })
  .int({ error: 'an SLO window is a whole number of days' })
  .min(SLO_WINDOW_DAYS_RANGE.min, { error: `an SLO window is from ${SLO_WINDOW_DAYS_RANGE.min} to ${SLO_WINDOW_DAYS_RANGE.max} days` })
  .max(SLO_WINDOW_DAYS_RANGE.max, { error: `an SLO window is from ${SLO_WINDOW_DAYS_RANGE.min} to ${SLO_WINDOW_DAYS_RANGE.max} days` })
  .describe('The rolling window the objective is measured over, in days');

export const CreateSiteBody = z.strictObject({
  name: SiteName,
  slug: SiteSlug.optional().describe('Derived from the name when absent (lower-case, dashes); 409 if another site has it'),
  public_status_page: z.boolean().default(false).describe('Whether the public status page shows this site'),
  slo_target_pct: SloTargetPct.optional(),
  slo_window_days: SloWindowDays.optional().describe('Default 30'),
});

export const UpdateSiteBody = z.strictObject({
  name: SiteName.optional(),
  slug: SiteSlug.optional().describe('409 if another site has it'),
  public_status_page: z.boolean().optional(),
  slo_target_pct: SloTargetPct.optional().describe('null removes the objective (and closes an open burn alert)'),
  slo_window_days: SloWindowDays.optional(),
});

/** A check as listed with its site. */
export const SiteCheckSummarySchema = z.object({
  id: z.uuid(),
  type: CheckTypeSchema,
  target: z.string(),
  name: z.string().nullable(),
  enabled: z.boolean(),
  status: SiteStatusSchema,
  interval_s: z.number().int(),
});

export const SiteSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  slug: z.string(),
  status: SiteStatusSchema.describe("The site's status projection: its worst check's"),
  public_status_page: z.boolean(),
  last_checked_at: Timestamp.nullable(),
  last_status_change_at: Timestamp.nullable(),
  last_alert_sent_at: Timestamp.nullable(),
  created_at: Timestamp,
  archived_at: Timestamp.nullable().describe('When the site was deleted (archived); null for a live site'),
  slo_target_pct: z.number().nullable().describe('Availability objective in percent; null: none'),
  slo_window_days: z.number().int().describe('The window the objective is measured over, in days'),
  checks: z.array(SiteCheckSummarySchema).optional().describe('Its checks (not deleted); only when one site is asked for'),
});

export const ListSitesQuery = PageQuery.extend({
  slug: Slug.optional().describe('Only the site with this slug'),
  archived: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional()
    .describe('`true`: only archived (deleted) sites; live sites only otherwise'),
});

export const DeleteSiteQuery = z.strictObject({
  purge: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional()
    .describe('`true`: erase an archived site for good with its events and results (admin scope)'),
});

export const createSite = defineRoute({
  method: 'post',
  path: '/api/v1/sites',
  operationId: 'createSite',
  summary: 'Create a site',
  tags: ['sites'],
  auth: { kind: 'api-key', scope: 'write' },
  body: CreateSiteBody,
  success: { status: 201, description: 'The new site', schema: SiteSchema },
  errors: [409],
  description: 'A slug that an archived site keeps answers 409 `slug_archived`: restore that site or purge it first.',
});

export const listSites = defineRoute({
  method: 'get',
  path: '/api/v1/sites',
  operationId: 'listSites',
  summary: 'List sites by name (archived ones only with `archived=true`)',
  tags: ['sites'],
  auth: { kind: 'api-key', scope: 'read' },
  query: ListSitesQuery,
  success: { status: 200, description: 'A page of sites, by name', schema: listOf(SiteSchema) },
});

export const getSite = defineRoute({
  method: 'get',
  path: '/api/v1/sites/:id',
  operationId: 'getSite',
  summary: 'Get a site with its status and its checks (archived ones too)',
  tags: ['sites'],
  auth: { kind: 'api-key', scope: 'read' },
  params: IdParams,
  success: { status: 200, description: 'The site with its checks', schema: SiteSchema },
  errors: [404],
});

export const updateSite = defineRoute({
  method: 'patch',
  path: '/api/v1/sites/:id',
  operationId: 'updateSite',
  summary: "Change a site's name, slug or status page visibility",
  tags: ['sites'],
  auth: { kind: 'api-key', scope: 'write' },
  params: IdParams,
  body: UpdateSiteBody,
  success: { status: 200, description: 'The site as changed', schema: SiteSchema },
  errors: [404, 409],
  description: 'An archived site answers 409 `site_archived`.',
});

export const deleteSite = defineRoute({
  method: 'delete',
  path: '/api/v1/sites/:id',
  operationId: 'deleteSite',
  summary: 'Archive a site; with `purge=true`, erase an archived one',
  description:
    'Archiving hides the site from lists and stops its checks; its events, transitions and results stay readable by id, and `POST /api/v1/sites/:id/restore` brings it back. `purge=true` needs the admin scope (403 otherwise) and an archived site (409 `site_not_archived` otherwise); it deletes the site with its endpoints, checks, results and events. Archiving an archived site changes nothing.',
  tags: ['sites'],
  auth: { kind: 'api-key', scope: 'write' },
  params: IdParams,
  query: DeleteSiteQuery,
  success: { status: 204, description: 'Archived (or purged)' },
  errors: [404, 409],
});

export const restoreSite = defineRoute({
  method: 'post',
  path: '/api/v1/sites/:id/restore',
  operationId: 'restoreSite',
  summary: 'Restore an archived site',
  description: 'The site is listed again and its enabled checks are due at once. Restoring a live site changes nothing.',
  tags: ['sites'],
  auth: { kind: 'api-key', scope: 'write' },
  params: IdParams,
  success: { status: 200, description: 'The site, live again', schema: SiteSchema },
  errors: [404],
});

export const sitesRoutes = [createSite, listSites, getSite, updateSite, deleteSite, restoreSite] as const;
