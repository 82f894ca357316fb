export const REDACTED = '[REDACTED]';

// Keys are compared with case and separators removed, so `api_key`, `apiKey`,
// `X-Api-Key` and `API-KEY` are one rule.
const SECRET_KEY_FRAGMENTS = [
  'authorization',
  'password',
  'passwd',
  'secret',
  'token',
  'cookie',
  'privatekey',
  'apikey',
  'accesskey',
  'adminkey',
  'runnerkey',
  'credential',
  'sessionid',
];
// Too short to match as fragments without hiding `keyId`, `monkey` or `passing_strikes`.
const SECRET_KEYS_EXACT = new Set(['key', 'pass', 'pwd', 'jwt']);

const MAX_DEPTH = 10;

/**
 * The secret-name rule for HTTP headers a user configures (a webhook channel's, an HTTP check's):
 * `Authorization`, `X-Api-Key`, `X-Auth-Token`, `Cookie`, `*secret*`, `*signature*`… Their values
 * are masked in answers, encrypted at rest and never logged. Broader than `isSecretKey` on purpose:
 * a header name costs nothing to over-mask.
 */
const SECRET_HEADER_NAME = /auth|token|key|secret|cookie|passw|signature/i;

export function isSecretHeaderName(name: string): boolean {
  return SECRET_HEADER_NAME.test(name) || isSecretKey(name);
}

export function isSecretKey(key: string): boolean {
  const normalized = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  return SECRET_KEYS_EXACT.has(normalized) || SECRET_KEY_FRAGMENTS.some((fragment) => normalized.includes(fragment));
}

const TEXT_RULES: ReadonlyArray<readonly [RegExp, string]> = [
  // The password of any URL with credentials: postgres://user:pw@host, https://user:pw@host.
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s:@/]*:)[^\s@/]+@/gi, `$1${REDACTED}@`],
  [/-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?-----END \1PRIVATE KEY-----/g, REDACTED],
  [/\b(Bearer\s+)[A-Za-z0-9\-._~+/]+=*/gi, `$1${REDACTED}`],
  // A JWT pasted into a message (runner tokens) is a credential until it expires.
  [/\beyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, REDACTED],
];

/** Removes credentials that can hide inside free text: URL passwords, private keys, bearer tokens, JWTs. */
export function redactText(text: string): string {
  let result = text;
  for (const [pattern, replacement] of TEXT_RULES) result = result.replace(pattern, replacement);
  return result;
}

/**
 * Returns a copy of `value` that is safe to log: secret-named keys at any depth become
 * "[REDACTED]", strings are passed through `redactText`, errors become plain objects
 * (JSON.stringify would print `{}`), cycles and excessive depth are cut. The input is
 * never mutated: callers log their own objects.
 */
export function redact(value: unknown): unknown {
  return walk(value, new Set(), 0);
}

function walk(value: unknown, ancestors: Set<object>, depth: number): unknown {
  if (typeof value === 'string') return redactText(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'function') return `[Function ${value.name || 'anonymous'}]`;
  if (typeof value === 'symbol') return value.toString();
  if (value === null || typeof value !== 'object') return value;
  if (ancestors.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Truncated]';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (Buffer.isBuffer(value) || ArrayBuffer.isView(value)) return `[${value.constructor.name} ${value.byteLength} bytes]`;

  ancestors.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => walk(item, ancestors, depth + 1));
    if (value instanceof Map) return walkEntries(value.entries(), ancestors, depth);
    if (value instanceof Set) return [...value].map((item) => walk(item, ancestors, depth + 1));
    if (value instanceof Error) return walkError(value, ancestors, depth);
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return walk(toJSON.call(value), ancestors, depth + 1);
    return walkEntries(Object.entries(value), ancestors, depth);
  } finally {
    ancestors.delete(value);
  }
}

function walkEntries(entries: Iterable<[unknown, unknown]>, ancestors: Set<object>, depth: number): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [rawKey, item] of entries) {
    const key = String(rawKey);
    result[key] = isSecretKey(key) ? REDACTED : walk(item, ancestors, depth + 1);
  }
  return result;
}

function walkError(error: Error, ancestors: Set<object>, depth: number): Record<string, unknown> {
  const result: Record<string, unknown> = { name: error.name, message: redactText(error.message) };
  Object.assign(result, walkEntries(Object.entries(error), ancestors, depth));
  if (error.stack) result.stack = redactText(error.stack);
  if (error.cause !== undefined) result.cause = walk(error.cause, ancestors, depth + 1);
  return result;
}
