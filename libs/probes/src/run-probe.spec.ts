import { createServer as createHttpServer } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server } from 'node:net';
import { HttpSpecSchema, TcpSpecSchema } from '@vigil/contracts';
import { loopbackEgress } from '@vigil/egress/testing';
import { runProbe } from './run-probe';

const context = { userAgent: 'Vigil/test (+runner test)', egress: loopbackEgress() };

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

describe('runProbe', () => {
  it('runs the probe of the run’s type', async () => {
    const http = createHttpServer((_req, res) => res.end('ok'));
    const tcp = createTcpServer((socket) => socket.end());
    const [httpPort, tcpPort] = [await listen(http), await listen(tcp)];
    try {
      const web = await runProbe({ type: 'http', target: `http://127.0.0.1:${httpPort}/`, spec: HttpSpecSchema.parse({}), timeoutMs: 5000 }, context);
      expect(web).toMatchObject({ ok: true, status_code: 200 });
      const port = await runProbe({ type: 'tcp', target: `127.0.0.1:${tcpPort}`, spec: TcpSpecSchema.parse({}), timeoutMs: 5000 }, context);
      expect(port.ok).toBe(true);
      expect(port.status_code).toBeUndefined();
    } finally {
      http.close();
      tcp.close();
    }
  });
});
