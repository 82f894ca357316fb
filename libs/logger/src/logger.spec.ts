import { createCapturedLogger } from './testing';
import { REDACTED } from './redact';

describe('createLogger with the json format', () => {
  it('writes one JSON object per line with timestamp, level, service and message first, then the fields', () => {
    const { logger, lines } = createCapturedLogger({ service: 'controller-api' });
    logger.info('listening', { port: 8080, host: '0.0.0.0' });

    expect(lines()).toHaveLength(1);
    const line = lines()[0];
    expect(line).not.toContain('\n');
    const entry = JSON.parse(line);
    expect(Object.keys(entry)).toEqual(['timestamp', 'level', 'service', 'message', 'port', 'host']);
    expect(entry).toMatchObject({ level: 'info', service: 'controller-api', message: 'listening', port: 8080, host: '0.0.0.0' });
    expect(new Date(entry.timestamp).toISOString()).toBe(entry.timestamp);
  });

  it('drops entries below the configured level', () => {
    const { logger, entries } = createCapturedLogger({ level: 'warn' });
    logger.info('quiet');
    logger.debug('quieter');
    logger.warn('loud');
    logger.error('louder');
    expect(entries().map((e) => e.message)).toEqual(['loud', 'louder']);
  });

  it('leaves http entries out at the info level and writes them at the http level', () => {
    const atInfo = createCapturedLogger({ level: 'info' });
    atInfo.logger.http('GET /');
    const atHttp = createCapturedLogger({ level: 'http' });
    atHttp.logger.http('GET /');
    expect(atInfo.entries()).toEqual([]);
    expect(atHttp.entries()).toMatchObject([{ level: 'http', message: 'GET /' }]);
  });

  it('adds a child logger fields to every entry, and a grandchild its own on top', () => {
    const { logger, entries } = createCapturedLogger({ service: 'runner' });
    const request = logger.child({ request_id: 'req-1' });
    request.info('polling');
    request.child({ run_id: 'run-9' }).warn('slow probe', { latency_ms: 4000 });
    logger.info('no request');

    expect(entries()).toMatchObject([
      { service: 'runner', message: 'polling', request_id: 'req-1' },
      { service: 'runner', message: 'slow probe', request_id: 'req-1', run_id: 'run-9', latency_ms: 4000 },
      { service: 'runner', message: 'no request' },
    ]);
    expect(entries()[2]).not.toHaveProperty('request_id');
  });

  it('redacts secrets in the fields at the top and at any depth', () => {
    const { logger, lines } = createCapturedLogger();
    logger.child({ authorization: 'Bearer abc' }).info('request', {
      password: 'hunter2',
      headers: { cookie: 'sid=1', 'x-api-key': 'k1', accept: 'application/json' },
      runners: [{ slug: 'us-1', key: 'pem-text' }],
    });

    const line = lines()[0];
    for (const secret of ['Bearer abc', 'hunter2', 'sid=1', 'k1', 'pem-text']) expect(line).not.toContain(secret);
    expect(JSON.parse(line)).toMatchObject({
      authorization: REDACTED,
      password: REDACTED,
      headers: { cookie: REDACTED, 'x-api-key': REDACTED, accept: 'application/json' },
      runners: [{ slug: 'us-1', key: REDACTED }],
    });
  });

  it('strips the password of a postgres URL in the message and in fields', () => {
    const { logger, entries } = createCapturedLogger();
    logger.error('cannot connect to postgres://vigil:s3cret@db:5432/vigil', { database_url: 'postgresql://vigil:s3cret@db/vigil' });
    expect(entries()[0]).toMatchObject({
      message: `cannot connect to postgres://vigil:${REDACTED}@db:5432/vigil`,
      database_url: `postgresql://vigil:${REDACTED}@db/vigil`,
    });
  });

  it('does not change the fields object the caller passed', () => {
    const { logger } = createCapturedLogger();
    const fields = { nested: { token: 't' } };
    logger.info('x', fields);
    expect(fields.nested.token).toBe('t');
  });

  it('serializes an error field with its message and stack instead of {}', () => {
    const { logger, entries } = createCapturedLogger();
    logger.error('probe failed', { err: Object.assign(new Error('ETIMEDOUT'), { code: 'ETIMEDOUT' }) });
    const err = entries()[0].err as Record<string, unknown>;
    expect(err).toMatchObject({ name: 'Error', message: 'ETIMEDOUT', code: 'ETIMEDOUT' });
    expect(String(err.stack)).toContain('Error: ETIMEDOUT');
  });

  it('keeps the stack of an error logged as the message', () => {
    const { logger, entries } = createCapturedLogger();
    logger.error(new Error('unexpected'));
    expect(entries()[0]).toMatchObject({ level: 'error', message: 'unexpected' });
    expect(String(entries()[0].stack)).toContain('Error: unexpected');
  });
});

describe('createLogger with the pretty format', () => {
  it('writes a readable line: time, level, service, message and key=value fields', () => {
    const { logger, lines } = createCapturedLogger({ format: 'pretty', service: 'evaluator', colors: false });
    logger.info('claimed results', { count: 3, check: 'home page', nested: { a: 1 } });
    expect(lines()[0]).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO {2}\[evaluator\] claimed results count=3 check="home page" nested=\{"a":1\}$/,
    );
  });

  it('colours the level only when asked to', () => {
    const plain = createCapturedLogger({ format: 'pretty', colors: false });
    const coloured = createCapturedLogger({ format: 'pretty', colors: true });
    plain.logger.error('x');
    coloured.logger.error('x');
    expect(plain.lines()[0]).not.toContain('\u001b[');
    expect(coloured.lines()[0]).toContain('\u001b[31mERROR');
  });

  it('prints an error stack under the line', () => {
    const { logger, lines } = createCapturedLogger({ format: 'pretty', colors: false });
    logger.error(new Error('boom'));
    const [first, second] = lines()[0].split('\n');
    expect(first).toMatch(/ERROR \[test\] boom$/);
    expect(second).toBe('Error: boom');
  });

  it('redacts the same way as the json format', () => {
    const { logger, lines } = createCapturedLogger({ format: 'pretty', colors: false });
    logger.info('connect postgres://u:pw@h/d', { nested: { secret: 's' } });
    expect(lines()[0]).toContain(`postgres://u:${REDACTED}@h/d`);
    expect(lines()[0]).toContain(`nested={"secret":"${REDACTED}"}`);
  });
});
