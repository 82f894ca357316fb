import { createSiteWithCheck, createTestDatabase, type TestDatabase, testDatabaseKinds } from '@vigil/db/testing';
import { channelSealer, checkSealer, generateSecretKey, SecretKeyError, SecretKeyring } from '@vigil/secrets';
import { resealStoredSecrets } from './reseal-secrets';

const PASSWORD = 'smtp-password-1234';
const BEARER = 'Bearer chk-abcdefgh';

describe.each(testDatabaseKinds())('resealing stored secrets on %s', (kind) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase(kind);
  });
  afterEach(() => t.dispose());

  const email = { to: ['a@example.com'], smtp: { host: 'smtp.example.com', port: 465, secure: true, username: 'u', password: PASSWORD } };
  const spec = { method: 'GET', headers: { Authorization: BEARER, Accept: 'text/html' } };
  const seed = async (config: object, checkSpec: object) => {
    const channel = await t.db.prisma.notificationChannel.create({ data: { name: 'mail', type: 'email', config: config as never } });
    const { check } = await createSiteWithCheck(t.db.prisma);
    await t.db.prisma.check.update({ where: { id: check.id }, data: { type: 'http', spec: checkSpec as never } });
    return { channel, check };
  };
  const rows = async (ids: { channel: { id: number }; check: { id: number } }) => ({
    config: (await t.db.prisma.notificationChannel.findUniqueOrThrow({ where: { id: ids.channel.id } })).config,
    spec: (await t.db.prisma.check.findUniqueOrThrow({ where: { id: ids.check.id } })).spec,
  });

  it('seals secrets stored in clear (from before encryption), once', async () => {
    const keys = SecretKeyring.fromText(generateSecretKey());
    const ids = await seed(email, spec);
    expect(await resealStoredSecrets(t.db, keys)).toEqual({ channels: 1, checks: 1 });
    const after = await rows(ids);
    expect(JSON.stringify(after)).not.toContain(PASSWORD);
    expect(JSON.stringify(after)).not.toContain(BEARER);
    expect(channelSealer(keys, 'email').open(after.config)).toEqual(email);
    expect(checkSealer(keys, 'http').open(after.spec)).toEqual(spec);
    expect(await resealStoredSecrets(t.db, keys)).toEqual({ channels: 0, checks: 0 });
  });

  it('rotates: values under the previous key are resealed under the new one, which alone then opens them', async () => {
    const oldKey = generateSecretKey();
    const old = SecretKeyring.fromText(oldKey);
    const ids = await seed(channelSealer(old, 'email').seal(email), checkSealer(old, 'http').seal(spec));
    const rotated = SecretKeyring.fromText(generateSecretKey(), [oldKey]);
    expect(await resealStoredSecrets(t.db, rotated)).toEqual({ channels: 1, checks: 1 });
    const after = await rows(ids);
    const newOnly = new SecretKeyring(rotated.current);
    expect(channelSealer(newOnly, 'email').open(after.config)).toEqual(email);
    expect(checkSealer(newOnly, 'http').open(after.spec)).toEqual(spec);
    expect(() => channelSealer(old, 'email').open(after.config)).toThrow(SecretKeyError);
  });

  it('changes nothing when a value opens with no key it was given (the old key forgotten)', async () => {
    const old = SecretKeyring.fromText(generateSecretKey());
    const ids = await seed(email, checkSealer(old, 'http').seal(spec));
    const before = await rows(ids);
    await expect(resealStoredSecrets(t.db, SecretKeyring.fromText(generateSecretKey()))).rejects.toThrow(SecretKeyError);
    expect(await rows(ids)).toEqual(before);
  });
});
