import { type HttpSpec, type JsonAssertion, parseJsonPath, statusIsExpected } from '@vigil/contracts';
import { MAX_EXCERPT_CHARS, storableText } from '../text';

export type AssertionKind = 'status' | 'max_latency' | 'keyword_present' | 'keyword_absent' | 'json';

/** The first assertion of a check that did not hold. */
export interface AssertionFailure {
  /** A readable sentence, reported as `error`. */
  message: string;
  /** Reported as `details.assertion`; `actual` is absent when there was nothing to compare. */
  assertion: { kind: AssertionKind; expected: unknown; actual?: unknown; path?: string; op?: string };
}

/** What the probe saw of a response. */
export interface ObservedResponse {
  statusCode: number;
  latencyMs: number;
  /** The body as read (at most the probe's cap; undefined when not kept or for HEAD). */
  body: Buffer | undefined;
  /** Whether the body was cut at the cap. */
  bodyTruncated: boolean;
}

/** Whether any assertion of `spec` reads the response body. */
export function needsBody(spec: HttpSpec): boolean {
  return spec.keyword_present !== undefined || spec.keyword_absent !== undefined || (spec.json_assertions?.length ?? 0) > 0;
}

/** Longest value (as JSON text) quoted in `details.assertion`, so details stay far below 8 KiB. */
const MAX_QUOTED_CHARS = 1024;

/** A value fit for `details`: small, storable JSON; a long one becomes a cut preview of its JSON text. */
function quote(value: unknown, max = MAX_QUOTED_CHARS): unknown {
  if (value === undefined) return undefined;
  const text = JSON.stringify(value);
  if (text.length > max) return storableText(text, max);
  return sanitize(JSON.parse(text) as unknown);
}

function sanitize(value: unknown): unknown {
  if (typeof value === 'string') return storableText(value);
  if (Array.isArray(value)) return value.map(sanitize);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [storableText(key), sanitize(item)]));
  }
  return value;
}

function show(value: unknown, max = 200): string {
  return storableText(JSON.stringify(value) ?? 'nothing', max);
}

function failure(message: string, assertion: AssertionFailure['assertion']): AssertionFailure {
  // `expected` is the check's own text; `actual` is what the target said, kept to a short excerpt.
  return {
    message: storableText(message),
    assertion: { ...assertion, expected: quote(assertion.expected), actual: quote(assertion.actual, MAX_EXCERPT_CHARS) },
  };
}

type Lookup = { found: true; value: unknown } | { found: false };

/** The value at `steps` in `document`: names step into objects, indexes into arrays. */
export function lookUp(document: unknown, steps: ReadonlyArray<string | number>): Lookup {
  let value = document;
  for (const step of steps) {
    if (typeof step === 'number') {
      if (!Array.isArray(value) || step >= value.length) return { found: false };
      value = value[step];
    } else {
      if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, step)) return { found: false };
      value = (value as Record<string, unknown>)[step];
    }
  }
  return { found: true, value };
}

/** Deep equality of JSON values (object key order does not matter). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, index) => jsonEqual(item, b[index]));
  }
  const aKeys = Object.keys(a);
  const bRecord = b as Record<string, unknown>;
  return aKeys.length === Object.keys(b).length && aKeys.every((key) => Object.hasOwn(b, key) && jsonEqual((a as Record<string, unknown>)[key], bRecord[key]));
}

/** Whether one JSON assertion holds for a value found (or not) at its path. */
function holds(assertion: JsonAssertion, lookup: Lookup): boolean {
  const { op, value: expected } = assertion;
  if (op === 'exists') return lookup.found;
  if (op === 'not_exists') return !lookup.found;
  // Every other op compares the value at the path: a path leading nowhere fails them.
  if (!lookup.found) return false;
  const actual = lookup.value;
  switch (op) {
    case 'equals':
      return jsonEqual(actual, expected);
    case 'not_equals':
      return !jsonEqual(actual, expected);
    case 'contains':
      if (typeof actual === 'string') return typeof expected === 'string' && actual.includes(expected);
      return Array.isArray(actual) && actual.some((item) => jsonEqual(item, expected));
    case 'less_than':
      return typeof actual === 'number' && typeof expected === 'number' && actual < expected;
    case 'greater_than':
      return typeof actual === 'number' && typeof expected === 'number' && actual > expected;
  }
}

