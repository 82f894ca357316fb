import { matchRoute, paths } from '../public/js/routes.js';
import { CLIENT_ROUTE } from './mount-dashboard';

const ID = '0b6f3f5e-3c1a-4d3e-9a52-2f1f6f0e9a10';

describe('client routes', () => {
  it('draws each page from its path, with decoded parameters', () => {
    expect(matchRoute('/sites')).toEqual({ name: 'sites', params: {} });
    expect(matchRoute(`/sites/${ID}`)).toEqual({ name: 'site', params: { id: ID } });
    expect(matchRoute(`/checks/${ID}/`)).toEqual({ name: 'check', params: { id: ID } });
    expect(matchRoute('/events/a%20b')).toEqual({ name: 'event', params: { id: 'a b' } });
    expect(['/login', '/events', '/runners', '/maintenance'].map((path) => matchRoute(path)?.name)).toEqual(['login', 'events', 'runners', 'maintenance']);
  });

  it('leaves the API, the status pages and unknown paths to the server', () => {
    for (const path of ['/api/v1/sites', '/status/shop', '/sites/a/b', '/healthz', '/nope']) expect(matchRoute(path)).toBeUndefined();
  });

  it('are exactly the paths the server answers with index.html', () => {
    const clientPaths = [
      '/login',
      paths.sites(),
      paths.site(ID),
      paths.check(ID),
      paths.events(),
      paths.event(ID),
      paths.runners(),
      paths.maintenance(),
      `${paths.site(ID)}/`,
    ];
    for (const path of clientPaths) expect({ path, served: CLIENT_ROUTE.test(path) }).toEqual({ path, served: true });
    for (const path of ['/api/v1/sites', '/status/shop', paths.statusPage('shop'), '/sites/a/b', '/metrics', '/assets/dashboard/app.css']) {
      expect({ path, served: CLIENT_ROUTE.test(path), drawn: matchRoute(path) !== undefined }).toEqual({ path, served: false, drawn: false });
    }
    expect(CLIENT_ROUTE.test('/')).toBe(true);
  });
});
