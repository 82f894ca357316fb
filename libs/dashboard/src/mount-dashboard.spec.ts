import { createServiceApp } from '@vigil/http';
import { testServiceDeps } from '@vigil/http/testing';
import { createCapturedLogger } from '@vigil/logger/testing';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { BUNDLED_ASSETS_PATH, findAssetsDir } from './assets-dir';
import { DASHBOARD_CSP, mountDashboard } from './mount-dashboard';

const INDEX = readFileSync(join(__dirname, '..', 'public', 'index.html'), 'utf8');

/** A service app as the controller builds it: an API route, the dashboard, then the JSON 404. */
function appWithDashboard(options: Parameters<typeof mountDashboard>[1] = {}) {
  return createServiceApp(testServiceDeps(), {
    mount: (app) => {
      app.get('/api/v1/ping', (_req, res) => void res.json({ pong: true }));
      mountDashboard(app, options);
    },
  });
}

describe('mountDashboard', () => {
  const app = appWithDashboard();

  it('serves index.html at / with a strict Content-Security-Policy and revalidation', async () => {
    const response = await request(app).get('/');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.text).toBe(INDEX);
    expect(response.headers['content-security-policy']).toBe(DASHBOARD_CSP);
    expect(DASHBOARD_CSP.split('; ')).toEqual(expect.arrayContaining(["default-src 'self'", "script-src 'self'", "style-src 'self'"]));
    expect(DASHBOARD_CSP).not.toContain('unsafe-inline');
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });

  it('has no inline script or style in its page, so the policy costs it nothing', () => {
    expect(INDEX).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(INDEX).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    expect(INDEX).not.toMatch(/https?:\/\//);
  });

  it.each(['/sites', '/sites/0b6f3f5e-3c1a-4d3e-9a52-2f1f6f0e9a10', '/checks/abc/', '/events/abc', '/runners', '/maintenance', '/login'])(
    'answers the client route %s with index.html',
    async (path) => {
      const response = await request(app).get(path);
      expect(response.status).toBe(200);
      expect(response.text).toBe(INDEX);
      expect(response.headers['content-security-policy']).toBe(DASHBOARD_CSP);
    },
  );

  it('serves its scripts and styles with their types and the same headers', async () => {
    const script = await request(app).get('/assets/dashboard/js/main.js');
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toMatch(/^(text|application)\/javascript/);
    expect(script.headers['cache-control']).toBe('no-cache');
    expect(script.headers['content-security-policy']).toBe(DASHBOARD_CSP);
    const style = await request(app).get('/assets/dashboard/app.css');
    expect(style.status).toBe(200);
    expect(style.headers['content-type']).toMatch(/^text\/css/);
  });

  it('leaves /api routes and their 404s to the API, in JSON', async () => {
    expect((await request(app).get('/api/v1/ping')).body).toEqual({ pong: true });
    const missing = await request(app).get('/api/v1/nothing-here').set('Accept', 'text/html');
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toMatch(/^application\/json/);
    expect(missing.body).toEqual({ error: { code: 'not_found', message: 'No route for GET /api/v1/nothing-here' } });
  });

  it.each(['/status/shop', '/sites/a/b', '/nope', '/assets/dashboard/missing.js'])('answers %s with the JSON 404, not the dashboard', async (path) => {
    const response = await request(app).get(path).set('Accept', 'text/html');
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('not_found');
  });

  it('keeps the API up and says what is missing when its files are not there', async () => {
    const log = createCapturedLogger();
    const broken = appWithDashboard({ assetsDir: join(tmpdir(), 'no-such-dashboard'), logger: log.logger });
    const page = await request(broken).get('/sites');
    expect(page.status).toBe(503);
    expect(page.text).toContain('dashboard files are missing');
    expect((await request(broken).get('/api/v1/ping')).body).toEqual({ pong: true });
    expect(log.entries().map((e) => [e['level'], e['message']])).toEqual([['error', expect.stringContaining('dashboard files not found')]]);
  });
});

describe('findAssetsDir', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'vigil-dashboard-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('finds the files from source', () => {
    expect(findAssetsDir(__dirname)).toBe(join(__dirname, '..', 'public'));
  });

  it('finds the files copied beside a production bundle', () => {
    mkdirSync(join(dir, BUNDLED_ASSETS_PATH), { recursive: true });
    writeFileSync(join(dir, BUNDLED_ASSETS_PATH, 'index.html'), '<!doctype html>');
    expect(findAssetsDir(dir)).toBe(join(dir, BUNDLED_ASSETS_PATH));
  });

  it('finds the workspace copy from a script bundled inside the workspace, and nothing elsewhere', () => {
    const workspace = join(__dirname, '..', '..', '..');
    expect(findAssetsDir(join(workspace, 'tmp', 'run-ts'))).toBe(join(workspace, 'libs', 'dashboard', 'public'));
    expect(findAssetsDir(dir)).toBeUndefined();
  });
});
