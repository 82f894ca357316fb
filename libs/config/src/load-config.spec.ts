import { z } from 'zod';
import { commonEnv, httpEnv } from './env';
import { port } from './fields';
import { ConfigError, envSchema, EX_CONFIG, exitOnConfigError, loadConfig, type ExitIo } from './load-config';

function captureFailure(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('returns the typed values of a valid environment', () => {
    const config = loadConfig(httpEnv, { PORT: '3000', HOST: '127.0.0.1' });
    expect(config).toEqual({ PORT: 3000, HOST: '127.0.0.1' });
  });

  it('drops variables no part asked for', () => {
    expect(loadConfig(httpEnv, { PORT: '3000', UNRELATED: 'x' })).toEqual({ PORT: 3000, HOST: '0.0.0.0' });
  });

  it('throws one line naming the variable, the rule and the value it got', () => {
    const error = captureFailure(() => loadConfig(httpEnv, { PORT: 'abc' }));
    expect(error.message).toBe('Invalid configuration: PORT must be an integer between 1 and 65535 (got "abc")');
  });

  it('names every bad variable of every part in the same line', () => {
    const schema = envSchema(commonEnv, httpEnv);
    const error = captureFailure(() => loadConfig(schema, { PORT: '0', HOST: 'a b', LOG_LEVEL: 'loud' }));
    expect(error.problems).toEqual([
      'LOG_LEVEL must be one of error, warn, info, http, debug (got "loud")',
      'PORT must be an integer between 1 and 65535 (got "0")',
      'HOST must be a host name or IP address (got "a b")',
    ]);
    expect(error.message).toBe(`Invalid configuration: ${error.problems.join('; ')}`);
    expect(error.message).not.toContain('\n');
  });

  it('keeps the message on one line even when a value holds a newline', () => {
    const error = captureFailure(() => loadConfig(httpEnv, { PORT: '80\n80' }));
    expect(error.message).not.toContain('\n');
  });

  it('says "is required" for a required variable that plain zod describes as missing', () => {
    const error = captureFailure(() => loadConfig(z.object({ TOKEN_ISSUER: z.string() }), {}));
    expect(error.message).toBe('Invalid configuration: TOKEN_ISSUER is required');
  });

  it('prefixes other zod messages so they still read as a sentence about the variable', () => {
    const error = captureFailure(() => loadConfig(z.object({ MODE: z.literal('x') }), { MODE: 'y' }));
    expect(error.message).toMatch(/^Invalid configuration: MODE is invalid: /);
  });

  it('reads process.env when no environment is given', () => {
    const schema = z.object({ VIGIL_TEST_ONLY_VARIABLE: port().optional() });
    process.env.VIGIL_TEST_ONLY_VARIABLE = '1234';
    try {
      expect(loadConfig(schema)).toEqual({ VIGIL_TEST_ONLY_VARIABLE: 1234 });
    } finally {
      delete process.env.VIGIL_TEST_ONLY_VARIABLE;
    }
  });
});

describe('envSchema', () => {
  it('joins the outputs of its parts into one object', () => {
    const schema = envSchema(httpEnv, z.object({ EXTRA: z.string() }));
    expect(loadConfig(schema, { EXTRA: 'x' })).toEqual({ PORT: 8080, HOST: '0.0.0.0', EXTRA: 'x' });
  });
});

describe('exitOnConfigError', () => {
  class Exited extends Error {
    constructor(readonly code: number) {
      super(`exit ${code}`);
    }
  }

  function fakeIo() {
    const written: string[] = [];
    const io: ExitIo = {
      stderr: { write: (text: string) => written.push(text) },
      exit: (code: number) => {
        throw new Exited(code);
      },
    };
    return { io, written };
  }

  it('returns what the reader returns when the configuration is valid', () => {
    const { io, written } = fakeIo();
    expect(exitOnConfigError(() => loadConfig(httpEnv, {}), io)).toEqual({ PORT: 8080, HOST: '0.0.0.0' });
    expect(written).toEqual([]);
  });

  it('prints the one-line message to stderr and exits with EX_CONFIG (78)', () => {
    const { io, written } = fakeIo();
    let exited: Exited | undefined;
    try {
      exitOnConfigError(() => loadConfig(httpEnv, { PORT: 'abc' }), io);
    } catch (error) {
      exited = error as Exited;
    }
    expect(exited).toBeInstanceOf(Exited);
    expect(exited?.code).toBe(EX_CONFIG);
    expect(EX_CONFIG).toBe(78);
    expect(written).toEqual(['Invalid configuration: PORT must be an integer between 1 and 65535 (got "abc")\n']);
  });

  it('lets errors that are not configuration errors through', () => {
    const { io, written } = fakeIo();
    expect(() =>
      exitOnConfigError(() => {
        throw new TypeError('bug');
      }, io),
    ).toThrow(TypeError);
    expect(written).toEqual([]);
  });
});
