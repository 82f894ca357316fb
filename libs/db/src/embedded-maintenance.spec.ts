import { AUTOVACUUM_RULES, maintenancePlan, maintenanceStatement, type TableActivity } from './embedded-maintenance';

const quiet: TableActivity = { table: 'public.t', estimatedRows: 2000, deadRows: 0, insertedSinceVacuum: 0, modifiedSinceAnalyze: 0, xidAge: 1000 };

describe('maintenancePlan', () => {
  it('leaves a quiet table alone', () => {
    expect(maintenancePlan([quiet])).toEqual([]);
  });

  it('vacuums a table once its dead rows pass 50 + 20 % of its rows, not before', () => {
    // 50 + 0.2 × 2000 = 450
    expect(maintenancePlan([{ ...quiet, deadRows: 450 }])).toEqual([]);
    expect(maintenancePlan([{ ...quiet, deadRows: 451 }])).toEqual([{ table: 'public.t', vacuum: true, analyze: false }]);
  });

  it('vacuums a table only inserted into, and a table whose ids near wraparound', () => {
    expect(maintenancePlan([{ ...quiet, insertedSinceVacuum: 1401 }])).toEqual([{ table: 'public.t', vacuum: true, analyze: false }]);
    expect(maintenancePlan([{ ...quiet, xidAge: AUTOVACUUM_RULES.freezeTableAge + 1 }])).toEqual([{ table: 'public.t', vacuum: true, analyze: false }]);
  });

  it('analyzes after 50 + 10 % of the rows changed, and a never-analyzed table (reltuples -1) on its first changes', () => {
    expect(maintenancePlan([{ ...quiet, modifiedSinceAnalyze: 251 }])).toEqual([{ table: 'public.t', vacuum: false, analyze: true }]);
    expect(maintenancePlan([{ ...quiet, estimatedRows: -1, modifiedSinceAnalyze: 51 }])).toEqual([{ table: 'public.t', vacuum: false, analyze: true }]);
  });

  it('plans each table on its own', () => {
    const busy = { ...quiet, table: 'public.busy', deadRows: 10_000, modifiedSinceAnalyze: 10_000 };
    expect(maintenancePlan([quiet, busy])).toEqual([{ table: 'public.busy', vacuum: true, analyze: true }]);
  });
});

describe('maintenanceStatement', () => {
  it('vacuums and analyzes in one statement when both are due', () => {
    expect(maintenanceStatement({ table: 'public.t', vacuum: true, analyze: true })).toBe('VACUUM (ANALYZE) public.t');
    expect(maintenanceStatement({ table: 'public.t', vacuum: true, analyze: false })).toBe('VACUUM public.t');
    expect(maintenanceStatement({ table: 'public.t', vacuum: false, analyze: true })).toBe('ANALYZE public.t');
  });
});