const OP_WORDS: Record<JsonAssertion['op'], string> = {
  equals: 'to equal',
  not_equals: 'not to equal',
  contains: 'to contain',
  exists: 'to exist',
  not_exists: 'not to exist',
  less_than: 'to be less than',
  greater_than: 'to be greater than',
};

function jsonFailure(assertion: JsonAssertion, lookup: Lookup): AssertionFailure {
  const { path, op, value: expected } = assertion;
  const wanted = op === 'exists' || op === 'not_exists' ? OP_WORDS[op] : `${OP_WORDS[op]} ${show(expected)}`;
  const found = lookup.found ? `is ${show(lookup.value, MAX_EXCERPT_CHARS)}` : 'leads to nothing';
  return failure(`JSON path ${path} ${found}; expected it ${wanted}`, {
    kind: 'json',
    path,
    op,
    expected: expected ?? null,
    actual: lookup.found ? lookup.value : undefined,
  });
}

/** The body as text, decoded once. */
function bodyText(observed: ObservedResponse, cache: { text?: string }): string {
  cache.text ??= observed.body?.toString('utf8') ?? '';
  return cache.text;
}

/**
 * The first assertion of `spec` that `observed` fails, in this order: expected statuses, max latency,
 * keyword present, keyword absent, then each JSON assertion (but those of severity `degraded`:
 * see firstDegradedAssertion); undefined when all hold.
 */
export function firstFailedAssertion(spec: HttpSpec, observed: ObservedResponse): AssertionFailure | undefined {
  const { statusCode, latencyMs } = observed;
  if (!statusIsExpected(spec.expected_statuses, statusCode)) {
    return failure(`Status ${statusCode} is not one of the expected statuses (${spec.expected_statuses.join(', ')})`, {
      kind: 'status',
      expected: spec.expected_statuses,
      actual: statusCode,
    });
  }
  if (spec.max_latency_ms !== undefined && latencyMs > spec.max_latency_ms) {
    return failure(`The response took ${latencyMs} ms, more than the ${spec.max_latency_ms} ms allowed`, {
      kind: 'max_latency',
      expected: spec.max_latency_ms,
      actual: latencyMs,
    });
  }
  const cache: { text?: string } = {};
  const cutNote = observed.bodyTruncated ? ' (in its first 1 MiB)' : '';
  if (spec.keyword_present !== undefined && !bodyText(observed, cache).includes(spec.keyword_present)) {
    return failure(`The response body${cutNote} does not contain ${show(spec.keyword_present)}`, {
      kind: 'keyword_present',
      expected: spec.keyword_present,
      actual: 'absent',
    });
  }
  if (spec.keyword_absent !== undefined && bodyText(observed, cache).includes(spec.keyword_absent)) {
    return failure(`The response body contains ${show(spec.keyword_absent)}, which must be absent`, {
      kind: 'keyword_absent',
      expected: spec.keyword_absent,
      actual: 'present',
    });
  }
  return firstFailedJson(
    (spec.json_assertions ?? []).filter((assertion) => assertion.severity !== 'degraded'),
    observed,
    cache,
  );
}

/**
 * The first JSON assertion of severity `degraded` that `observed` fails, undefined when all hold:
 * it does not fail the run but makes a successful one degraded. Checked only once every other
 * assertion held.
 */
export function firstDegradedAssertion(spec: HttpSpec, observed: ObservedResponse): AssertionFailure | undefined {
  return firstFailedJson(
    (spec.json_assertions ?? []).filter((assertion) => assertion.severity === 'degraded'),
    observed,
    {},
  );
}

function firstFailedJson(assertions: readonly JsonAssertion[], observed: ObservedResponse, cache: { text?: string }): AssertionFailure | undefined {
  if (assertions.length === 0) return undefined;
  let document: unknown;
  try {
    document = JSON.parse(bodyText(observed, cache));
  } catch {
    const first = assertions[0];
    const why = observed.bodyTruncated ? 'was cut at 1 MiB and is not complete JSON' : 'is not JSON';
    return failure(`The response body ${why}, so JSON path ${first.path} cannot be checked`, {
      kind: 'json',
      path: first.path,
      op: first.op,
      expected: 'a JSON body',
      actual: observed.bodyTruncated ? 'a body over 1 MiB' : 'not JSON',
    });
  }
  for (const assertion of assertions) {
    const steps = parseJsonPath(assertion.path);
    const lookup: Lookup = steps === undefined ? { found: false } : lookUp(document, steps);
    if (!holds(assertion, lookup)) return jsonFailure(assertion, lookup);
  }
  return undefined;
}
