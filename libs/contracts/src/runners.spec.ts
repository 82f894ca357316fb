import { CreateRunnerBody, RunnerSlugParams, runnersRoutes } from './runners';

describe('the runners contracts', () => {
  it('take a slug of lower-case letters, digits and dashes, and trim the name', () => {
    expect(CreateRunnerBody.parse({ slug: 'us-east-1', name: '  Virginia ' })).toEqual({ slug: 'us-east-1', name: 'Virginia' });
    expect(CreateRunnerBody.safeParse({ slug: 'US_EAST' }).success).toBe(false);
    expect(CreateRunnerBody.safeParse({ slug: '@controller' }).success).toBe(false);
    expect(CreateRunnerBody.safeParse({ slug: 'ok', name: '   ' }).success).toBe(false);
  });

  it('leave the name out when none is given, so the controller can use the slug', () => {
    expect(CreateRunnerBody.parse({ slug: 'eu-1' })).toEqual({ slug: 'eu-1' });
  });

  it('refuse a path slug that could not be one', () => {
    expect(RunnerSlugParams.safeParse({ slug: 'a/b' }).success).toBe(false);
  });

  it('let only admin keys create, rotate and revoke runners, and read keys list them', () => {
    const scopes = Object.fromEntries(runnersRoutes.map((route) => [route.operationId, route.auth]));
    expect(scopes).toEqual({
      createRunner: { kind: 'api-key', scope: 'admin' },
      listRunners: { kind: 'api-key', scope: 'read' },
      getRunner: { kind: 'api-key', scope: 'read' },
      rotateRunnerKey: { kind: 'api-key', scope: 'admin' },
      revokeRunner: { kind: 'api-key', scope: 'admin' },
    });
  });
});
