import { changeCheck } from '@vigil/controller';
import { createTestDatabase, type TestDatabase, testDatabaseKinds } from '@vigil/db/testing';
import { createCapturedLogger } from '@vigil/logger/testing';
import { generateSecretKey, SecretKeyring } from '@vigil/secrets';
import { DEMO_SITE_SLUG, demoSiteExists, seedDemo } from './seed-demo';

describe.each(testDatabaseKinds())('the demo seed on %s', (kind) => {
  let database: TestDatabase;
  const { logger } = createCapturedLogger();
  const secretKeys = SecretKeyring.fromText(generateSecretKey());
  beforeEach(async () => {
    database = await createTestDatabase(kind);
  });
  afterEach(() => database.dispose());

  const demoChecks = () =>
    database.db.prisma.check.findMany({
      where: { endpoint: { site: { slug: DEMO_SITE_SLUG } } },
      include: { endpoint: true, locationStates: true },
      orderBy: { name: 'asc' },
    });

  it('creates a public demo site with two quick checks run from @controller only, due at once', async () => {
    expect(await seedDemo(database.db, 'http://127.0.0.1:4100', logger, { create: true, secretKeys })).toEqual({ siteCreated: true, checksCreated: 2, checksRetargeted: 0 });
    const site = await database.db.prisma.site.findUniqueOrThrow({ where: { slug: DEMO_SITE_SLUG } });
    expect(site).toMatchObject({ name: 'Vigil demo', publicStatusPage: true });
    const checks = await demoChecks();
    expect(checks.map((check) => [check.name, check.endpoint.target])).toEqual([
      ['Always up', 'http://127.0.0.1:4100/always-up'],
      ['Flapping', 'http://127.0.0.1:4100/flapping'],
    ]);
    for (const check of checks) {
      expect(check).toMatchObject({ type: 'http', intervalS: 10, locations: ['@controller'], failingThreshold: 2, passingThreshold: 1, enabled: true });
      expect(check.locationStates.map((state) => state.location)).toEqual(['@controller']);
      expect(check.locationStates[0].nextDueAt.getTime()).toBeLessThanOrEqual(Date.now());
    }
  });

  it('changes nothing when run again at the same address, and keeps the checks (and their ids) at another', async () => {
    await seedDemo(database.db, 'http://127.0.0.1:4100', logger, { create: true, secretKeys });
    const before = await demoChecks();
    expect(await seedDemo(database.db, 'http://127.0.0.1:4100', logger, { create: true, secretKeys })).toEqual({ siteCreated: false, checksCreated: 0, checksRetargeted: 0 });
    expect(await seedDemo(database.db, 'http://127.0.0.1:4200', logger, { create: true, secretKeys })).toEqual({ siteCreated: false, checksCreated: 0, checksRetargeted: 2 });
    const after = await demoChecks();
    expect(after.map((check) => check.uuid)).toEqual(before.map((check) => check.uuid));
    expect(after.map((check) => check.endpoint.target)).toEqual(['http://127.0.0.1:4200/always-up', 'http://127.0.0.1:4200/flapping']);
    expect(await database.db.prisma.site.count()).toBe(1);
  });

  it('without VIGIL_DEMO, creates nothing but keeps a demo seeded earlier pointed at this start', async () => {
    expect(await demoSiteExists(database.db)).toBe(false);
    expect(await seedDemo(database.db, 'http://127.0.0.1:4100', logger, { create: false, secretKeys })).toEqual({ siteCreated: false, checksCreated: 0, checksRetargeted: 0 });
    expect(await database.db.prisma.site.count()).toBe(0);

    await seedDemo(database.db, 'http://127.0.0.1:4100', logger, { create: true, secretKeys });
    expect(await demoSiteExists(database.db)).toBe(true);
    const [alwaysUp] = await demoChecks();
    await database.db.prisma.check.update({ where: { id: alwaysUp.id }, data: { deletedAt: new Date(), enabled: false } });
    expect(await seedDemo(database.db, 'http://127.0.0.1:4300', logger, { create: false, secretKeys })).toEqual({ siteCreated: false, checksCreated: 0, checksRetargeted: 1 });
    const live = (await demoChecks()).filter((check) => check.deletedAt === null);
    expect(live.map((check) => [check.name, check.endpoint.target])).toEqual([['Flapping', 'http://127.0.0.1:4300/flapping']]);
  });

  it('leaves a demo check the operator disabled disabled, and brings back one that was deleted', async () => {
    await seedDemo(database.db, 'http://127.0.0.1:4100', logger, { create: true, secretKeys });
    const [alwaysUp, flapping] = await demoChecks();
    await changeCheck(database.db, secretKeys, alwaysUp.uuid, { enabled: false });
    await database.db.prisma.check.update({ where: { id: flapping.id }, data: { deletedAt: new Date(), enabled: false } });
    expect(await seedDemo(database.db, 'http://127.0.0.1:4100', logger, { create: true, secretKeys })).toEqual({ siteCreated: false, checksCreated: 1, checksRetargeted: 0 });
    const live = (await demoChecks()).filter((check) => check.deletedAt === null);
    expect(live.map((check) => [check.name, check.enabled])).toEqual([
      ['Always up', false],
      ['Flapping', true],
    ]);
  });
});
