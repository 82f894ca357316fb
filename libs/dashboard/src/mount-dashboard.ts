import type { Logger } from '@vigil/logger';
import express, { type Express, type Response } from 'express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { findAssetsDir } from './assets-dir';

/** Where the dashboard's scripts, styles and images are served from. */
export const DASHBOARD_ASSETS_URL = '/assets/dashboard';

/**
 * Everything from this origin, nothing inline: the dashboard has no inline script or
 * style, so an injected `<script>` or `style=""` does nothing.
 */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The paths the dashboard's client router draws (see public/js/routes.js); each answers
 * index.html. Listed rather than "anything else" so that the API, the status pages and
 * any route mounted later keep their own answers, including their 404s.
 */
export const CLIENT_ROUTE = /^\/(?:(?:login|sites|checks|events|runners|maintenance)(?:\/[^/]+)?\/?|(?:sites|checks)\/[^/]+\/report\/?)?$/;

export interface DashboardOptions {
  logger?: Logger;
  /** The folder with index.html; found from the code's location when absent. */
  assetsDir?: string;
}

function securityHeaders(res: Response): void {
  res.setHeader('Content-Security-Policy', DASHBOARD_CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  // Files are not fingerprinted: revalidate each time (ETag) so a new release is seen at once.
  res.setHeader('Cache-Control', 'no-cache');
}

/**
 * Serves the web dashboard: its files under /assets/dashboard and index.html for each of
 * its client routes. It talks to the management API (`/api/v1`) with the API key the user
 * logs in with, so it needs nothing else from the server.
 */
export function mountDashboard(app: Express, options: DashboardOptions = {}): void {
  const dir =
    options.assetsDir === undefined ? findAssetsDir(__dirname) : existsSync(join(options.assetsDir, 'index.html')) ? options.assetsDir : undefined;
  if (dir === undefined) {
    // The API must keep working without its UI; say loudly what is missing.
    options.logger?.error('dashboard files not found (expected assets/dashboard beside the bundle): the dashboard is not served');
    app.get(CLIENT_ROUTE, (_req, res) => {
      res.status(503).type('text/plain').send('The dashboard files are missing from this build.\n');
    });
    return;
  }
  app.use(
    DASHBOARD_ASSETS_URL,
    express.static(dir, { index: false, redirect: false, setHeaders: (res) => securityHeaders(res as Response) }),
  );
  const index = join(dir, 'index.html');
  app.get(CLIENT_ROUTE, (_req, res, next) => {
    securityHeaders(res);
    res.sendFile(index, (error) => {
      if (error) next(error);
    });
  });
}
