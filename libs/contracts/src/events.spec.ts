import { EventDetailSchema, ListEventsQuery } from './events';

describe('the events contracts', () => {
  it('read the list query from strings, with a default page size', () => {
    expect(ListEventsQuery.parse({ state: 'open', type: 'down', limit: '20' })).toEqual({ state: 'open', type: 'down', limit: 20 });
    expect(ListEventsQuery.parse({})).toEqual({ limit: 50 });
  });

  it('refuse an unknown state or type, a time without a zone and an unknown parameter', () => {
    expect(ListEventsQuery.safeParse({ state: 'ajar' }).success).toBe(false);
    expect(ListEventsQuery.safeParse({ type: 'meltdown' }).success).toBe(false);
    expect(ListEventsQuery.safeParse({ since: '2026-01-01T00:00:00' }).success).toBe(false);
    expect(ListEventsQuery.safeParse({ site: 'x' }).success).toBe(false);
  });

  it('describe an event detail with its transitions, cause and effects', () => {
    expect(Object.keys(EventDetailSchema.shape)).toEqual(
      expect.arrayContaining(['id', 'site_id', 'check_id', 'type', 'state', 'severity', 'started_at', 'transitions', 'cause', 'effects']),
    );
  });
});
