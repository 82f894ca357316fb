// What the runner and keep-up benchmarks' child processes share: a loopback target that answers
// every request `ok`, a stub controller beside it, and the READY line their parents wait for.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ReportedResult, type ReportItemOutcome, reportResults } from '@vigil/contracts';
import { READY_PREFIX } from './runner-protocol';

// Far above the default 511: 1,000 probes connect at once, and a full accept queue would add
// SYN retransmits (a second each) to the figures. The kernel caps it at net.core.somaxconn.
const BACKLOG = 4096;
const TARGET_BODY = Buffer.from('ok\n');

export type StubHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Answers a report as the controller does when it accepts every result, once `count` has seen them. */
export async function acceptReport(req: IncomingMessage, res: ServerResponse, count: (results: readonly ReportedResult[]) => ReportItemOutcome[]): Promise<void> {
  const body = JSON.parse(await readBody(req)) as { results: ReportedResult[] };
  const results = count(body.results);
  json(res, reportResults.success.status, { results, accepted: results.length, duplicates: 0, rejected: 0 });
}

export function notFound(req: IncomingMessage, res: ServerResponse): void {
  json(res, 404, { error: { code: 'not_found', message: `${req.method} ${new URL(req.url ?? '/', 'http://stub').pathname}` } });
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0, backlog: BACKLOG }, () => resolve((server.address() as AddressInfo).port));
  });
}

/**
 * Starts the target (calling `onTargetRequest` for each request) and the stub controller `controllerFor`
 * makes for it, both on loopback; prints `READY {"target":…,"controller":…}` once both listen and
 * closes both on SIGTERM or SIGINT.
 */
export async function serveTargetAndController(onTargetRequest: () => void, controllerFor: (target: string) => StubHandler): Promise<void> {
  const targetServer = createServer((_req, res) => {
    onTargetRequest();
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': TARGET_BODY.length });
    res.end(TARGET_BODY);
  });
  const target = `http://127.0.0.1:${await listen(targetServer)}/`;
  const handle = controllerFor(target);
  const controllerServer = createServer((req, res) => {
    handle(req, res).catch((error: Error) => json(res, 500, { error: { code: 'internal', message: error.message } }));
  });
  const controllerPort = await listen(controllerServer);
  const stop = () => {
    targetServer.close();
    controllerServer.close();
    targetServer.closeAllConnections();
    controllerServer.closeAllConnections();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  console.log(`${READY_PREFIX}${JSON.stringify({ target, controller: `http://127.0.0.1:${controllerPort}` })}`);
}

/** Runs a child's servers, exiting 1 with the error if they cannot start. */
export function runStubServers(onTargetRequest: () => void, controllerFor: (target: string) => StubHandler): void {
  serveTargetAndController(onTargetRequest, controllerFor).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
