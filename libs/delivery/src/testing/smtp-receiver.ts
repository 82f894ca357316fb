// Test support: a loopback SMTP server (the smtp-server package) that keeps every mail it accepts.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { SelfSignedCertificate } from './self-signed';

export interface ReceivedMail {
  readonly from: string;
  readonly to: string[];
  /** The message as sent: headers and MIME body. */
  readonly raw: string;
}

export interface SmtpReceiver {
  readonly port: number;
  readonly mails: ReceivedMail[];
  /** Every AUTH the server accepted, and whether the connection was encrypted by then. */
  readonly logins: { username: string; password: string; encrypted: boolean }[];
  close(): Promise<void>;
}

export interface SmtpReceiverOptions {
  /** Refuse every recipient with this SMTP reply code (e.g. 550 or 451). */
  readonly rejectRecipientsWith?: number;
  /** Offer STARTTLS with this certificate (otherwise the server offers none). */
  readonly tls?: SelfSignedCertificate;
  /** Offer AUTH and accept any credentials, recording them in `logins`. */
  readonly auth?: boolean;
}

export async function startSmtpReceiver(options: SmtpReceiverOptions = {}): Promise<SmtpReceiver> {
  const mails: ReceivedMail[] = [];
  const logins: SmtpReceiver['logins'] = [];
  const server = new SMTPServer({
    // Plain SMTP on loopback by default: no STARTTLS to offer a certificate nodemailer would have to trust.
    disabledCommands: [...(options.tls ? [] : ['STARTTLS']), ...(options.auth ? [] : ['AUTH'])],
    ...(options.tls && { key: options.tls.key, cert: options.tls.cert }),
    // A server that offers AUTH over plain text: what requireTLS protects credentials from.
    allowInsecureAuth: true,
    authOptional: true,
    logger: false,
    onAuth(auth, session, callback) {
      logins.push({ username: auth.username ?? '', password: auth.password ?? '', encrypted: session.secure });
      callback(null, { user: auth.username });
    },
    onRcptTo(address, _session, callback) {
      if (options.rejectRecipientsWith === undefined) return callback();
      const error = Object.assign(new Error(`Mailbox ${address.address} refused`), { responseCode: options.rejectRecipientsWith });
      return callback(error);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        mails.push({ from, to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { port, mails, logins, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** The decoded text of each MIME part of a raw mail, by content type (`text/plain`, `text/html`). */
export function mimeParts(raw: string): Record<string, string> {
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(raw)?.[1];
  const sections = boundary ? raw.split(`--${boundary}`).slice(1, -1) : [raw];
  const parts: Record<string, string> = {};
  for (const section of sections) {
    const split = section.indexOf('\r\n\r\n');
    const head = section.slice(0, split);
    const body = section.slice(split + 4);
    const type = /content-type:\s*([^;\r\n]+)/i.exec(head)?.[1]?.toLowerCase();
    if (!type) continue;
    const encoding = /content-transfer-encoding:\s*(\S+)/i.exec(head)?.[1]?.toLowerCase();
    parts[type] =
      encoding === 'quoted-printable'
        ? Buffer.from(
            body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
            'latin1',
          ).toString('utf8')
        : encoding === 'base64'
          ? Buffer.from(body, 'base64').toString('utf8')
          : body;
  }
  return parts;
}
