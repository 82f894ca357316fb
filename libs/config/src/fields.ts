import { createPrivateKey } from 'node:crypto';
import { redactText } from '@vigil/logger';
import { z } from 'zod';

/** What a variable holds in `process.env`. */
export type RawEnvValue = string | undefined;

export type Check<T> = (value: string) => { ok: true; value: T } | { ok: false; problem: string };

/**
 * One environment variable's rule. Choose how an unset variable is treated with
 * `.required()`, `.optional()` or `.default(value)`; the result goes in a `z.object`.
 *
 * Values are trimmed and an empty value counts as unset: `PORT=` in a compose file or
 * an `.env` line means "not configured", not "configured as nothing".
 */
export class EnvField<T> {
  constructor(private readonly check: Check<T>) {}

  required(): z.ZodType<T, RawEnvValue> {
    return this.build(() => ({ ok: false, problem: 'is required' }));
  }

  optional(): z.ZodType<T | undefined, RawEnvValue> {
    return this.build(() => ({ ok: true, value: undefined }));
  }

  default(value: T): z.ZodType<T, RawEnvValue> {
    return this.build(() => ({ ok: true, value }));
  }

  private build<U>(whenUnset: Check<U>): z.ZodType<T | U, RawEnvValue> {
    return z
      .string()
      .optional()
      .transform((raw, ctx) => {
        const value = raw?.trim() ?? '';
        const outcome = value === '' ? whenUnset(value) : this.check(value);
        if (outcome.ok) return outcome.value;
        ctx.addIssue({ code: 'custom', message: outcome.problem });
        return z.NEVER;
      });
  }
}

/**
 * A variable no longer read: set, it stops the start with the name of the one that replaced it,
 * rather than be ignored while the operator believes it applies.
 */
export function retired(replacement: string): z.ZodType<undefined, RawEnvValue> {
  return new EnvField<undefined>(() => ({ ok: false, problem: `is no longer read: set ${replacement} instead` })).optional();
}

/** The value as the operator wrote it, quoted, short, and with any URL password removed. */
export function shown(value: string): string {
  const safe = redactText(value);
  return JSON.stringify(safe.length > 80 ? `${safe.slice(0, 77)}...` : safe);
}

function parseInteger(value: string, range: { min: number; max: number }): number | undefined {
  const number = Number(value);
  return /^\d+$/.test(value) && number >= range.min && number <= range.max ? number : undefined;
}

export function integer(range: { min: number; max: number }): EnvField<number> {
  return new EnvField((value) => {
    const number = parseInteger(value, range);
    return number !== undefined
      ? { ok: true, value: number }
      : { ok: false, problem: `must be an integer between ${range.min} and ${range.max} (got ${shown(value)})` };
  });
}

const PORT_RANGE = { min: 1, max: 65535 };

export function port(): EnvField<number> {
  return integer(PORT_RANGE);
}

/** A port, or `off` for a server that should not be started. */
export function portOrOff(): EnvField<number | undefined> {
  return new EnvField((value) => {
    if (value.toLowerCase() === 'off') return { ok: true, value: undefined };
    const number = parseInteger(value, PORT_RANGE);
    return number !== undefined
      ? { ok: true, value: number }
      : { ok: false, problem: `must be an integer between 1 and 65535, or off (got ${shown(value)})` };
  });
}

/** One of a fixed set of words, matched without regard to case (`INFO` is `info`). */
export function oneOf<const V extends readonly [string, ...string[]]>(values: V): EnvField<V[number]> {
  return new EnvField((value) => {
    const match = values.find((candidate) => candidate === value.toLowerCase());
    return match !== undefined
      ? { ok: true, value: match }
      : { ok: false, problem: `must be one of ${values.join(', ')} (got ${shown(value)})` };
  });
}

/** `on` or `off`, read as a boolean so that `if (config.X)` cannot be fooled by the string "off". */
export function onOff(): EnvField<boolean> {
  return new EnvField((value) => {
    const word = value.toLowerCase();
    if (word === 'on' || word === 'off') return { ok: true, value: word === 'on' };
    return { ok: false, problem: `must be on or off (got ${shown(value)})` };
  });
}

export function hostname(): EnvField<string> {
  return new EnvField((value) =>
    /^[A-Za-z0-9.:[\]%_-]+$/.test(value)
      ? { ok: true, value }
      : { ok: false, problem: `must be a host name or IP address (got ${shown(value)})` },
  );
}

