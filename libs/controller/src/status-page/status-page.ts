import { getPublicStatus, getStatusPage } from '@vigil/contracts';
import { HttpError } from '@vigil/http';
import type { AreaContext } from '../http/area';
import { buildPublicStatus } from './build-status';
import { loadStatusSource } from './load-status';
import { renderNotFoundPage, renderStatusPage } from './render-page';

/**
 * Status pages are fetched by everyone at once exactly when something is down: 30 s of
 * caching (browsers, proxies, a CDN in front) turns that crowd into one computation per
 * cache every 30 s, while the figures are never more than half a refresh (60 s) behind.
 * 404s are not cached, so a page that was just made public shows at once.
 */
const CACHE_CONTROL = 'public, max-age=30';
// No script, no external resource: only the inline style may load; nothing injected could run.
const CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

/** The same answer for an unknown slug and for a site whose page is not public. */
const notFound = (slug: string) => HttpError.notFound(`No public status page for ${slug}`);

/** `GET /api/v1/public/status/:slug` (JSON) and `GET /status/:slug` (HTML); no credentials. */
export function mountStatusPage(ctx: AreaContext): void {
  const { db } = ctx.deps;

  const publicStatus = async (slug: string) => {
    const now = new Date();
    const source = await loadStatusSource(db, slug, now);
    return source === null ? null : buildPublicStatus(source, now);
  };

  ctx.route(getPublicStatus, async ({ params, res }) => {
    const status = await publicStatus(params.slug);
    if (status === null) throw notFound(params.slug);
    res.setHeader('Cache-Control', CACHE_CONTROL);
    return status;
  });

  ctx.route(getStatusPage, async ({ params, res }) => {
    const status = await publicStatus(params.slug);
    res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (status === null) {
      res.status(404).type('html').send(renderNotFoundPage());
      return;
    }
    res.setHeader('Cache-Control', CACHE_CONTROL);
    res.status(200).type('html').send(renderStatusPage(status));
  });
}
