import { createSelfSignedCertificate, mimeParts, sampleMessage, type SmtpReceiver, startSmtpReceiver } from '../testing';
import { emailSender, requiresTls } from './email-sender';

describe('emailSender', () => {
  let smtp: SmtpReceiver;
  beforeAll(async () => {
    smtp = await startSmtpReceiver();
  });
  afterAll(() => smtp.close());

  const server = () => ({ host: '127.0.0.1', port: smtp.port, secure: false });

  it('sends a text and an HTML body through the notifier default SMTP server and sender', async () => {
    const message = sampleMessage();
    const outcome = await emailSender(message, { to: ['ops@example.com', 'oncall@example.com'] }, {
      smtp: server(),
      emailFrom: 'vigil@example.com',
      timeoutMs: 5000,
    });
    expect(outcome).toMatchObject({ ok: true, statusCode: 250 });
    const mail = smtp.mails[smtp.mails.length - 1];
    expect(mail.from).toBe('vigil@example.com');
    expect(mail.to).toEqual(['ops@example.com', 'oncall@example.com']);
    expect(mail.raw).toMatch(/^Subject: DOWN: Shop \(https:\/\/shop\.example\/\)\r$/m);
    expect(mail.raw).toMatch(new RegExp(`^X-Vigil-Idempotency-Key: ${message.idempotencyKey}\\r$`, 'm'));
    const parts = mimeParts(mail.raw);
    expect(parts['text/plain']).toContain('Failing from: eu-1, us-1');
    expect(parts['text/html']).toContain('<h2>DOWN: Shop (https://shop.example/)</h2>');
    expect(parts['text/html']).toContain('Failing from: eu-1, us-1<br>');
  });

  it('sends a degraded spell with its own subject and the rule crossed', async () => {
    const outcome = await emailSender(sampleMessage('degraded_opened'), { to: ['ops@example.com'] }, { smtp: server(), emailFrom: 'vigil@example.com' });
    expect(outcome).toMatchObject({ ok: true, statusCode: 250 });
    const mail = smtp.mails[smtp.mails.length - 1];
    expect(mail.raw).toMatch(/^Subject: Degraded: Shop \(https:\/\/shop\.example\/\)\r$/m);
    expect(mimeParts(mail.raw)['text/plain']).toContain('Slow: latency 1234 ms over 800 ms');
  });

  it("prefers the channel's own sender and SMTP server", async () => {
    const outcome = await emailSender(sampleMessage(), { to: ['a@example.com'], from: 'alerts@shop.example', smtp: server() }, {
      smtp: { host: '127.0.0.1', port: 9, secure: false },
      emailFrom: 'vigil@example.com',
    });
    expect(outcome.ok).toBe(true);
    expect(smtp.mails.at(-1)?.from).toBe('alerts@shop.example');
  });

  it('reports a permanent refusal (5xx) as final and a temporary one (4xx) as retryable', async () => {
    const refusing = await startSmtpReceiver({ rejectRecipientsWith: 550 });
    const busy = await startSmtpReceiver({ rejectRecipientsWith: 451 });
    try {
      const config = { to: ['a@example.com'], from: 'vigil@example.com' };
      const final = await emailSender(sampleMessage(), config, { smtp: { host: '127.0.0.1', port: refusing.port, secure: false } });
      const later = await emailSender(sampleMessage(), config, { smtp: { host: '127.0.0.1', port: busy.port, secure: false } });
      expect(final).toMatchObject({ ok: false, statusCode: 550, retryable: false });
      expect(later).toMatchObject({ ok: false, statusCode: 451, retryable: true });
      expect(final.error).toContain('refused');
    } finally {
      await refusing.close();
      await busy.close();
    }
  });

  it('reports an unreachable server as retryable', async () => {
    const gone = await startSmtpReceiver();
    await gone.close();
    const outcome = await emailSender(sampleMessage(), { to: ['a@example.com'], from: 'v@example.com' }, {
      smtp: { host: '127.0.0.1', port: gone.port, secure: false },
      timeoutMs: 2000,
    });
    expect(outcome).toMatchObject({ ok: false, retryable: true });
  });

  it('refuses to send without an SMTP server or a sender address', async () => {
    expect(await emailSender(sampleMessage(), { to: ['a@example.com'] }, { emailFrom: 'v@example.com' })).toMatchObject({
      ok: false,
      retryable: false,
      error: expect.stringContaining('No SMTP server'),
    });
    expect(await emailSender(sampleMessage(), { to: ['a@example.com'] }, { smtp: server() })).toMatchObject({
      ok: false,
      retryable: false,
      error: expect.stringContaining('No sender address'),
    });
  });
});

describe('emailSender with SMTP credentials', () => {
  const credentials = { username: 'vigil', password: 'smtp-password-1234' };
  const config = (port: number, extra: Record<string, unknown> = {}) => ({
    to: ['a@example.com'],
    from: 'vigil@example.com',
    smtp: { host: '127.0.0.1', port, secure: false, ...credentials, ...extra },
  });

  it('sends no credentials to a server that offers no STARTTLS (requireTLS)', async () => {
    const plain = await startSmtpReceiver({ auth: true });
    try {
      const outcome = await emailSender(sampleMessage(), config(plain.port), { timeoutMs: 5000 });
      expect(outcome.ok).toBe(false);
      expect(plain.logins).toEqual([]);
      expect(plain.mails).toEqual([]);
    } finally {
      await plain.close();
    }
  });

  it('logs in after STARTTLS when the server offers it', async () => {
    const cert = createSelfSignedCertificate();
    const tls = await startSmtpReceiver({ auth: true, tls: cert });
    try {
      const outcome = await emailSender(sampleMessage(), config(tls.port), { ca: cert.cert, timeoutMs: 5000 });
      expect(outcome).toMatchObject({ ok: true, statusCode: 250 });
      expect(tls.logins).toEqual([{ ...credentials, encrypted: true }]);
    } finally {
      await tls.close();
    }
  });

  it('sends credentials in clear only when the channel sets require_tls: false', async () => {
    const plain = await startSmtpReceiver({ auth: true });
    try {
      const outcome = await emailSender(sampleMessage(), config(plain.port, { require_tls: false }), { timeoutMs: 5000 });
      expect(outcome.ok).toBe(true);
      expect(plain.logins).toEqual([{ ...credentials, encrypted: false }]);
    } finally {
      await plain.close();
    }
  });

  it("requires TLS for the notifier's default server too, unless it says require_tls=false", () => {
    const base = { host: 'localhost', port: 587, secure: false };
    expect(requiresTls({ ...base, ...credentials })).toBe(true);
    expect(requiresTls({ ...base, ...credentials, requireTls: false })).toBe(false);
    expect(requiresTls({ ...base, ...credentials, secure: true })).toBe(false);
    expect(requiresTls(base)).toBe(false);
  });
});
