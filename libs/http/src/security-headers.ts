import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * The policy of every answer that does not set its own: nothing may load, run or frame
 * it. JSON and error answers need nothing more; the pages that do (the dashboard, the
 * status pages) replace it with theirs.
 */
export const DEFAULT_CSP = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * helmet's headers on every answer (`X-Content-Type-Options: nosniff`, `Referrer-Policy:
 * no-referrer`, `X-Frame-Options`, the cross-origin policies, DEFAULT_CSP), and
 * `Cache-Control: no-store` on the answer to any request that carries credentials, so
 * that what a key may read is not kept by a browser or a proxy; a route may still set
 * its own. HSTS is left to the TLS-terminating proxy: Vigil itself serves plain HTTP.
 */
export function securityHeaders(): RequestHandler {
  const headers = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"], frameAncestors: ["'none'"] },
    },
    strictTransportSecurity: false,
  });
  return (req, res, next) => {
    if (req.headers.authorization !== undefined) res.setHeader('Cache-Control', 'no-store');
    headers(req, res, next);
  };
}
