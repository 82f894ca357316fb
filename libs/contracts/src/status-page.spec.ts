import { buildOpenApiDocument } from './openapi';
import { getPublicStatus, PublicStatusSchema, statusPageRoutes } from './status-page';

const figures = { ratio: 0.99, since: '2026-11-20T00:00:00Z', down_s: 60, monitored_s: 6000, maintenance_s: 0, unknown_s: 0 };

describe('the public status contract', () => {
  it('documents both status routes as public, with their 404 and without 401 or 403', () => {
    const document = buildOpenApiDocument(statusPageRoutes, { title: 't', version: '1' }) as {
      paths: Record<string, { get: { security: unknown[]; responses: Record<string, unknown> } }>;
    };
    for (const path of ['/api/v1/public/status/{slug}', '/status/{slug}']) {
      expect(document.paths[path].get.security).toEqual([]);
      expect(Object.keys(document.paths[path].get.responses)).toEqual(expect.arrayContaining(['200', '404']));
      expect(Object.keys(document.paths[path].get.responses)).not.toContain('401');
    }
  });

  it('takes a slug in the path, refusing what no site could have', () => {
    expect(getPublicStatus.params.safeParse({ slug: 'shop-eu' }).success).toBe(true);
    expect(getPublicStatus.params.safeParse({ slug: 'Shop EU' }).success).toBe(false);
  });

  it('describes uptime ratios within [0, 1] or null, and incidents with their check but never its target', () => {
    const body = {
      site: { name: 'Shop', slug: 'shop' },
      status: 'up',
      unknown_checks: 0,
      last_checked_at: null,
      generated_at: '2026-11-23T15:00:00Z',
      uptime: { '24h': figures, '7d': { ...figures, ratio: null }, '90d': figures },
      days: [{ date: '2026-11-23', state: 'up', ratio: 1, down_s: 0, unknown_s: 0 }],
      incidents: [
        {
          id: '8b1c6f0e-3a57-4c8e-9d3c-1d2f5e6a7b8c',
          type: 'outage',
          severity: 'high',
          started_at: '2026-11-23T14:00:00Z',
          ended_at: null,
          duration_s: 3600,
          ongoing: true,
          resolution: null,
          check: { name: 'Homepage', type: 'http', target: 'https://internal/' },
        },
      ],
      upcoming_maintenance: [],
    };
    const parsed = PublicStatusSchema.parse(body);
    expect(parsed.incidents[0].check).toEqual({ name: 'Homepage', type: 'http' });
    expect(PublicStatusSchema.safeParse({ ...body, uptime: { ...body.uptime, '24h': { ...figures, ratio: 1.5 } } }).success).toBe(false);
  });
});