export function filePath(): EnvField<string> {
  return new EnvField((value) =>
    value.includes('\0') ? { ok: false, problem: 'must be a file system path' } : { ok: true, value },
  );
}

export function postgresUrl(): EnvField<string> {
  return new EnvField((value) => {
    if (!/^postgres(ql)?:\/\//i.test(value)) {
      return { ok: false, problem: `must start with postgres:// or postgresql:// (got ${shown(value)})` };
    }
    return URL.canParse(value) ? { ok: true, value } : { ok: false, problem: `is not a valid URL (got ${shown(value)})` };
  });
}

/** An http(s) base URL, returned without trailing slashes so paths can be appended. */
export function httpUrl(): EnvField<string> {
  return new EnvField((value) => {
    const url = URL.canParse(value) ? new URL(value) : undefined;
    return url && (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== ''
      ? { ok: true, value: value.replace(/\/+$/, '') }
      : { ok: false, problem: `must be an http:// or https:// URL (got ${shown(value)})` };
  });
}

/**
 * An http(s) URL that may carry a token (a dead man's switch's ping URL): kept exactly as given,
 * and never shown in an error message.
 */
export function secretHttpUrl(): EnvField<string> {
  return new EnvField((value) => {
    const url = URL.canParse(value) ? new URL(value) : undefined;
    return url && (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== ''
      ? { ok: true, value }
      : { ok: false, problem: 'must be an http:// or https:// URL (the value is not shown: it may hold a token)' };
  });
}

/** A location slug such as `us-1`: also a label value and part of URLs, hence the narrow alphabet. */
export function slug(): EnvField<string> {
  return new EnvField((value) =>
    /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(value)
      ? { ok: true, value }
      : {
          ok: false,
          problem: `must be 1 to 63 lowercase letters, digits or dashes, not starting or ending with a dash (got ${shown(value)})`,
        },
  );
}

/** A secret of a minimum length. Its value never appears in an error message. */
export function secret(options: { minLength: number }): EnvField<string> {
  return new EnvField((value) =>
    value.length >= options.minLength
      ? { ok: true, value }
      : { ok: false, problem: `must be at least ${options.minLength} characters long (got ${value.length})` },
  );
}

export const checkPemPrivateKey: Check<string> = (value) => {
  // Env files and container orchestrators often carry a PEM on one line with literal "\n".
  const pem = value.includes('\n') ? value : value.replace(/\\n/g, '\n');
  try {
    createPrivateKey(pem);
    return { ok: true, value: `${pem.trim()}\n` };
  } catch {
    return { ok: false, problem: 'must be an unencrypted PEM private key (-----BEGIN PRIVATE KEY----- ...)' };
  }
};

/** A PEM private key, parsed once so that a pasted-wrong key stops the process at start. */
export function pemPrivateKey(): EnvField<string> {
  return new EnvField(checkPemPrivateKey);
}

/** An SMTP server as a URL: `smtp://user:password@host:587` (STARTTLS) or `smtps://…:465` (TLS from the start). */
export interface SmtpServer {
  host: string;
  port: number;
  secure: boolean;
  username?: string;
  password?: string;
  /** `?require_tls=false`: send credentials over a server that offers no STARTTLS (default: required). */
  requireTls?: boolean;
}

export function smtpUrl(): EnvField<SmtpServer> {
  return new EnvField((value) => {
    const url = URL.canParse(value) ? new URL(value) : undefined;
    if (url === undefined || (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') || url.hostname === '') {
      return { ok: false, problem: `must be an smtp:// or smtps:// URL, e.g. smtp://user:password@mail.example.com:587 (got ${shown(value)})` };
    }
    const secure = url.protocol === 'smtps:';
    return {
      ok: true,
      value: {
        host: url.hostname,
        port: url.port === '' ? (secure ? 465 : 587) : Number(url.port),
        secure,
        ...(url.username !== '' && { username: decodeURIComponent(url.username) }),
        ...(url.password !== '' && { password: decodeURIComponent(url.password) }),
        ...(url.searchParams.get('require_tls') === 'false' && { requireTls: false }),
      },
    };
  });
}

/** An email address (the sender of alert emails). */
export function emailAddress(): EnvField<string> {
  return new EnvField((value) =>
    /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(value) ? { ok: true, value } : { ok: false, problem: `must be an email address (got ${shown(value)})` },
  );
}
