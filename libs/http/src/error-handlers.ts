import type { Logger } from '@vigil/logger';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { HttpError, toHttpError } from './http-error';
import { maybeRequestContext } from './request-context';
import { loggablePath } from './request-logger';

/** The last route: anything unmatched is a 404 in the project's error shape. */
export function notFoundHandler(): RequestHandler {
  return (req, _res, next) => {
    next(HttpError.notFound(`No route for ${req.method} ${req.path}`));
  };
}

/**
 * Maps every error to `{ error: { code, message } }`. Server errors are logged with
 * their stack and answered without detail; client errors are the client's to read.
 */
export function errorHandler(deps: { logger: Logger }): ErrorRequestHandler {
  return (error, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const httpError = toHttpError(error);
    if (httpError.status >= 500) {
      const logger = maybeRequestContext(res)?.logger ?? deps.logger;
      logger.error(`${req.method} ${loggablePath(req.path)} failed`, { err: error });
    }
    res.status(httpError.status).json(httpError.toBody());
  };
}
