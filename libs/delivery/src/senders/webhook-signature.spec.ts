import { signWebhook, verifyWebhookSignature } from './webhook-signature';

const secret = 'a-secret-of-sixteen-chars';
const body = '{"kind":"outage_confirmed"}';
const now = new Date('2026-11-23T10:00:00Z');
const timestamp = String(Math.floor(now.getTime() / 1000));

describe('webhook signatures', () => {
  it('signs "<timestamp>.<raw body>" with HMAC-SHA256 in hex', () => {
    // Computed independently: printf '%s' '1795428000.{"kind":"outage_confirmed"}' | openssl dgst -sha256 -hmac a-secret-of-sixteen-chars
    expect(timestamp).toBe('1795428000');
    expect(signWebhook(secret, timestamp, body)).toBe('sha256=5a9824607d39a362e7c7a29149b7eabfac0b072bb64ee3729b3a31752c801ba8');
    expect(signWebhook(secret, timestamp, body)).toBe(signWebhook(secret, Number(timestamp), Buffer.from(body)));
    expect(signWebhook(secret, timestamp, body)).not.toBe(signWebhook(secret, Number(timestamp) + 1, body));
  });

  it('accepts a fresh delivery signed with the secret', () => {
    const signature = signWebhook(secret, timestamp, body);
    expect(verifyWebhookSignature(secret, timestamp, body, signature, { now })).toEqual({ valid: true });
  });

  it('refuses a changed body, another secret, or another timestamp', () => {
    const signature = signWebhook(secret, timestamp, body);
    expect(verifyWebhookSignature(secret, timestamp, `${body} `, signature, { now })).toEqual({ valid: false, reason: 'mismatch' });
    expect(verifyWebhookSignature('another-secret-16chars', timestamp, body, signature, { now })).toEqual({ valid: false, reason: 'mismatch' });
    expect(verifyWebhookSignature(secret, String(Number(timestamp) - 1), body, signature, { now })).toEqual({ valid: false, reason: 'mismatch' });
  });

  it('refuses a replay: a valid signature whose timestamp is older than the tolerance', () => {
    const old = String(Number(timestamp) - 301);
    const signature = signWebhook(secret, old, body);
    expect(verifyWebhookSignature(secret, old, body, signature, { now })).toEqual({ valid: false, reason: 'stale' });
    expect(verifyWebhookSignature(secret, old, body, signature, { now, toleranceSeconds: 600 })).toEqual({ valid: true });
  });

  it('refuses missing or malformed headers', () => {
    const signature = signWebhook(secret, timestamp, body);
    expect(verifyWebhookSignature(secret, undefined, body, signature, { now })).toEqual({ valid: false, reason: 'malformed' });
    expect(verifyWebhookSignature(secret, timestamp, body, undefined, { now })).toEqual({ valid: false, reason: 'malformed' });
    expect(verifyWebhookSignature(secret, timestamp, body, signature.slice(7), { now })).toEqual({ valid: false, reason: 'malformed' });
    expect(verifyWebhookSignature(secret, 'soon', body, signature, { now })).toEqual({ valid: false, reason: 'malformed' });
  });
});
