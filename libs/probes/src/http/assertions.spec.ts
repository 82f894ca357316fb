import { HttpSpecSchema } from '@vigil/contracts';
import { firstFailedAssertion, jsonEqual, lookUp, type ObservedResponse } from './assertions';
import { errorCodeOf, errorMessageOf } from './error-codes';

function observed(body: unknown, overrides: Partial<ObservedResponse> = {}): ObservedResponse {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return { statusCode: 200, latencyMs: 10, body: Buffer.from(text), bodyTruncated: false, ...overrides };
}

function failedJson(body: unknown, assertion: Record<string, unknown>) {
  return firstFailedAssertion(HttpSpecSchema.parse({ json_assertions: [assertion] }), observed(body));
}

describe('firstFailedAssertion', () => {
  it('checks the status before anything else', () => {
    const spec = HttpSpecSchema.parse({ max_latency_ms: 1, keyword_present: 'nope' });
    expect(firstFailedAssertion(spec, observed('x', { statusCode: 500 }))?.assertion.kind).toBe('status');
    expect(firstFailedAssertion(spec, observed('x'))?.assertion.kind).toBe('max_latency');
  });

  it('treats a missing path as failing every value comparison, and passing not_exists only', () => {
    expect(failedJson({}, { path: '$.a', op: 'not_equals', value: 1 })?.message).toBe('JSON path $.a leads to nothing; expected it not to equal 1');
    expect(failedJson({}, { path: '$.a', op: 'not_exists' })).toBeUndefined();
    expect(failedJson({}, { path: '$.a', op: 'exists' })).toBeDefined();
  });

  it('counts null as a value for exists', () => {
    expect(failedJson({ a: null }, { path: '$.a', op: 'exists' })).toBeUndefined();
    expect(failedJson({ a: null }, { path: '$.a', op: 'equals', value: null })).toBeUndefined();
  });

  it('compares numbers only with less_than and greater_than', () => {
    expect(failedJson({ a: '5' }, { path: '$.a', op: 'less_than', value: 10 })).toBeDefined();
    expect(failedJson({ a: 5 }, { path: '$.a', op: 'less_than', value: 10 })).toBeUndefined();
    expect(failedJson({ a: 5 }, { path: '$.a', op: 'greater_than', value: 5 })).toBeDefined();
  });

  it('reads contains as substring of a string or element of an array', () => {
    expect(failedJson({ a: 'abc' }, { path: '$.a', op: 'contains', value: 'bc' })).toBeUndefined();
    expect(failedJson({ a: [1, 2] }, { path: '$.a', op: 'contains', value: 2 })).toBeUndefined();
    expect(failedJson({ a: [1, 2] }, { path: '$.a', op: 'contains', value: '2' })).toBeDefined();
    expect(failedJson({ a: { b: 1 } }, { path: '$.a', op: 'contains', value: 'b' })).toBeDefined();
  });

  it('says when a body that is not JSON was cut at the cap', () => {
    const spec = HttpSpecSchema.parse({ json_assertions: [{ path: '$', op: 'exists' }] });
    expect(firstFailedAssertion(spec, observed('{"a":', { bodyTruncated: true }))?.message).toBe(
      'The response body was cut at 1 MiB and is not complete JSON, so JSON path $ cannot be checked',
    );
  });

  it('quotes a long actual value as a cut preview and removes NUL characters', () => {
    const failure = failedJson({ a: 'x'.repeat(5000) }, { path: '$.a', op: 'equals', value: 'y' });
    expect(String(failure?.assertion.actual).length).toBeLessThanOrEqual(1024);
    const nul = failedJson({ a: 'bad\u0000value' }, { path: '$.a', op: 'equals', value: 'y' });
    expect(nul?.assertion.actual).toBe('bad\uFFFDvalue');
    expect(nul?.message).not.toContain('\u0000');
  });
});

describe('lookUp and jsonEqual', () => {
  it('steps into arrays by index and objects by own name only', () => {
    expect(lookUp({ a: [{ b: 1 }] }, ['a', 0, 'b'])).toEqual({ found: true, value: 1 });
    expect(lookUp({ a: [1] }, ['a', 'length'])).toEqual({ found: false });
    expect(lookUp({}, ['toString'])).toEqual({ found: false });
    expect(lookUp({ a: [1] }, ['a', 3])).toEqual({ found: false });
  });

  it('compares objects deeply, ignoring key order', () => {
    expect(jsonEqual({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true);
    expect(jsonEqual({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(jsonEqual([1], { 0: 1 })).toBe(false);
  });
});

describe('errorCodeOf', () => {
  it('maps timeouts, aborts and codeless errors to short codes', () => {
    expect(errorCodeOf(Object.assign(new Error('Timeout awaiting request'), { name: 'TimeoutError', code: 'ETIMEDOUT' }))).toBe('ETIMEDOUT');
    expect(errorCodeOf(Object.assign(new Error('aborted'), { code: 'ERR_ABORTED' }))).toBe('ABORTED');
    expect(errorCodeOf(Object.assign(new Error('x'), { code: 'ENOTFOUND' }))).toBe('ENOTFOUND');
    expect(errorCodeOf(new Error('no code'))).toBe('REQUEST_FAILED');
    expect(errorCodeOf('a string')).toBe('REQUEST_FAILED');
  });

  it('trims long messages to 500 characters', () => {
    expect(errorMessageOf(new Error('e'.repeat(2000))).length).toBe(500);
  });
});
