import type { SiteEvent } from '@vigil/db';
import { EVENT_MAX_EFFECTS } from '@vigil/contracts';
import { createSiteWithCheck, testDatabaseKinds } from '@vigil/db/testing';
import request from 'supertest';
import { createControllerHarness, type ControllerHarness } from '../testing';

type Fixture = Awaited<ReturnType<typeof createSiteWithCheck>>;
type EventInput = Partial<Omit<SiteEvent, 'id' | 'uuid' | 'metadata' | 'createdAt'>> & { metadata?: Record<string, string> };

const at = (iso: string) => new Date(iso);

describe.each(testDatabaseKinds())('the events API on %s', (kind) => {
  let harness: ControllerHarness;
  let alpha: Fixture;
  let beta: Fixture;
  let reader: string;

  /** Events go straight into the table: the evaluator, which writes them, is another issue. */
  const insertEvent = (fixture: Fixture, input: EventInput = {}) =>
    harness.db.prisma.siteEvent.create({
      data: { siteId: fixture.site.id, eventType: 'seems_down', severity: 'low', startedAt: at('2026-01-01T00:00:00Z'), ...input },
    });
  const closed = { endedAt: at('2026-02-01T00:00:00Z'), resolutionReason: 'recovered' as const };

  const list = async (query: string) => {
    const response = await request(harness.app).get(`/api/v1/events?${query}`).set('Authorization', reader);
    expect(response.status).toBe(200);
    return response.body as { data: Array<Record<string, unknown> & { id: string }>; next_cursor: string | null };
  };

  beforeAll(async () => {
    harness = await createControllerHarness(kind);
    reader = await harness.keyWith(['read']);
    alpha = await createSiteWithCheck(harness.db.prisma);
    beta = await createSiteWithCheck(harness.db.prisma);
  });
  afterAll(() => harness.dispose());

  it('pages through events newest first, without duplicates or gaps, when several share a start', async () => {
    const site = await createSiteWithCheck(harness.db.prisma);
    const starts = ['10:00:00', '10:00:00', '10:00:00', '09:00:00', '11:00:00', '11:00:00', '08:00:00', '10:00:00.001', '10:00:00'];
    for (const start of starts) await insertEvent(site, { ...closed, startedAt: at(`2026-01-05T${start}Z`) });
    const expected = await harness.db.prisma.siteEvent.findMany({
      where: { siteId: site.site.id },
      orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
      select: { uuid: true },
    });

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Awaited<ReturnType<typeof list>> = await list(`site_id=${site.site.uuid}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.map((event) => event.id));
      cursor = page.next_cursor;
      pages += 1;
    } while (cursor !== null);

    expect(seen).toEqual(expected.map((event) => event.uuid));
    expect(new Set(seen).size).toBe(starts.length);
    expect(pages).toBe(5);
  });

  it('answers an event in the documented shape', async () => {
    const event = await insertEvent(alpha, {
      checkId: alpha.check.id,
      endpointId: alpha.endpoint.id,
      checkType: 'http',
      startedAt: at('2026-03-01T12:00:00.123Z'),
      metadata: { failing: 'us-1' },
    });
    const page = await list(`check_id=${alpha.check.uuid}&state=open`);
    expect(page.data).toEqual([
      {
        id: event.uuid,
        site_id: alpha.site.uuid,
        check_id: alpha.check.uuid,
        endpoint_target: alpha.endpoint.target,
        check_type: 'http',
        location: null,
        type: 'seems_down',
        state: 'open',
        severity: 'low',
        started_at: '2026-03-01T12:00:00.123Z',
        ended_at: null,
        resolution_reason: null,
        cause_event_id: null,
        metadata: { failing: 'us-1' },
        created_at: expect.any(String),
      },
    ]);
  });

  it('filters by site, check, state, type and start time', async () => {
    const site = await createSiteWithCheck(harness.db.prisma);
    const old = await insertEvent(site, { ...closed, checkId: site.check.id, eventType: 'down', severity: 'high', startedAt: at('2026-01-10T00:00:00Z') });
    const open = await insertEvent(site, { checkId: site.check.id, eventType: 'down', severity: 'high', startedAt: at('2026-01-20T00:00:00Z') });
    const cert = await insertEvent(site, { eventType: 'cert_expiring', severity: 'warning', startedAt: at('2026-01-15T00:00:00Z') });
    await insertEvent(beta, { ...closed, checkId: beta.check.id, startedAt: at('2026-01-15T00:00:00Z') });
    const ids = async (query: string) => (await list(`site_id=${site.site.uuid}&${query}`)).data.map((event) => event.id);

    expect(await ids('')).toEqual([open.uuid, cert.uuid, old.uuid]);
    expect(await ids(`check_id=${site.check.uuid}`)).toEqual([open.uuid, old.uuid]);
    expect(await ids('state=open')).toEqual([open.uuid, cert.uuid]);
    expect(await ids('state=closed')).toEqual([old.uuid]);
    expect(await ids('type=cert_expiring')).toEqual([cert.uuid]);
    expect(await ids('since=2026-01-15T00:00:00Z')).toEqual([open.uuid, cert.uuid]);
    expect(await ids('until=2026-01-15T00:00:00Z')).toEqual([old.uuid]);
    expect(await ids('since=2026-01-12T00:00:00Z&until=2026-01-16T00:00:00%2B00:00')).toEqual([cert.uuid]);
    expect((await list(`check_id=${beta.check.uuid}`)).data.map((event) => event.site_id)).toEqual([beta.site.uuid]);
  });

  it('names the bad query parameter, and refuses a cursor it did not make', async () => {
    const bad = await request(harness.app).get('/api/v1/events?state=ajar').set('Authorization', reader);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.problems[0].field).toBe('state');
    const since = await request(harness.app).get('/api/v1/events?since=yesterday').set('Authorization', reader);
    expect(since.body.error.details.problems[0].field).toBe('since');
    const cursor = await request(harness.app).get('/api/v1/events?cursor=bm90IGEgY3Vyc29y').set('Authorization', reader);
    expect([cursor.status, cursor.body.error.code]).toEqual([400, 'invalid_cursor']);
    const forged = Buffer.from(JSON.stringify({ started_at: 'soon', id: '1' })).toString('base64url');
    expect((await request(harness.app).get(`/api/v1/events?cursor=${forged}`).set('Authorization', reader)).status).toBe(400);
  });

  it('answers an event with its transitions in order, its cause and its effects', async () => {
    const site = await createSiteWithCheck(harness.db.prisma);
    const cause = await insertEvent(site, { eventType: 'runner_offline', severity: 'warning', location: 'us-1', startedAt: at('2026-04-01T09:59:00Z') });
    const event = await insertEvent(site, {
      checkId: site.check.id,
      endpointId: site.endpoint.id,
      checkType: 'http',
      startedAt: at('2026-04-01T10:00:00Z'),
      causeEventId: cause.id,
    });
    const transitions = [
      { stateBefore: null, stateAfter: 'seems_down', severityBefore: null, severityAfter: 'low', reason: 'opened', source: 'location:us-1', at: '10:00:00' },
      { stateBefore: 'seems_down', stateAfter: 'down', severityBefore: 'low', severityAfter: 'high', reason: 'confirmed', source: 'system', at: '10:01:00' },
      { stateBefore: 'down', stateAfter: 'down', severityBefore: 'high', severityAfter: 'high', reason: 'cause_linked', source: 'operator:ops', at: '10:01:00' },
    ] as const;
    for (const transition of transitions) {
      await harness.db.prisma.eventTransition.create({
        data: { ...transition, eventId: event.id, siteId: site.site.id, at: at(`2026-04-01T${transition.at}Z`), metadata: { step: transition.reason } },
      });
    }
    await harness.db.prisma.siteEvent.update({ where: { id: event.id }, data: { eventType: 'down', severity: 'high' } });

    const response = await request(harness.app).get(`/api/v1/events/${event.uuid}`).set('Authorization', reader);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: event.uuid, type: 'down', severity: 'high', state: 'open', cause_event_id: cause.uuid, effects: [], effects_count: 0 });
    expect(response.body.transitions).toEqual(
      transitions.map((transition) => ({
        state_before: transition.stateBefore,
        state_after: transition.stateAfter,
        severity_before: transition.severityBefore,
        severity_after: transition.severityAfter,
        reason: transition.reason,
        source: transition.source,
        metadata: { step: transition.reason },
        at: `2026-04-01T${transition.at}.000Z`,
      })),
    );
    expect(response.body.cause).toEqual({
      id: cause.uuid,
      site_id: site.site.uuid,
      check_id: null,
      location: 'us-1',
      type: 'runner_offline',
      state: 'open',
      severity: 'warning',
      started_at: '2026-04-01T09:59:00.000Z',
      ended_at: null,
    });

    const causeDetail = await request(harness.app).get(`/api/v1/events/${cause.uuid}`).set('Authorization', reader);
    expect(causeDetail.body).toMatchObject({ cause: null, cause_event_id: null, effects_count: 1, transitions: [] });
    expect(causeDetail.body.effects).toEqual([
      {
        id: event.uuid,
        site_id: site.site.uuid,
        check_id: site.check.uuid,
        location: null,
        type: 'down',
        state: 'open',
        severity: 'high',
        started_at: '2026-04-01T10:00:00.000Z',
        ended_at: null,
      },
    ]);
  });

  it('links a runner going offline to the unknown spells and outages it caused, oldest first, listing a bounded number', async () => {
    const site = await createSiteWithCheck(harness.db.prisma);
    const offline = await insertEvent(site, {
      eventType: 'runner_offline',
      severity: 'warning',
      location: 'eu-2',
      startedAt: at('2026-05-01T08:00:00Z'),
      endedAt: at('2026-05-01T09:00:00Z'),
      resolutionReason: 'recovered',
    });
    const spell = await insertEvent(site, {
      checkId: site.check.id,
      eventType: 'unknown',
      severity: 'low',
      startedAt: at('2026-05-01T08:02:00Z'),
      endedAt: at('2026-05-01T09:01:00Z'),
      resolutionReason: 'recovered',
      causeEventId: offline.id,
    });
    const extra = EVENT_MAX_EFFECTS + 2;
    await harness.db.prisma.siteEvent.createMany({
      data: Array.from({ length: extra }, (_, i) => ({
        siteId: site.site.id,
        eventType: 'seems_down' as const,
        severity: 'low' as const,
        startedAt: at('2026-05-01T08:30:00Z'),
        endedAt: at('2026-05-01T08:31:00Z'),
        resolutionReason: 'false_alarm' as const,
        causeEventId: offline.id,
        location: `loc-${i}`,
      })),
    });

    const detail = (await request(harness.app).get(`/api/v1/events/${offline.uuid}`).set('Authorization', reader).expect(200)).body;
    expect(detail.effects_count).toBe(extra + 1);
    expect(detail.effects).toHaveLength(EVENT_MAX_EFFECTS);
    expect(detail.effects[0]).toEqual({
      id: spell.uuid,
      site_id: site.site.uuid,
      check_id: site.check.uuid,
      location: null,
      type: 'unknown',
      state: 'closed',
      severity: 'low',
      started_at: '2026-05-01T08:02:00.000Z',
      ended_at: '2026-05-01T09:01:00.000Z',
    });
    const spellDetail = (await request(harness.app).get(`/api/v1/events/${spell.uuid}`).set('Authorization', reader).expect(200)).body;
    expect(spellDetail).toMatchObject({ type: 'unknown', cause_event_id: offline.uuid, effects: [], effects_count: 0 });
    expect(spellDetail.cause).toMatchObject({ id: offline.uuid, type: 'runner_offline', location: 'eu-2', state: 'closed', ended_at: '2026-05-01T09:00:00.000Z' });
  });

  it('answers 404 for an unknown event and 400 for an id that is not a uuid', async () => {
    expect((await request(harness.app).get('/api/v1/events/7a0c7f0e-3d7e-4d8b-9e2f-1b2c3d4e5f60').set('Authorization', reader)).status).toBe(404);
    expect((await request(harness.app).get('/api/v1/events/42').set('Authorization', reader)).status).toBe(400);
  });

  it('answers 401 without a key', async () => {
    expect((await request(harness.app).get('/api/v1/events')).status).toBe(401);
  });
});
