import { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createCapturedLogger } from '@vigil/logger/testing';
import request from 'supertest';
import { startService, type ServiceProcess } from './serve';
import { createServiceApp } from './service-app';
import { testServiceDeps } from './testing';

class FakeProcess extends EventEmitter implements ServiceProcess {
  readonly exits: number[] = [];
  private exited?: () => void;
  readonly exitCalled = new Promise<void>((resolve) => (this.exited = resolve));

  exit(code: number): void {
    this.exits.push(code);
    this.exited?.();
  }
}

function setup() {
  const captured = createCapturedLogger();
  const app = createServiceApp(testServiceDeps({ logger: captured.logger }));
  return { captured, app, proc: new FakeProcess() };
}

describe('startService', () => {
  it('listens, logs one start line saying where, and serves the app', async () => {
    const { captured, app, proc } = setup();
    const running = await startService({ logger: captured.logger, app, listen: { host: '127.0.0.1', port: 0 }, process: proc });
    const { port } = running.server?.address() as AddressInfo;
    try {
      expect(captured.entries()).toEqual([
        expect.objectContaining({ level: 'info', message: `listening on http://127.0.0.1:${port}`, service: 'test', host: '127.0.0.1', port }),
      ]);
      expect((await request(`http://127.0.0.1:${port}`).get('/healthz')).status).toBe(200);
    } finally {
      running.server?.close();
    }
  });

  it('closes the server, stops the service and exits 0 on SIGTERM', async () => {
    const { captured, app, proc } = setup();
    const stop = jest.fn(async () => undefined);
    const running = await startService({ logger: captured.logger, app, listen: { host: '127.0.0.1', port: 0 }, stop, process: proc });

    proc.emit('SIGTERM');
    await proc.exitCalled;

    expect(proc.exits).toEqual([0]);
    expect(stop).toHaveBeenCalledTimes(1);
    expect(running.server?.listening).toBe(false);
    expect(captured.entries().map((entry) => entry.message)).toEqual([
      expect.stringMatching(/^listening on /),
      'shutting down (SIGTERM)',
      'stopped',
    ]);
  });

  it('shuts down once however many signals arrive', async () => {
    const { captured, app, proc } = setup();
    const stop = jest.fn(async () => undefined);
    const running = await startService({ logger: captured.logger, app, stop, process: proc });
    await Promise.all([running.shutdown('SIGINT'), running.shutdown('SIGTERM')]);
    expect(stop).toHaveBeenCalledTimes(1);
    expect(proc.exits).toEqual([0]);
  });

  it('runs without an HTTP server when no address is given and still exits 0 on SIGINT', async () => {
    const { captured, app, proc } = setup();
    const running = await startService({ logger: captured.logger, app, process: proc });
    expect(running.server).toBeUndefined();
    expect(captured.entries()[0].message).toBe('started without an HTTP server');
    proc.emit('SIGINT');
    await proc.exitCalled;
    expect(proc.exits).toEqual([0]);
  });

  it('runs without an HTTP server when the address has no port', async () => {
    const { captured, app, proc } = setup();
    const running = await startService({ logger: captured.logger, app, listen: { port: undefined }, process: proc });
    expect(running.server).toBeUndefined();
  });

  it('exits 1 when stopping fails', async () => {
    const { captured, app, proc } = setup();
    await startService({
      logger: captured.logger,
      app,
      stop: async () => {
        throw new Error('database would not close');
      },
      process: proc,
    });
    proc.emit('SIGTERM');
    await proc.exitCalled;
    expect(proc.exits).toEqual([1]);
    expect(captured.entries().at(-1)).toMatchObject({ level: 'error', message: 'did not stop cleanly' });
  });

  it('logs one clear line and exits 1 when the port is taken', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    const { captured, app, proc } = setup();
    try {
      await startService({ logger: captured.logger, app, listen: { host: '127.0.0.1', port }, process: proc });
      expect(proc.exits).toEqual([1]);
      expect(captured.entries()).toEqual([
        expect.objectContaining({
          level: 'error',
          message: `cannot listen on 127.0.0.1:${port}: the address is already in use`,
          code: 'EADDRINUSE',
        }),
      ]);
    } finally {
      blocker.close();
    }
  });
});
