import { z } from 'zod';
import { fieldName, fieldProblems, summarizeProblems } from './issues';

describe('field problems', () => {
  const Body = z.strictObject({ results: z.array(z.strictObject({ checked_at: z.iso.datetime(), ok: z.boolean() })) });

  it('names fields as a client writes them', () => {
    expect(fieldName(['results', 3, 'checked_at'])).toBe('results[3].checked_at');
    expect(fieldName([])).toBe('');
  });

  it('says a missing field is required and names unknown fields', () => {
    const error = Body.safeParse({ results: [{ ok: true, extra: 1 }] }).error as z.ZodError;
    expect(fieldProblems(error)).toEqual([
      { field: 'results[0].checked_at', message: 'is required' },
      { field: 'results[0]', message: 'has unknown field "extra"' },
    ]);
  });

  it('keeps at most the limit and counts the rest in the summary', () => {
    const error = Body.safeParse({ results: Array.from({ length: 30 }, () => ({ ok: 'yes', checked_at: 'now' })) }).error as z.ZodError;
    const problems = fieldProblems(error, 5);
    expect(problems).toHaveLength(5);
    expect(summarizeProblems(problems, error.issues.length)).toMatch(/^results\[0\]\.checked_at: .+ \(and 59 more problems\)$/);
  });

  it('summarises a problem of the whole body without a field name', () => {
    expect(summarizeProblems([{ field: '', message: 'expected an object' }])).toBe('expected an object');
    expect(summarizeProblems([])).toBe('invalid request');
  });
});
