import { type Logger, REQUEST_ID_HEADER, resolveRequestId } from '@vigil/logger';
import type { Request, RequestHandler } from 'express';
import { sharedCounter, sharedHistogram } from '@vigil/metrics';
import type { Counter, Histogram, Registry } from 'prom-client';
import { setRequestContext } from './request-context';

// Probes and scrapes arrive every few seconds from every monitor; at the http level they
// would drown the requests people want to read.
const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

const DURATION_METRIC = 'http_request_duration_seconds';
const COUNT_METRIC = 'http_requests_total';

type RequestLabels = 'method' | 'route' | 'status_code';

function durationHistogram(registry: Registry): Histogram<RequestLabels> {
  return sharedHistogram(registry, {
    name: DURATION_METRIC,
    help: 'Duration of HTTP requests in seconds, by method, matched route and status code',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  });
}

// The histogram's _count says the same, but a plain counter is what dashboards and alerts expect.
function requestCounter(registry: Registry): Counter<RequestLabels> {
  return sharedCounter(registry, {
    name: COUNT_METRIC,
    help: 'HTTP requests answered, by method, matched route and status code',
    labelNames: ['method', 'route', 'status_code'],
  });
}

// The route pattern, never the raw path: raw paths would make one time series per id.
function routeLabel(req: Request): string {
  const path: unknown = req.route?.path;
  return typeof path === 'string' ? `${req.baseUrl}${path}` : 'unmatched';
}

/** A path as logs may show it: a heartbeat ping URL's token (a capability) is left out. */
export function loggablePath(path: string): string {
  return path.replace(/^\/ping\/[^/]+/, '/ping/:token');
}

/**
 * Gives every request an id (reusing a sane `x-request-id`), echoes it in the response,
 * exposes a child logger through `requestContext(res)`, and logs and times the request
 * when the response is finished.
 */
export function requestLogger(deps: { logger: Logger; metrics: Registry }): RequestHandler {
  const histogram = durationHistogram(deps.metrics);
  const counter = requestCounter(deps.metrics);
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const requestId = resolveRequestId(req.headers[REQUEST_ID_HEADER]);
    const logger = deps.logger.child({ request_id: requestId });
    setRequestContext(res, { requestId, logger });
    res.setHeader(REQUEST_ID_HEADER, requestId);

    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const labels = { method: req.method, route: routeLabel(req), status_code: String(res.statusCode) };
      histogram.observe(labels, seconds);
      counter.inc(labels);
      // The query string is left out: tokens sometimes travel there.
      const path = loggablePath(req.originalUrl.split('?')[0]);
      const level = QUIET_PATHS.has(path) ? 'debug' : 'http';
      // Below the default level (info): winston would build the line and filter it in its stream, for every request.
      if (!logger.isLevelEnabled(level)) return;
      logger.log(level, `${req.method} ${path} ${res.statusCode}`, {
        method: req.method,
        path,
        status: res.statusCode,
        duration_ms: Math.round(seconds * 1e4) / 10,
      });
    });
    next();
  };
}
