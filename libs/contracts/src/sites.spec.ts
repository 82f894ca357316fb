import { fieldProblems } from './issues';
import { CreateSiteBody, ListSitesQuery, siteSlugFromName, UpdateSiteBody } from './sites';

describe('a slug derived from a site name', () => {
  it('is the name in lower case with dashes between words', () => {
    expect(siteSlugFromName('Shop (EU)')).toBe('shop-eu');
    expect(siteSlugFromName('  My   API v2!  ')).toBe('my-api-v2');
  });

  it('drops accents and keeps within 63 characters without a trailing dash', () => {
    expect(siteSlugFromName('Café Crème')).toBe('cafe-creme');
    const slug = siteSlugFromName(`${'a'.repeat(62)} b`);
    expect(slug).toBe('a'.repeat(62));
  });

  it('falls back to "site" when nothing is left', () => {
    expect(siteSlugFromName('日本語')).toBe('site');
    expect(siteSlugFromName('---')).toBe('site');
  });
});

describe('site bodies', () => {
  it('need a name and default public_status_page to false', () => {
    expect(CreateSiteBody.parse({ name: ' Shop ' })).toEqual({ name: 'Shop', public_status_page: false });
    const result = CreateSiteBody.safeParse({ name: '', slug: 'Not A Slug', extra: 1 });
    expect(result.error && fieldProblems(result.error).map((problem) => problem.field)).toEqual(['name', 'slug', '']);
  });

  it('change only what is sent', () => {
    expect(UpdateSiteBody.parse({})).toEqual({});
    expect(UpdateSiteBody.parse({ public_status_page: true })).toEqual({ public_status_page: true });
    expect(UpdateSiteBody.safeParse({ status: 'up' }).success).toBe(false);
  });

  it('list with a page size, a cursor and a slug filter', () => {
    expect(ListSitesQuery.parse({ slug: 'shop', limit: '10' })).toEqual({ slug: 'shop', limit: 10 });
    expect(ListSitesQuery.safeParse({ slug: 'Shop' }).success).toBe(false);
  });
});
