import { generateSecretKey, SecretKeyError, SecretKeyring } from './keyring';
import { channelSealer, checkSealer } from './seal';

describe('sealing channel configs and check specs', () => {
  const keyring = SecretKeyring.fromText(generateSecretKey());
  const webhook = { url: 'https://ops.example/hook', secret: 'signing-secret-0042', headers: { Authorization: 'Bearer abc', 'X-Team': 'ops' } };

  it('seals only the secret values of a channel config, and opens them back', () => {
    const sealer = channelSealer(keyring, 'webhook');
    const sealed = sealer.seal(webhook);
    expect(sealed.url).toBe(webhook.url);
    expect((sealed.headers as Record<string, string>)['X-Team']).toBe('ops');
    expect(JSON.stringify(sealed)).not.toContain('signing-secret-0042');
    expect(JSON.stringify(sealed)).not.toContain('Bearer abc');
    expect(sealer.open(sealed)).toEqual(webhook);
    // A secret that only looks sealed (sent by a client) is sealed like any other, and reads back as sent.
    const lookalike = { ...webhook, secret: sealer.seal(webhook).secret as string };
    expect(sealer.open(sealer.seal(lookalike))).toEqual(lookalike);
    const forged = { ...webhook, secret: `enc:v1:${keyring.current.kid}:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA` };
    expect(sealer.open(sealer.seal(forged))).toEqual(forged);
    const email = { to: ['a@example.com'], smtp: { host: 'h', port: 587, secure: false, username: 'u', password: 'pw-123456' } };
    expect(channelSealer(keyring, 'email').open(channelSealer(keyring, 'email').seal(email))).toEqual(email);
  });

  it('seals an HTTP check’s secret headers, and nothing of other check types', () => {
    const spec = { method: 'GET', headers: { 'X-Api-Key': 'key-12345678', Accept: 'text/html' } };
    const sealed = checkSealer(keyring, 'http').seal(spec);
    expect(sealed.headers).toEqual({ 'X-Api-Key': expect.stringMatching(/^enc:v1:/), Accept: 'text/html' });
    expect(checkSealer(keyring, 'http').open(sealed)).toEqual(spec);
    expect(checkSealer(keyring, 'tcp').seal({ send: 'PING' })).toEqual({ send: 'PING' });
  });

  it('reseals values in clear or under a previous key, and says when nothing changed', () => {
    const old = generateSecretKey();
    const underOld = channelSealer(SecretKeyring.fromText(old), 'webhook').seal(webhook);
    const rotated = SecretKeyring.fromText(generateSecretKey(), [old]);
    const sealer = channelSealer(rotated, 'webhook');
    const fromOld = sealer.reseal(underOld);
    expect(fromOld.changed).toBe(true);
    // Without the key that sealed it, nothing is resealed (nor lost): the start stops instead.
    expect(() => channelSealer(SecretKeyring.fromText(generateSecretKey()), 'webhook').reseal(fromOld.config)).toThrow(SecretKeyError);
    expect(sealer.open(fromOld.config)).toEqual(webhook);
    expect(sealer.reseal(fromOld.config)).toEqual({ config: fromOld.config, changed: false });
    const fromClear = sealer.reseal(webhook);
    expect(fromClear.changed).toBe(true);
    expect(sealer.open(fromClear.config)).toEqual(webhook);
  });
});
