// @ts-check
// The client routes. The server answers index.html for exactly these shapes (CLIENT_ROUTE in
// src/mount-dashboard.ts; a spec keeps the two in step).

/**
 * @typedef {'login' | 'sites' | 'site' | 'check' | 'events' | 'event' | 'runners' | 'maintenance' | 'site-report' | 'check-report'} RouteName
 * @typedef {{ name: RouteName, params: Record<string, string> }} RouteMatch
 */

/** @type {Array<[RouteName, RegExp]>} */
const ROUTES = [
  ['login', /^\/login$/],
  ['sites', /^\/sites$/],
  ['site', /^\/sites\/(?<id>[^/]+)$/],
  ['check', /^\/checks\/(?<id>[^/]+)$/],
  ['events', /^\/events$/],
  ['event', /^\/events\/(?<id>[^/]+)$/],
  ['runners', /^\/runners$/],
  ['maintenance', /^\/maintenance$/],
  ['site-report', /^\/sites\/(?<id>[^/]+)\/report$/],
  ['check-report', /^\/checks\/(?<id>[^/]+)\/report$/],
];

/** Where `/` and unknown paths lead. */
export const HOME = '/sites';

/**
 * The route a path draws, or undefined. A trailing slash is ignored.
 * @param {string} pathname
 * @returns {RouteMatch | undefined}
 */
export function matchRoute(pathname) {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  for (const [name, pattern] of ROUTES) {
    const match = pattern.exec(path);
    if (match) {
      const params = Object.fromEntries(Object.entries(match.groups ?? {}).map(([key, value]) => [key, decodeURIComponent(value)]));
      return { name, params };
    }
  }
  return undefined;
}

/** Paths for links, each parameter URL-encoded. */
export const paths = {
  sites: () => '/sites',
  site: (/** @type {string} */ id) => `/sites/${encodeURIComponent(id)}`,
  check: (/** @type {string} */ id) => `/checks/${encodeURIComponent(id)}`,
  events: () => '/events',
  event: (/** @type {string} */ id) => `/events/${encodeURIComponent(id)}`,
  runners: () => '/runners',
  maintenance: () => '/maintenance',
  siteReport: (/** @type {string} */ id) => `/sites/${encodeURIComponent(id)}/report`,
  checkReport: (/** @type {string} */ id) => `/checks/${encodeURIComponent(id)}/report`,
  /** The public status page (served by the controller, outside the dashboard). */
  statusPage: (/** @type {string} */ slug) => `/status/${encodeURIComponent(slug)}`,
};
