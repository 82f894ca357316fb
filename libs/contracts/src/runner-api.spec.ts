import { isInconclusive, ReportedResultSchema } from './runner-api';

const base = {
  run_id: '3f0a4c2e-8d1b-4c6e-9f2a-1b2c3d4e5f60',
  check_id: '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
  checked_at: '2026-12-04T20:00:00Z',
};

describe('a reported result', () => {
  it('may be a failure marked inconclusive, or leave the flag out', () => {
    expect(ReportedResultSchema.safeParse({ ...base, ok: false, inconclusive: true }).success).toBe(true);
    expect(ReportedResultSchema.safeParse({ ...base, ok: true }).success).toBe(true);
  });

  it('cannot be a pass marked inconclusive, and says which field is wrong', () => {
    const parsed = ReportedResultSchema.safeParse({ ...base, ok: true, inconclusive: true });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues).toEqual([expect.objectContaining({ path: ['inconclusive'], message: expect.stringContaining('must not be true when ok is true') })]);
  });
});

describe('a reported degraded result', () => {
  it('may be a pass marked degraded, or leave the flag out', () => {
    expect(ReportedResultSchema.parse({ ...base, ok: true, degraded: true, details: { degraded: [{ rule: 'latency' }] } }).degraded).toBe(true);
    expect(ReportedResultSchema.parse({ ...base, ok: true }).degraded).toBeUndefined();
  });

  it('cannot be a failure marked degraded, and says which field is wrong', () => {
    const parsed = ReportedResultSchema.safeParse({ ...base, ok: false, degraded: true });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues).toEqual([expect.objectContaining({ path: ['degraded'], message: expect.stringContaining('must not be true when ok is false') })]);
  });
});

describe('isInconclusive', () => {
  it('is true for a flagged failure and for any egress refusal, false for a pass or a plain failure', () => {
    expect(isInconclusive({ ok: false, inconclusive: true })).toBe(true);
    expect(isInconclusive({ ok: false, error_code: 'EGRESS_DENIED' })).toBe(true);
    expect(isInconclusive({ ok: false, error_code: 'ECONNREFUSED' })).toBe(false);
    expect(isInconclusive({ ok: false, inconclusive: false })).toBe(false);
    expect(isInconclusive({ ok: true })).toBe(false);
  });
});
