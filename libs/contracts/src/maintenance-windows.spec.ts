import { CreateMaintenanceWindowBody, ListMaintenanceWindowsQuery, UpdateMaintenanceWindowBody, windowEndProblem } from './maintenance-windows';

const SITE = '3f0e8a4e-6c1b-4f7e-9d7a-2b1c0d9e8f7a';
const window = (starts_at: string, ends_at: string) => CreateMaintenanceWindowBody.safeParse({ site_id: SITE, starts_at, ends_at });
const fieldsOf = (result: ReturnType<typeof window>) => result.error?.issues.map((issue) => issue.path.join('.'));

describe('the maintenance window contracts', () => {
  it('accept a window up to 31 days long', () => {
    expect(window('2030-01-01T00:00:00Z', '2030-02-01T00:00:00Z').success).toBe(true);
  });

  it('refuse, naming ends_at, a window that ends before it starts, an empty one and one longer than 31 days', () => {
    expect(fieldsOf(window('2030-01-02T00:00:00Z', '2030-01-01T00:00:00Z'))).toEqual(['ends_at']);
    expect(fieldsOf(window('2030-01-01T00:00:00Z', '2030-01-01T00:00:00Z'))).toEqual(['ends_at']);
    expect(fieldsOf(window('2030-01-01T00:00:00Z', '2030-02-01T00:00:00.001Z'))).toEqual(['ends_at']);
  });

  it('compare instants, not strings, when the times carry different offsets', () => {
    expect(window('2030-01-01T10:00:00+02:00', '2030-01-01T09:00:00Z').success).toBe(true);
    expect(window('2030-01-01T10:00:00Z', '2030-01-01T11:00:00+02:00').success).toBe(false);
  });

  it('take a recurring window as a rule, zone and duration without ends_at, and name each missing or extra field', () => {
    const recurring = { site_id: SITE, starts_at: '2030-01-01T02:00:00Z', rrule: 'FREQ=DAILY;COUNT=3', timezone: 'UTC', duration_s: 60 };
    expect(CreateMaintenanceWindowBody.safeParse(recurring).success).toBe(true);
    expect(fieldsOf(CreateMaintenanceWindowBody.safeParse({ ...recurring, timezone: undefined, duration_s: undefined }))).toEqual(['timezone', 'duration_s']);
    expect(fieldsOf(CreateMaintenanceWindowBody.safeParse({ ...recurring, ends_at: '2030-01-02T00:00:00Z' }))).toEqual(['ends_at']);
    expect(fieldsOf(CreateMaintenanceWindowBody.safeParse({ ...recurring, rrule: undefined }))).toEqual(['timezone', 'duration_s', 'ends_at']);
    expect(fieldsOf(CreateMaintenanceWindowBody.safeParse({ ...recurring, duration_s: 0 }))).toEqual(['duration_s']);
    expect(UpdateMaintenanceWindowBody.safeParse({ rrule: null }).error?.issues.map((issue) => issue.path.join('.'))).toEqual(['ends_at']);
    expect(UpdateMaintenanceWindowBody.safeParse({ timezone: 'UTC' }).success).toBe(true);
  });

  it('read active=true|false as a boolean and refuse anything else', () => {
    expect(ListMaintenanceWindowsQuery.parse({ active: 'false' })).toEqual({ active: false, limit: 50 });
    expect(ListMaintenanceWindowsQuery.parse({ active: 'true' }).active).toBe(true);
    expect(ListMaintenanceWindowsQuery.safeParse({ active: 'yes' }).success).toBe(false);
  });

  it('take any part of a window as an update, null clearing the check and the reason, and nothing unknown', () => {
    expect(UpdateMaintenanceWindowBody.parse({})).toEqual({});
    expect(UpdateMaintenanceWindowBody.parse({ check_id: null, reason: null })).toEqual({ check_id: null, reason: null });
    expect(UpdateMaintenanceWindowBody.parse({ ends_at: '2030-01-01T00:00:00Z' })).toEqual({ ends_at: '2030-01-01T00:00:00Z' });
    expect(UpdateMaintenanceWindowBody.safeParse({ title: 'x' }).success).toBe(false);
    expect(UpdateMaintenanceWindowBody.safeParse({ site_id: null }).success).toBe(false);
  });

  it('refuse, naming ends_at, an update giving both times in the wrong order', () => {
    const result = UpdateMaintenanceWindowBody.safeParse({ starts_at: '2030-01-02T00:00:00Z', ends_at: '2030-01-01T00:00:00Z' });
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['ends_at']);
  });

  it('judge a window end by one rule, for create and for the merged window of an update', () => {
    const start = new Date('2030-01-01T00:00:00Z');
    expect(windowEndProblem(start, new Date('2030-02-01T00:00:00Z'))).toBeUndefined();
    expect(windowEndProblem(start, start)).toBe('must be after starts_at');
    expect(windowEndProblem(start, new Date('2030-02-01T00:00:00.001Z'))).toBe('must be at most 31 days after starts_at');
  });
});
