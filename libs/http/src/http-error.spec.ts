import { codeForStatus, HttpError, toHttpError } from './http-error';

describe('HttpError', () => {
  it('renders the error shape, leaving details out when there are none', () => {
    expect(HttpError.notFound('No check 7').toBody()).toEqual({ error: { code: 'not_found', message: 'No check 7' } });
    expect(HttpError.badRequest('Invalid body', [{ path: 'interval' }]).toBody()).toEqual({
      error: { code: 'bad_request', message: 'Invalid body', details: [{ path: 'interval' }] },
    });
  });
});

describe('toHttpError', () => {
  it('passes an HttpError through', () => {
    const error = HttpError.forbidden();
    expect(toHttpError(error)).toBe(error);
  });

  it('keeps the status and message of an exposed client error such as body-parser raises', () => {
    const error = Object.assign(new Error('request aborted'), { status: 400, expose: true, type: 'request.aborted' });
    expect(toHttpError(error).toBody()).toEqual({ error: { code: 'bad_request', message: 'request aborted' } });
  });

  it('hides the message of any other error behind a 500', () => {
    const error = toHttpError(new Error('relation "sites" does not exist'));
    expect(error.status).toBe(500);
    expect(error.toBody()).toEqual({ error: { code: 'internal', message: 'Internal server error' } });
  });

  it('hides a client status that was marked not to be exposed', () => {
    expect(toHttpError(Object.assign(new Error('x'), { status: 400, expose: false })).status).toBe(500);
  });

  it('treats thrown non-errors as server errors', () => {
    expect(toHttpError('a string').status).toBe(500);
    expect(toHttpError(undefined).status).toBe(500);
  });
});

describe('codeForStatus', () => {
  it('names the usual statuses and falls back by class', () => {
    expect(codeForStatus(404)).toBe('not_found');
    expect(codeForStatus(429)).toBe('too_many_requests');
    expect(codeForStatus(418)).toBe('bad_request');
    expect(codeForStatus(502)).toBe('internal');
  });
});
