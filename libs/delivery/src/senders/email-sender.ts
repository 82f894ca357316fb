import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import { EmailChannelConfigSchema } from '@vigil/contracts';
import nodemailer from 'nodemailer';
import { DEFAULT_SEND_TIMEOUT_MS, errorMessage, excerpt, isEgressDenied, MAX_RESPONSE_EXCERPT, refused } from '../outcome';
import type { AlertMessage, AttemptOutcome, Sender, SmtpSettings } from '../types';

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The HTML body: the title, then each line of the text, then the links. */
export function emailHtml(message: AlertMessage): string {
  const [, ...details] = message.text.split('\n');
  const links = message.links.map((link) => `<a href="${escapeHtml(link.url)}">${escapeHtml(link.label)}</a>`);
  return [
    '<!doctype html><html><body style="font-family: sans-serif">',
    `<h2>${escapeHtml(message.title)}</h2>`,
    `<p>${details.map(escapeHtml).join('<br>\n')}</p>`,
    ...(links.length > 0 ? [`<p>${links.join(' · ')}</p>`] : []),
    '</body></html>',
  ].join('\n');
}

/** The plain-text body: the message's text, then each link on a line of its own. */
export function emailText(message: AlertMessage): string {
  return [message.text, ...message.links.map((link) => `${link.label}: ${link.url}`)].join('\n');
}

/** A Message-ID derived from the idempotency key: a retried mail is recognisably the same mail. */
function messageId(idempotencyKey: string): string {
  return `<${idempotencyKey.replace(/[^A-Za-z0-9-]/g, '.')}@vigil.notifier>`;
}

/** The reply code at the start of an SMTP answer ("250 2.0.0 Ok: queued"). */
function replyCode(response: string | undefined): number | undefined {
  const match = /^([2-5]\d\d)\b/.exec(response ?? '');
  return match ? Number(match[1]) : undefined;
}

/** SMTP says it the other way round from HTTP: 4xx is "try again later", 5xx is final. */
function smtpFailure(error: unknown, durationMs: number): AttemptOutcome {
  const { responseCode, response, code } = error as { responseCode?: unknown; response?: unknown; code?: unknown };
  const status = typeof responseCode === 'number' ? responseCode : undefined;
  const text = typeof response === 'string' ? excerpt(response) : undefined;
  const retryable = status !== undefined ? status < 500 : code !== 'EAUTH' && code !== 'EENVELOPE' && code !== 'EMESSAGE' && !isEgressDenied(error);
  // nodemailer quotes the server's answer in its message ("Invalid greeting. response=…"): a
  // service that is no SMTP server would have its reply relayed whole; keep the excerpt only.
  let message = errorMessage(error);
  if (typeof response === 'string' && response.length > MAX_RESPONSE_EXCERPT) message = message.split(response).join(`${text ?? ''}…`);
  return {
    ok: false,
    ...(status !== undefined && { statusCode: status }),
    ...(text !== undefined && { responseExcerpt: text }),
    error: message,
    retryable,
    durationMs,
  };
}

/** Credentials require TLS unless the channel (or the notifier's default) says `false` explicitly. */
export function requiresTls(smtp: SmtpSettings): boolean {
  return smtp.username !== undefined && !smtp.secure && smtp.requireTls !== false;
}

/** Sends the message as a text and HTML mail through the channel's SMTP server, or the notifier's. */
export const emailSender: Sender = async (message, channelConfig, context) => {
  const parsed = EmailChannelConfigSchema.safeParse(channelConfig);
  if (!parsed.success) return refused(`Invalid email channel config: ${parsed.error.message}`);
  const config = parsed.data;
  const smtp: SmtpSettings | undefined =
    config.smtp === undefined ? context.smtp : { ...config.smtp, requireTls: config.smtp.require_tls };
  const from = config.from ?? context.emailFrom;
  if (smtp === undefined) return refused('No SMTP server: the channel names none and the notifier has no default');
  if (from === undefined) return refused('No sender address: the channel names none and the notifier has no default');

  const timeoutMs = context.timeoutMs ?? DEFAULT_SEND_TIMEOUT_MS;
  // nodemailer resolves names itself (no lookup hook): resolve through the policy here and hand it
  // the checked address, naming the server for TLS, so what was checked is what is connected to.
  let address = smtp.host;
  if (context.egress !== undefined) {
    try {
      const resolved = await context.egress.resolve(smtp.host);
      address = (resolved.find((entry) => entry.family === 4) ?? resolved[0]).address;
    } catch (error) {
      return smtpFailure(error, 0);
    }
  }
  const transport = nodemailer.createTransport({
    host: address,
    ...(address !== smtp.host && !isIP(smtp.host) && { servername: smtp.host }),
    port: smtp.port,
    secure: smtp.secure,
    ...(smtp.username !== undefined && { auth: { user: smtp.username, pass: smtp.password ?? '' } }),
    // Credentials never cross the network in clear: without TLS from the start, STARTTLS is
    // required, so a server (or a man in the middle) that offers none gets no AUTH at all.
    ...(requiresTls(smtp) && { requireTLS: true }),
    ...(context.ca !== undefined && { tls: { ca: [context.ca].flat() } }),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    dnsTimeout: timeoutMs,
  });
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let timer: NodeJS.Timeout | undefined;
  // nodemailer's timeouts bound each step; this bounds the whole conversation.
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`No answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })), timeoutMs);
  });
  try {
    const info = await Promise.race([
      transport.sendMail({
        from,
        to: config.to,
        subject: message.title,
        text: emailText(message),
        html: emailHtml(message),
        messageId: messageId(message.idempotencyKey),
        headers: { 'X-Vigil-Idempotency-Key': message.idempotencyKey },
      }),
      deadline,
    ]);
    const rejected = info.rejected.length > 0 ? ` (rejected: ${info.rejected.map(String).join(', ')})` : '';
    const status = replyCode(info.response);
    const text = excerpt(`${info.response ?? ''}${rejected}`);
    return {
      ok: true,
      ...(status !== undefined && { statusCode: status }),
      ...(text !== undefined && { responseExcerpt: text }),
      retryable: false,
      durationMs: elapsed(),
    };
  } catch (error) {
    return smtpFailure(error, elapsed());
  } finally {
    clearTimeout(timer);
    transport.close();
  }
};
