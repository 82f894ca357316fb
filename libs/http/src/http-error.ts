/** The one error shape every Vigil HTTP API answers with. */
export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

const CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable_entity',
  429: 'too_many_requests',
  500: 'internal',
  503: 'unavailable',
};

export function codeForStatus(status: number): string {
  return CODES[status] ?? (status >= 500 ? 'internal' : 'bad_request');
}

/**
 * An error meant for the client: its status, code and message are sent as they are.
 * Anything else that reaches the error handler is answered as a 500 without detail.
 */
export class HttpError extends Error {
  override readonly name = 'HttpError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  static badRequest(message: string, details?: unknown): HttpError {
    return new HttpError(400, 'bad_request', message, details);
  }

  static unauthorized(message = 'Authentication required'): HttpError {
    return new HttpError(401, 'unauthorized', message);
  }

  static forbidden(message = 'Not allowed'): HttpError {
    return new HttpError(403, 'forbidden', message);
  }

  static notFound(message: string): HttpError {
    return new HttpError(404, 'not_found', message);
  }

  static conflict(message: string, details?: unknown): HttpError {
    return new HttpError(409, 'conflict', message, details);
  }

  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) } };
  }
}

// body-parser and other http-errors style errors carry these.
interface ClientErrorLike {
  status?: unknown;
  statusCode?: unknown;
  expose?: unknown;
  type?: unknown;
  message?: unknown;
}

const PARSER_MESSAGES: Record<string, string> = {
  'entity.parse.failed': 'Request body is not valid JSON',
  'entity.too.large': 'Request body is too large',
  'encoding.unsupported': 'Request body encoding is not supported',
  'charset.unsupported': 'Request body charset is not supported',
};

/** What the client is told about `error`: itself if it is an HttpError, a 4xx it caused, or a bare 500. */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  const candidate = (typeof error === 'object' && error !== null ? error : {}) as ClientErrorLike;
  const status = Number(candidate.status ?? candidate.statusCode);
  if (Number.isInteger(status) && status >= 400 && status < 500 && candidate.expose !== false) {
    const message =
      (typeof candidate.type === 'string' ? PARSER_MESSAGES[candidate.type] : undefined) ??
      (typeof candidate.message === 'string' && candidate.message !== '' ? candidate.message : 'Bad request');
    return new HttpError(status, codeForStatus(status), message);
  }
  return new HttpError(500, 'internal', 'Internal server error');
}
