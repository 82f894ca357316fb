import { CONTROLLER_LOCATION } from '@vigil/contracts';
import type { Database } from '@vigil/db';
import { createTestDatabase, type TestDatabase, testDatabaseKinds } from '@vigil/db/testing';
import { generateSecretKey, SecretKeyring } from '@vigil/secrets';
import { Registry } from 'prom-client';
import { runsDue } from '../scheduling/runs-due';
import { ownLocationLink } from './location-link';
import { seedDueChecks } from './test-helpers';

describe.each(testDatabaseKinds())('the @controller location link on %s', (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(() => database.dispose());

  /** The database, with the text of each raw statement it is sent kept in `sent`. */
  function recording(db: Database): { db: Pick<Database, 'prisma'>; sent: string[] } {
    const sent: string[] = [];
    const prisma = new Proxy(db.prisma, {
      get(target, key, receiver) {
        if (key !== '$queryRaw') return Reflect.get(target, key, receiver);
        return (query: { sql: string }, ...rest: unknown[]) => {
          sent.push(query.sql);
          return (target.$queryRaw as (...args: unknown[]) => unknown)(query, ...rest);
        };
      },
    });
    return { db: { prisma }, sent };
  }

  it('says whether a run of the location is due now or within the lookahead', async () => {
    const location = 'due-probe-1';
    expect(await runsDue(database.db, location)).toBe(false);
    await seedDueChecks(database.db, { locations: [location], dueAt: new Date(Date.now() + 3_000) });
    expect(await runsDue(database.db, location)).toBe(false);
    expect(await runsDue(database.db, location, 1_000)).toBe(false);
    expect(await runsDue(database.db, location, 5_000)).toBe(true);
    expect(await runsDue(database.db, 'due-probe-2', 5_000)).toBe(false);
  });

  it('looks before leasing after a poll that found nothing, and still leases a run as soon as it is due', async () => {
    const { db, sent } = recording(database.db);
    const link = ownLocationLink({ db, metrics: new Registry(), secretKeys: SecretKeyring.fromText(generateSecretKey()) });
    const leases = () => sent.filter((sql) => sql.includes('UPDATE location_states')).length;
    expect(await link.poll(10, 1_000)).toEqual([]);
    expect(leases()).toBe(1);
    // Idle: each poll is the look alone.
    expect(await link.poll(10, 1_000)).toEqual([]);
    expect(await link.poll(10, 1_000)).toEqual([]);
    expect(leases()).toBe(1);
    expect(sent).toHaveLength(3);
    // A run falls due within the lookahead: the next poll leases it, and the one after leases at once.
    const [check] = await seedDueChecks(database.db, { locations: [CONTROLLER_LOCATION], dueAt: new Date(Date.now() + 500) });
    const runs = await link.poll(10, 1_000);
    expect(runs.map((run) => run.check_id)).toEqual([check?.uuid]);
    expect(leases()).toBe(2);
    expect(await link.poll(10, 1_000)).toEqual([]);
    expect(leases()).toBe(3);
    expect(sent).toHaveLength(6);
  });
});
