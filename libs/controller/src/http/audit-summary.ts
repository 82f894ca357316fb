import { isSecretKey, redactText } from '@vigil/logger';

/** What an audit row says a request asked for: field paths, safe values, the query. */
export interface AuditSummary {
  fields?: string[];
  values?: Record<string, unknown>;
  query?: Record<string, unknown>;
  /** More fields than MAX_FIELDS, or nesting deeper than MAX_DEPTH: the rest is not listed. */
  truncated?: true;
}

/** A secret's value is replaced by this; the field name is still listed. */
export const AUDIT_SECRET = '[secret]';
/** Values that may carry credentials in free form (header values, request bodies): never kept. */
export const AUDIT_HIDDEN = '[hidden]';

const MAX_FIELDS = 50;
const MAX_DEPTH = 5;
const MAX_STRING = 100;
const MAX_ARRAY = 20;

// Wider than the logger's rule on purpose: `routing_key`, `webhook_url` (a Slack URL is its
// own credential), `signature`, `auth` headers. Hiding a harmless value costs nothing here.
const SECRET_NAME = /auth|token|key|secret|cookie|passw|signature|webhook_url|credential/i;
// Free-form containers whose contents are as sensitive as their owner chooses.
const HIDDEN_CONTAINERS = new Set(['headers', 'body']);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A URL keeps only its scheme and host: userinfo, path and query can all carry tokens. */
function safeString(value: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    try {
      const url = new URL(value);
      if (url.host !== '') return `${url.protocol}//${url.host}`;
    } catch {
      return AUDIT_HIDDEN;
    }
  }
  const text = redactText(value);
  return text.length > MAX_STRING ? `${text.slice(0, MAX_STRING)}…` : text;
}

function safeScalar(value: unknown): unknown {
  if (typeof value === 'string') return safeString(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
  return AUDIT_HIDDEN;
}

/**
 * The audit summary of a request body (and query): every field path it sent, and the
 * values of those that are neither secret by name (`password`, `routing_key`,
 * `Authorization`…) nor inside a free-form container (`headers`, `body`). Strings are
 * cut short, URLs reduced to scheme and host. Pure: the audit log stores what it returns.
 */
export function auditSummary(body: unknown, query?: Record<string, unknown>): AuditSummary {
  const summary: AuditSummary = {};
  const fields: string[] = [];
  const values: Record<string, unknown> = {};

  const visit = (value: unknown, path: string[], hidden: boolean): void => {
    if (fields.length >= MAX_FIELDS) {
      summary.truncated = true;
      return;
    }
    const key = path[path.length - 1];
    const secret = key !== undefined && (isSecretKey(key) || SECRET_NAME.test(key));
    if (isPlainObject(value) && !secret && path.length < MAX_DEPTH) {
      const hideChildren = hidden || (key !== undefined && HIDDEN_CONTAINERS.has(key.toLowerCase()));
      const entries = Object.entries(value);
      if (entries.length === 0 && path.length > 0) {
        fields.push(path.join('.'));
        values[path.join('.')] = {};
      }
      for (const [child, item] of entries) visit(item, [...path, child], hideChildren);
      return;
    }
    if (path.length === 0) return;
    const name = path.join('.');
    fields.push(name);
    if (secret) values[name] = AUDIT_SECRET;
    else if (hidden || (key !== undefined && HIDDEN_CONTAINERS.has(key.toLowerCase()))) values[name] = AUDIT_HIDDEN;
    else if (isPlainObject(value)) {
      values[name] = AUDIT_HIDDEN;
      summary.truncated = true;
    } else if (Array.isArray(value)) {
      values[name] = value.length <= MAX_ARRAY && value.every((item) => !isPlainObject(item) && !Array.isArray(item)) ? value.map(safeScalar) : AUDIT_HIDDEN;
    } else values[name] = safeScalar(value);
  };

  visit(body, [], false);
  if (fields.length > 0) {
    summary.fields = fields;
    summary.values = values;
  }
  if (query !== undefined && Object.keys(query).length > 0) {
    summary.query = Object.fromEntries(Object.entries(query).map(([key, value]) => [key, SECRET_NAME.test(key) ? AUDIT_SECRET : safeScalar(value)]));
  }
  return summary;
}

/** `/api/v1/notification-channels/:id` → `notification-channel`: the collection the route acts on. */
export function resourceTypeOf(routePath: string): string {
  const collection = /^\/api\/v1\/([^/]+)/.exec(routePath)?.[1] ?? routePath;
  return collection.endsWith('s') ? collection.slice(0, -1) : collection;
}
