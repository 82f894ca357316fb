import { DatabaseError } from './errors';
import { createTestDatabase, type TestDatabase } from './testing';

describe('the bulk-write guard', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase('embedded');
    await t.db.prisma.site.createMany({ data: [{ name: 'a', slug: 'a' }, { name: 'b', slug: 'b' }] });
  });
  afterAll(() => t.dispose());

  it('refuses deleteMany without a where and leaves the table as it was', async () => {
    await expect(t.db.prisma.site.deleteMany()).rejects.toBeInstanceOf(DatabaseError);
    expect(await t.db.prisma.site.count()).toBe(2);
  });

  it('refuses deleteMany whose filter is all undefined', async () => {
    const slug: string | undefined = undefined;
    await expect(t.db.prisma.site.deleteMany({ where: { slug } })).rejects.toMatchObject({ code: 'unsafe_query' });
    expect(await t.db.prisma.site.count()).toBe(2);
  });

  it('refuses updateMany with an empty where', async () => {
    await expect(t.db.prisma.site.updateMany({ where: {}, data: { name: 'x' } })).rejects.toMatchObject({
      code: 'unsafe_query',
      message: expect.stringContaining('Site.updateMany'),
    });
    expect(await t.db.prisma.site.count({ where: { name: 'x' } })).toBe(0);
  });

  it('lets a filtered bulk write through', async () => {
    await expect(t.db.prisma.site.updateMany({ where: { slug: 'a' }, data: { name: 'A' } })).resolves.toEqual({ count: 1 });
    await expect(t.db.prisma.site.deleteMany({ where: { slug: 'b' } })).resolves.toEqual({ count: 1 });
  });
});
