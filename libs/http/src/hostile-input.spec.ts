import express from 'express';
import request from 'supertest';
import { jsonBody, jsonTextProblem, urlPartProblem } from './hostile-input';
import { createServiceApp } from './service-app';
import { testServiceDeps } from './testing';

const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('urlPartProblem', () => {
  it('accepts plain, percent-encoded UTF-8 and raw UTF-8 (as latin1 bytes) URLs', () => {
    expect(urlPartProblem('/status/shop-1')).toBeUndefined();
    expect(urlPartProblem('/status/caf%C3%A9')).toBeUndefined();
    expect(urlPartProblem(Buffer.from('/status/café', 'utf8').toString('latin1'))).toBeUndefined();
    expect(urlPartProblem('q=a+b&c=%20')).toBeUndefined();
  });

  it('names a NUL, a broken percent-encoding and invalid UTF-8', () => {
    expect(urlPartProblem('/status/%00')).toBe('contains a NUL character');
    expect(urlPartProblem('/status/a\0b')).toBe('contains a NUL character');
    expect(urlPartProblem('/status/%zz')).toBe('has a "%" that is not followed by two hex digits');
    expect(urlPartProblem('/status/%4')).toBe('has a "%" that is not followed by two hex digits');
    expect(urlPartProblem('/status/%C3')).toBe('is not valid UTF-8');
    expect(urlPartProblem('/status/%C0%AF')).toBe('is not valid UTF-8');
    expect(urlPartProblem('/status/\u0100')).toBe('is not valid UTF-8');
  });
});

describe('jsonTextProblem', () => {
  it('accepts nesting up to the limit and brackets inside strings', () => {
    expect(jsonTextProblem(nested(64), 64)).toBeUndefined();
    expect(jsonTextProblem(JSON.stringify({ a: '[[[[[[[[', b: '\\"[[[[' }), 2)).toBeUndefined();
    expect(jsonTextProblem(JSON.stringify({ text: '\\u0000 is written as an escape' }), 64)).toBeUndefined();
  });

  it('refuses one level more than the limit, and 40,000 levels without overflowing the stack', () => {
    expect(jsonTextProblem(nested(65), 64)?.code).toBe('json_too_deep');
    expect(jsonTextProblem(`{"a":${'{"a":'.repeat(40_000)}1${'}'.repeat(40_001)}`, 64)?.code).toBe('json_too_deep');
  });

  it('refuses a NUL escape in a string', () => {
    const problem = jsonTextProblem('{"name":"shop\\u0000"}', 64);
    expect(problem?.status).toBe(400);
    expect(problem?.code).toBe('invalid_json');
  });
});

describe('jsonBody', () => {
  const app = () =>
    createServiceApp(testServiceDeps(), {
      mount: (service) => {
        service.post('/echo', jsonBody({ limit: 1024 * 1024, depth: 8 }), (req, res) => void res.json({ got: req.body }));
      },
    });

  it('parses a body within the depth limit', async () => {
    const response = await request(app()).post('/echo').send({ a: { b: [1, 2] } });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ got: { a: { b: [1, 2] } } });
  });

  it('answers 400 json_too_deep in the error shape for a 40,000-deep body', async () => {
    const response = await request(app()).post('/echo').set('Content-Type', 'application/json').send(nested(40_000));
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ error: { code: 'json_too_deep', message: 'JSON is nested deeper than 8 levels' } });
  });

  it('checks a UTF-16 body too', async () => {
    const post = (text: string) =>
      request(app())
        .post('/echo')
        .set('Content-Type', 'application/json; charset=utf-16le')
        .serialize((body) => body)
        .send(Buffer.from(text, 'utf16le') as unknown as string);
    const shallow = await post('[[1]]');
    expect(shallow.status).toBe(200);
    expect(shallow.body).toEqual({ got: [[1]] });
    const deep = await post(nested(9));
    expect(deep.status).toBe(400);
    expect(deep.body.error.code).toBe('json_too_deep');
  });

  it('keeps answering bad JSON with 400', async () => {
    const response = await request(express().use(jsonBody({ limit: 100 })).use((_req, res) => void res.end()))
      .post('/')
      .set('Content-Type', 'application/json')
      .send('{"a":');
    expect(response.status).toBe(400);
  });
});
