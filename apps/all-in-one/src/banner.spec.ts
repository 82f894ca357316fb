import { bannerText, type BannerFacts, localBaseUrl } from './banner';

const KEY = 'vk_0123456789abcdefghijABCDEFGHIJ0123456789';
const firstStart: BannerFacts = {
  host: '0.0.0.0',
  port: 8080,
  dataDir: './.data',
  adminKey: { action: 'generated', key: KEY, keyFile: '.data/admin.key' },
  keyFile: '.data/admin.key',
};

describe('the start banner', () => {
  it('says, on a first start with the defaults, where to look, the new admin key and how to add a runner', () => {
    expect(bannerText(firstStart)).toBe(
      [
        '',
        '  Vigil is running (embedded database in ./.data). Ctrl-C stops it.',
        '',
        '  Dashboard       http://localhost:8080/',
        '  Status page     http://localhost:8080/status/<site-slug>  (sites with a public status page)',
        `  Admin API key   ${KEY}  (shown this once; also in .data/admin.key)`,
        '  Add a runner    npm run vigil -- runners create <slug>',
        '                  (prints the VIGIL_* variables to start that runner with: npm run start:runner)',
        '',
        '',
      ].join('\n'),
    );
  });

  it('points at the demo status page when the demo runs', () => {
    expect(bannerText({ ...firstStart, demoSite: 'demo' })).toContain('  Status page     http://localhost:8080/status/demo\n');
  });

  it('does not show the key again on a later start, but where it is kept', () => {
    const text = bannerText({ ...firstStart, adminKey: { action: 'none' } });
    expect(text).not.toContain('vk_');
    expect(text).toContain('  Admin API key   in .data/admin.key\n');
    expect(text).toContain('  Add a runner    npm run vigil -- runners create <slug>\n');
  });

  it('says how to get a key back when the key file is gone', () => {
    const text = bannerText({ ...firstStart, adminKey: { action: 'none' }, keyFile: undefined });
    expect(text).toContain('lost? stop Vigil, then: npm run vigil -- admin-key create');
    expect(text).toContain('  Add a runner    VIGIL_API_KEY=<an admin key> npm run vigil -- runners create <slug>\n');
  });

  it('names VIGIL_ADMIN_KEY when the key came from there', () => {
    for (const action of ['seeded', 'present'] as const) {
      const text = bannerText({ ...firstStart, adminKey: { action }, keyFile: undefined });
      expect(text).toContain('  Admin API key   the one in VIGIL_ADMIN_KEY\n');
      expect(text).toContain('  Add a runner    VIGIL_API_KEY=$VIGIL_ADMIN_KEY npm run vigil -- runners create <slug>\n');
    }
  });

  it('gives the CLI the address and data directory when they are not its defaults', () => {
    const text = bannerText({ ...firstStart, host: '127.0.0.1', port: 3000, dataDir: '/var/lib/vigil', keyFile: '/var/lib/vigil/admin.key' });
    expect(text).toContain('  Dashboard       http://127.0.0.1:3000/\n');
    expect(text).toContain('  Add a runner    VIGIL_URL=http://127.0.0.1:3000 VIGIL_DATA_DIR=/var/lib/vigil npm run vigil -- runners create <slug>\n');
  });

  it('says PostgreSQL when DATABASE_URL is set, without the URL (it may hold a password)', () => {
    const text = bannerText({ ...firstStart, databaseUrl: 'postgres://vigil:hunter2@db/vigil' });
    expect(text).toContain('Vigil is running (PostgreSQL).');
    expect(text).not.toContain('hunter2');
  });
});

describe('localBaseUrl', () => {
  it.each([
    ['0.0.0.0', 'http://localhost:8080'],
    ['::', 'http://localhost:8080'],
    ['127.0.0.1', 'http://127.0.0.1:8080'],
    ['::1', 'http://[::1]:8080'],
    ['[::1]', 'http://[::1]:8080'],
    ['vigil.internal', 'http://vigil.internal:8080'],
  ])('reaches HOST=%s at %s', (host, url) => {
    expect(localBaseUrl(host, 8080)).toBe(url);
  });
});
