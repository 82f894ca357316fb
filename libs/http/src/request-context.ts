import type { Logger } from '@vigil/logger';
import type { Response } from 'express';

export interface RequestContext {
  requestId: string;
  /** The service logger with this request's `request_id` on every line. */
  logger: Logger;
}

const KEY = 'vigilRequest';

export function setRequestContext(res: Response, context: RequestContext): void {
  res.locals[KEY] = context;
}

/** The request's id and logger, set by the request logger at the start of every request. */
export function requestContext(res: Response): RequestContext {
  const context = res.locals[KEY] as RequestContext | undefined;
  if (!context) throw new Error('requestContext() used on an app without the requestLogger middleware');
  return context;
}

export function maybeRequestContext(res: Response): RequestContext | undefined {
  return res.locals[KEY] as RequestContext | undefined;
}
