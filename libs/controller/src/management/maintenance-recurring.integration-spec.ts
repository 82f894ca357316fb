import { createSiteWithCheck, testDatabaseKinds } from '@vigil/db/testing';
import request from 'supertest';
import { createControllerHarness, type ControllerHarness } from '../testing';

type Fixture = Awaited<ReturnType<typeof createSiteWithCheck>>;

const DAY = 86_400_000;
// Sundays 02:30 in Paris from 24 March 2030; on 31 March clocks jump 02:00 -> 03:00, so that one never happens.
const SUNDAYS = { starts_at: '2030-03-24T01:30:00Z', rrule: 'FREQ=WEEKLY;BYDAY=SU;COUNT=3', timezone: 'Europe/Paris', duration_s: 3600 };
const SUNDAY_OCCURRENCES = [
  { starts_at: '2030-03-24T01:30:00.000Z', ends_at: '2030-03-24T02:30:00.000Z' },
  { starts_at: '2030-04-07T00:30:00.000Z', ends_at: '2030-04-07T01:30:00.000Z' },
  { starts_at: '2030-04-14T00:30:00.000Z', ends_at: '2030-04-14T01:30:00.000Z' },
];

// On PostgreSQL too: issue 17 asks that each type and state be covered on both.
describe.each(testDatabaseKinds({ postgres: 'semantics' }))('recurring maintenance windows through the API on %s', (kind) => {
  let harness: ControllerHarness;
  let writer: string;
  let alpha: Fixture;
  let beta: Fixture;
  beforeAll(async () => {
    harness = await createControllerHarness(kind);
    writer = await harness.keyWith(['write']);
    alpha = await createSiteWithCheck(harness.db.prisma);
    beta = await createSiteWithCheck(harness.db.prisma);
  });
  afterAll(() => harness.dispose());

  const create = (body: object) => request(harness.app).post('/api/v1/maintenance-windows').set('Authorization', writer).send(body);
  const update = (id: string, body: object) => request(harness.app).patch(`/api/v1/maintenance-windows/${id}`).set('Authorization', writer).send(body);
  const get = (path: string) => request(harness.app).get(path).set('Authorization', writer);
  const problemsOf = (response: request.Response) => response.body.error.details.problems as Array<{ field: string; message: string }>;

  it('creates a recurring window: its end is the series end, its occurrences keep local time across DST', async () => {
    const response = await create({ site_id: alpha.site.uuid, ...SUNDAYS, rrule: 'RRULE:freq=weekly;byday=SU;count=3', reason: 'patching' });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      starts_at: '2030-03-24T01:30:00.000Z',
      ends_at: '2030-04-14T01:30:00.000Z',
      rrule: 'FREQ=WEEKLY;BYDAY=SU;COUNT=3',
      rule_text: 'every week on Sunday at 2:30 AM for 3 times',
      timezone: 'Europe/Paris',
      duration_s: 3600,
      active: false,
      next_occurrences: SUNDAY_OCCURRENCES,
    });
    const row = await harness.db.prisma.maintenanceWindow.findUniqueOrThrow({ where: { uuid: response.body.id } });
    expect([row.rrule, row.timezone, row.durationS, row.endsAt?.toISOString()]).toEqual(['FREQ=WEEKLY;BYDAY=SU;COUNT=3', 'Europe/Paris', 3600, '2030-04-14T01:30:00.000Z']);
  });

  it.each([
    ['COUNT with UNTIL', { rrule: 'FREQ=WEEKLY;COUNT=2;UNTIL=20310101T000000Z' }, 'rrule', 'COUNT and UNTIL cannot both be given (RFC 5545)'],
    ['a bad BYDAY', { rrule: 'FREQ=WEEKLY;BYDAY=XX;COUNT=2' }, 'rrule', 'Invalid BYDAY value: XX'],
    ['a minutely rule', { rrule: 'FREQ=MINUTELY;COUNT=2' }, 'rrule', 'FREQ must be one of HOURLY, DAILY, WEEKLY, MONTHLY, YEARLY'],
    ['too many occurrences', { rrule: 'FREQ=DAILY;COUNT=5000' }, 'rrule', 'a series with COUNT or UNTIL has at most 2000 occurrences within 1830 days of starts_at (omit both for a series that goes on)'],
    ['an unknown zone', { timezone: 'Mars/Olympus' }, 'timezone', 'Mars/Olympus is not an IANA time zone'],
    ['a rule without a zone', { timezone: undefined }, 'timezone', 'is required with rrule'],
    ['a rule without a duration', { duration_s: undefined }, 'duration_s', 'is required with rrule'],
    ['a rule with an end', { ends_at: '2030-05-01T00:00:00Z' }, 'ends_at', "must be omitted with rrule: a recurring window ends with its series' last occurrence"],
    ['a zone without a rule', { rrule: undefined }, 'timezone', 'is only for a recurring window (with rrule)'],
  ])('refuses %s with 422, naming the field', async (_label, change, field, message) => {
    const response = await create({ site_id: alpha.site.uuid, ...SUNDAYS, ...change });
    expect(response.status).toBe(422);
    expect(problemsOf(response)).toContainEqual({ field, message });
  });

  it('refuses a duration of zero or over 31 days', async () => {
    for (const duration_s of [0, 31 * 86_400 + 1, 1.5]) {
      const response = await create({ site_id: alpha.site.uuid, ...SUNDAYS, duration_s });
      expect([response.status, problemsOf(response).map((p) => p.field)]).toEqual([422, ['duration_s']]);
    }
  });

  it('updates the rule and recomputes the end; removing the rule needs an end; a zone needs a rule', async () => {
    const created = await create({ site_id: alpha.site.uuid, ...SUNDAYS });
    const longer = await update(created.body.id, { rrule: 'FREQ=WEEKLY;BYDAY=SU;COUNT=4' });
    expect([longer.status, longer.body.ends_at]).toEqual([200, '2030-04-21T01:30:00.000Z']);
    const shorter = await update(created.body.id, { duration_s: 600 });
    expect(shorter.body).toMatchObject({ ends_at: '2030-04-21T00:40:00.000Z', duration_s: 600 });
    const endless = await update(created.body.id, { rrule: 'FREQ=DAILY' });
    expect([endless.status, endless.body.ends_at, endless.body.next_occurrences.length]).toEqual([200, null, 3]);
    const withEnd = await update(created.body.id, { ends_at: '2030-05-01T00:00:00Z' });
    expect([withEnd.status, problemsOf(withEnd)[0].field]).toEqual([422, 'ends_at']);
    const noEnd = await update(created.body.id, { rrule: null });
    expect([noEnd.status, problemsOf(noEnd)]).toEqual([422, [{ field: 'ends_at', message: 'is required when rrule is removed' }]]);
    const oneOff = await update(created.body.id, { rrule: null, ends_at: '2030-03-24T03:00:00Z' });
    expect(oneOff.body).toMatchObject({ rrule: null, timezone: null, duration_s: null, ends_at: '2030-03-24T03:00:00.000Z' });
    const zone = await update(created.body.id, { timezone: 'UTC' });
    expect([zone.status, problemsOf(zone)]).toEqual([422, [{ field: 'timezone', message: 'is only for a recurring window (with rrule)' }]]);
    const again = await update(created.body.id, { rrule: 'FREQ=DAILY;COUNT=2', timezone: 'UTC', duration_s: 60 });
    expect(again.body).toMatchObject({ rrule: 'FREQ=DAILY;COUNT=2', ends_at: '2030-03-25T01:31:00.000Z' });
  });

  it('keeps an open-ended series without an end and answers for it years later, between its occurrences too', async () => {
    const site = await createSiteWithCheck(harness.db.prisma);
    // Every Sunday 02:30-03:30 Paris time, forever, from 24 March 2030.
    const forever = await create({ site_id: site.site.uuid, ...SUNDAYS, rrule: 'FREQ=WEEKLY;BYDAY=SU' });
    expect([forever.status, forever.body.ends_at, forever.body.next_occurrences, forever.body.rule_text]).toEqual([201, null, SUNDAY_OCCURRENCES, 'every week on Sunday at 2:30 AM']);
    const row = await harness.db.prisma.maintenanceWindow.findUniqueOrThrow({ where: { uuid: forever.body.id } });
    expect(row.endsAt).toBeNull();
    const at = (t: string) => get(`/api/v1/sites/${site.site.uuid}/maintenance?at=${encodeURIComponent(t)}`);
    // Sunday 6 January 2036 (winter: UTC+1) and Sunday 6 July 2036 (summer: UTC+2); not the Mondays.
    expect((await at('2036-01-06T01:45:00Z')).body).toMatchObject({
      in_maintenance: true,
      window_id: forever.body.id,
      occurrence: { starts_at: '2036-01-06T01:30:00.000Z', ends_at: '2036-01-06T02:30:00.000Z' },
    });
    expect((await at('2036-07-06T00:45:00Z')).body.in_maintenance).toBe(true);
    expect((await at('2036-01-07T01:45:00Z')).body.in_maintenance).toBe(false);
    const listed = await get(`/api/v1/maintenance-windows?site_id=${site.site.uuid}&active=false`);
    expect(listed.body.data.map((w: { id: string }) => w.id)).toEqual([forever.body.id]);
  });

  it('answers whether a site or check is in maintenance at a time, and by which window and occurrence', async () => {
    const site = await createSiteWithCheck(harness.db.prisma);
    const whole = await create({ site_id: site.site.uuid, ...SUNDAYS });
    const checkOnly = await create({ site_id: site.site.uuid, check_id: site.check.uuid, starts_at: '2030-03-31T01:00:00Z', ends_at: '2030-03-31T02:00:00Z' });
    const at = (t: string, extra = '') => get(`/api/v1/sites/${site.site.uuid}/maintenance?at=${encodeURIComponent(t)}${extra}`);

    const inside = await at('2030-04-07T01:00:00Z');
    expect([inside.status, inside.body]).toEqual([
      200,
      { site_id: site.site.uuid, check_id: null, at: '2030-04-07T01:00:00.000Z', in_maintenance: true, window_id: whole.body.id, occurrence: SUNDAY_OCCURRENCES[1] },
    ]);
    // The Sunday of the DST change has no occurrence: the series spans it, but nothing covers it.
    expect((await at('2030-03-31T00:45:00Z')).body).toMatchObject({ in_maintenance: false, window_id: null, occurrence: null });
    // The check's own window counts only when the check is named.
    const forCheck = await at('2030-03-31T01:30:00Z', `&check_id=${site.check.uuid}`);
    expect(forCheck.body).toMatchObject({ check_id: site.check.uuid, in_maintenance: true, window_id: checkOnly.body.id });
    expect((await at('2030-03-31T01:30:00Z')).body.in_maintenance).toBe(false);
    expect((await at('2030-04-14T01:30:00Z')).body.in_maintenance).toBe(false);

    const foreign = await at('2030-04-07T01:00:00Z', `&check_id=${beta.check.uuid}`);
    expect([foreign.status, problemsOf(foreign)]).toEqual([422, [{ field: 'check_id', message: 'is not a check of this site' }]]);
    expect((await get('/api/v1/sites/0b9f8a5e-0000-4000-8000-000000000000/maintenance')).status).toBe(404);
    expect((await get(`/api/v1/sites/${site.site.uuid}/maintenance?at=yesterday`)).status).toBe(400);
    expect((await get(`/api/v1/sites/${site.site.uuid}/maintenance`)).body).toMatchObject({ in_maintenance: false });
  });

  it('lists a series between occurrences as inactive', async () => {
    const site = await createSiteWithCheck(harness.db.prisma);
    const start = new Date(Date.now() - 2 * DAY - 3_600_000).toISOString();
    const between = await create({ site_id: site.site.uuid, starts_at: start, rrule: 'FREQ=DAILY;COUNT=5', timezone: 'UTC', duration_s: 60 });
    expect(between.body).toMatchObject({ active: false });
    expect(between.body.next_occurrences).toHaveLength(2);
    const ids = async (filter: string) => (await get(`/api/v1/maintenance-windows?site_id=${site.site.uuid}&${filter}`)).body.data.map((w: { id: string }) => w.id);
    expect(await ids('active=true')).toEqual([]);
    expect(await ids('active=false')).toEqual([between.body.id]);
  });
});
