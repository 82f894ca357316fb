import { checkSecretsKeptForNewTarget, hasUserinfo, maskCheckSpec, maskTarget, restoreMaskedCheckSecrets, targetWithoutUserinfo } from './check-secrets';

describe('check secrets', () => {
  const spec = { method: 'GET', headers: { Authorization: 'Bearer tok-abcdefgh', 'X-Api-Key': 'k', 'X-Request-From': 'vigil' } };

  it('masks the secret headers of an HTTP check and leaves the others', () => {
    expect(maskCheckSpec('http', spec)).toEqual({ method: 'GET', headers: { Authorization: '••••efgh', 'X-Api-Key': '••••', 'X-Request-From': 'vigil' } });
    expect(maskCheckSpec('tcp', { send: 'x' })).toEqual({ send: 'x' });
  });

  it('masks the password (or the lone user) of a URL target, and drops it for alerts', () => {
    expect(maskTarget('https://bot:s3cr3t-pass@shop.example/health')).toBe('https://bot:••••pass@shop.example/health');
    expect(maskTarget('https://ghp_tokentokentoken@api.example/')).toBe('https://••••oken@api.example/');
    expect(maskTarget('https://shop.example/a@b')).toBe('https://shop.example/a@b');
    expect(maskTarget('db.example:5432')).toBe('db.example:5432');
    expect(targetWithoutUserinfo('http://user:pass@127.0.0.1:8080/x')).toBe('http://127.0.0.1:8080/x');
    expect(hasUserinfo('http://user:pass@127.0.0.1/')).toBe(true);
    expect(hasUserinfo('http://127.0.0.1/?u=a@b')).toBe(false);
  });

  it('restores masked headers sent back, and refuses a mask of nothing stored', () => {
    const masked = maskCheckSpec('http', spec);
    expect(restoreMaskedCheckSecrets('http', masked, spec)).toEqual({ spec, kept: ['spec.headers.Authorization', 'spec.headers.X-Api-Key'], problems: [] });
    const wrong = restoreMaskedCheckSecrets('http', { headers: { Authorization: '••••nope' } }, spec);
    expect(wrong.problems).toEqual([{ field: 'spec.headers.Authorization', message: expect.stringContaining('send the whole secret') }]);
  });

  it('names the secret headers a new target would take along', () => {
    expect(checkSecretsKeptForNewTarget('http', spec, undefined, []).map((p) => p.field)).toEqual(['spec.headers.Authorization', 'spec.headers.X-Api-Key']);
    expect(checkSecretsKeptForNewTarget('http', spec, {}, ['spec.headers.X-Api-Key']).map((p) => p.field)).toEqual(['spec.headers.X-Api-Key']);
    expect(checkSecretsKeptForNewTarget('http', spec, spec, [])).toEqual([]);
  });
});
