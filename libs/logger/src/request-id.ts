import { randomUUID } from 'node:crypto';

export const REQUEST_ID_HEADER = 'x-request-id';

// A caller-supplied id is reused so one request can be followed across a proxy and
// our logs, but only when it cannot forge log structure or bloat every line.
const SANE_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/**
 * The id to log a request under: the incoming `x-request-id` header when it is a short
 * token of safe characters, otherwise a fresh random UUID.
 */
export function resolveRequestId(header: string | readonly string[] | undefined): string {
  const candidate = Array.isArray(header) ? header[0] : header;
  return typeof candidate === 'string' && SANE_REQUEST_ID.test(candidate) ? candidate : randomUUID();
}
