import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { appVariables } from './config-names';
import { appOf, type ComposeService, dependsOn, environmentOf, interpolate, readCompose } from './compose';
import { parseHealthcheck } from './dockerfile';
import { entryOf, readAppImage, scriptOf } from './image';
import { DOCKER_DIR, ROOT } from './workspace';

const compose = readCompose();
const services = compose.services;
const RUNNER_SLUGS = ['us-1', 'eu-1', 'ap-1'];
/** Read by Node itself, not by the app's configuration. */
const NODE_VARIABLES = new Set(['NODE_OPTIONS']);
const SECRET_VARIABLES = ['VIGIL_ADMIN_KEY', 'VIGIL_API_KEY', 'POSTGRES_PASSWORD', 'VIGIL_RUNNER_KEY', 'VIGIL_SECRET_KEY'];
const appServices = Object.entries(services).filter(([, service]) => appOf(service) !== undefined);
const runners = Object.entries(services).filter(([, service]) => appOf(service) === 'runner');
const rawCompose = readFileSync(join(DOCKER_DIR, 'compose.yaml'), 'utf8');

function command(service: ComposeService): string[] | undefined {
  if (service.command === undefined) return undefined;
  return Array.isArray(service.command) ? service.command : service.command.split(/\s+/);
}

describe('docker/compose.yaml', () => {
  it('runs PostgreSQL, the migrations once, the controller API, the evaluator, the notifier and three runners (the CLI on demand)', () => {
    const started = Object.entries(services).filter(([, service]) => !service.profiles?.length).map(([name]) => name);
    expect(started.sort()).toEqual(
      ['postgres', 'migrate', 'controller-api', 'evaluator', 'notifier', ...RUNNER_SLUGS.map((slug) => `runner-${slug}`)].sort(),
    );
    expect(services['cli']?.profiles).toEqual(['tools']);
    expect(services['postgres'].image).toMatch(/^postgres:\d+/);
  });

  it('runs two controller API replicas', () => {
    expect(services['controller-api'].deploy?.replicas).toBe(2);
  });

  it('builds every app service from an existing Dockerfile with the repository as context', () => {
    for (const [name, service] of appServices) {
      expect([name, resolve(DOCKER_DIR, service.build?.context ?? '.')]).toEqual([name, ROOT]);
      expect([name, existsSync(join(ROOT, service.build?.dockerfile ?? ''))]).toEqual([name, true]);
      expect([name, service.image]).toEqual([name, `vigil/${appOf(service)}:latest`]);
    }
  });

  it("runs in every service the main.js of its app's Nx build output", () => {
    for (const [name, service] of appServices) {
      const image = readAppImage(appOf(service) as string);
      const argv = command(service);
      expect([name, argv === undefined ? scriptOf(image) : scriptOf(image, argv)]).toEqual([name, entryOf(image)]);
    }
  });

  it('migrates in a one-shot service that every service on the database waits for', () => {
    const migrate = services['migrate'];
    expect(appOf(migrate)).toBe('controller-api');
    expect(command(migrate)?.slice(-2)).toEqual(['main.js', 'migrate']);
    expect(migrate.restart).toBe('no');
    expect(dependsOn(migrate)['postgres']).toEqual({ condition: 'service_healthy' });
    const onDatabase = appServices.filter(([name, service]) => name !== 'migrate' && environmentOf(service)['DATABASE_URL'] !== undefined);
    expect(onDatabase.map(([name]) => name).sort()).toEqual(['controller-api', 'evaluator', 'notifier']);
    for (const [name, service] of onDatabase) {
      expect([name, dependsOn(service)['migrate']]).toEqual([name, { condition: 'service_completed_successfully' }]);
      // The one-shot service migrates; the replicas must not race it.
      expect([name, environmentOf(service)['VIGIL_MIGRATE']]).toEqual([name, 'off']);
    }
  });

  it('waits for PostgreSQL to answer, which needs its health check', () => {
    expect(services['postgres'].healthcheck?.test).toBeDefined();
    for (const [name, service] of appServices.filter(([, s]) => environmentOf(s)['DATABASE_URL'] !== undefined)) {
      expect([name, dependsOn(service)['postgres']]).toEqual([name, { condition: 'service_healthy' }]);
    }
  });

  it('starts runners in us-1, eu-1 and ap-1 once a controller is healthy, each with its key as a secret file', () => {
    expect(runners.map(([, service]) => environmentOf(service)['VIGIL_RUNNER_SLUG']).sort()).toEqual([...RUNNER_SLUGS].sort());
    for (const [name, service] of runners) {
      const env = environmentOf(service);
      expect([name, env['VIGIL_CONTROLLER_URL']]).toEqual([name, 'http://controller-api:8080']);
      expect([name, dependsOn(service)['controller-api']]).toEqual([name, { condition: 'service_healthy' }]);
      expect(env['VIGIL_RUNNER_KEY']).toBeUndefined();
      const secret = /^\/run\/secrets\/(.+)$/.exec(env['VIGIL_RUNNER_KEY_FILE'] ?? '')?.[1];
      expect([name, service.secrets]).toEqual([name, [secret]]);
      const file = compose.secrets?.[secret as string]?.file;
      expect([name, file && relative(ROOT, resolve(DOCKER_DIR, file))]).toEqual([name, `docker/secrets/runner-${env['VIGIL_RUNNER_SLUG']}.pem`]);
      expect([name, service.volumes?.some((volume) => typeof volume === 'string' && volume.endsWith(':/var/lib/vigil'))]).toEqual([name, true]);
    }
  });

  it("sets only variables the service's app reads", () => {
    const unknown = appServices.flatMap(([name, service]) => {
      const known = appVariables(appOf(service) as string);
      return Object.keys(environmentOf(service))
        .filter((variable) => !known.has(variable) && !NODE_VARIABLES.has(variable))
        .map((variable) => `${name}: ${variable}`);
    });
    expect(unknown).toEqual([]);
  });

  it('relies on the images for the health checks of the apps it waits on', () => {
    for (const [name, service] of appServices.filter(([, s]) => s.restart !== 'no')) {
      const healthcheck = readAppImage(appOf(service) as string).runtime.instructions.find((i) => i.keyword === 'HEALTHCHECK');
      expect([name, healthcheck && parseHealthcheck(healthcheck).command?.[0]]).toEqual([name, 'node']);
    }
  });

  it('holds no secret: every one comes from docker/.env, which .env.example documents', () => {
    for (const [name, service] of Object.entries(services)) {
      const env = environmentOf(service);
      for (const variable of SECRET_VARIABLES.filter((v) => env[v] !== undefined)) {
        expect([name, variable, env[variable]]).toEqual([name, variable, expect.stringMatching(/^\$\{[A-Z_]+(:\?[^}]*)?\}$/)]);
      }
      if (env['DATABASE_URL'] !== undefined) {
        expect([name, env['DATABASE_URL']]).toEqual([name, expect.stringMatching(/^postgres:\/\/vigil:\$\{POSTGRES_PASSWORD:\?[^}]*\}@postgres:5432\/vigil$/)]);
      }
    }
    const example = readFileSync(join(DOCKER_DIR, '.env.example'), 'utf8');
    const used = new Set([...rawCompose.matchAll(/\$\{([A-Z_][A-Z0-9_]*)/g)].map((match) => match[1]));
    const documented = new Set([...example.matchAll(/^#? ?([A-Z_][A-Z0-9_]*)=/gm)].map((match) => match[1]));
    expect([...used].filter((variable) => !documented.has(variable))).toEqual([]);
  });

  it('refuses to start without the required secrets, naming the file to fill in', () => {
    const url = environmentOf(services['controller-api'])['DATABASE_URL'];
    expect(() => interpolate(url, {})).toThrow('POSTGRES_PASSWORD: set POSTGRES_PASSWORD in docker/.env');
    expect(interpolate(url, { POSTGRES_PASSWORD: 'pw' })).toBe('postgres://vigil:pw@postgres:5432/vigil');
  });
});
