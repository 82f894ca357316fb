// Test helper: a tiny authoritative DNS server on loopback UDP (node:dgram), enough for the dns
// probe's tests. It answers one question per query from a fixed zone; it does not compress names.
import dgram from 'node:dgram';
import net from 'node:net';

export interface TestZoneRecords {
  A?: string[];
  AAAA?: string[];
  CNAME?: string[];
  NS?: string[];
  MX?: Array<{ priority: number; exchange: string }>;
  /** Each record is a list of character strings (each at most 255 bytes). */
  TXT?: string[][];
}

export interface TestDnsServerOptions {
  zone: Record<string, TestZoneRecords>;
  /** Names answered with SERVFAIL. */
  servfail?: string[];
  /** Names never answered (for timeouts). */
  silent?: string[];
}

export interface TestDnsServer {
  port: number;
  close(): Promise<void>;
}

const TYPE_CODES = { A: 1, NS: 2, CNAME: 5, MX: 15, TXT: 16, AAAA: 28 } as const;
type RecordType = keyof typeof TYPE_CODES;

function encodeName(name: string): Buffer {
  const labels = name.replace(/\.$/, '').split('.').filter(Boolean);
  return Buffer.concat([...labels.map((label) => Buffer.concat([Buffer.from([label.length]), Buffer.from(label)])), Buffer.from([0])]);
}

function encodeIPv6(address: string): Buffer {
  const [head, tail = ''] = address.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = address.includes('::') && tail ? tail.split(':') : [];
  const groups = [...headGroups, ...Array(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups];
  const buffer = Buffer.alloc(16);
  groups.forEach((group, index) => buffer.writeUInt16BE(parseInt(group, 16), index * 2));
  return buffer;
}

function encodeRdata(type: RecordType, value: unknown): Buffer {
  switch (type) {
    case 'A':
      return Buffer.from((value as string).split('.').map(Number));
    case 'AAAA':
      return encodeIPv6(value as string);
    case 'CNAME':
    case 'NS':
      return encodeName(value as string);
    case 'MX': {
      const { priority, exchange } = value as { priority: number; exchange: string };
      const preference = Buffer.alloc(2);
      preference.writeUInt16BE(priority);
      return Buffer.concat([preference, encodeName(exchange)]);
    }
    case 'TXT':
      return Buffer.concat((value as string[]).map((chunk) => Buffer.concat([Buffer.from([Buffer.byteLength(chunk)]), Buffer.from(chunk)])));
  }
}

/** The question's name (lower-cased), type code and where it ends. */
function readQuestion(message: Buffer): { name: string; type: number; end: number } {
  const labels: string[] = [];
  let offset = 12;
  while (message[offset] !== 0) {
    const length = message[offset];
    labels.push(message.subarray(offset + 1, offset + 1 + length).toString('latin1'));
    offset += length + 1;
  }
  return { name: labels.join('.').toLowerCase(), type: message.readUInt16BE(offset + 1), end: offset + 5 };
}

function respond(query: Buffer, options: TestDnsServerOptions): Buffer | undefined {
  const { name, type, end } = readQuestion(query);
  if (options.silent?.includes(name)) return undefined;
  const records = options.zone[name];
  const rcode = options.servfail?.includes(name) ? 2 : records === undefined ? 3 : 0;
  const recordType = (Object.keys(TYPE_CODES) as RecordType[]).find((key) => TYPE_CODES[key] === type);
  const values: unknown[] = rcode === 0 && recordType !== undefined ? (records?.[recordType] ?? []) : [];
  const answers = values.map((value) => {
    const rdata = encodeRdata(recordType as RecordType, value);
    const fixed = Buffer.alloc(12);
    fixed.writeUInt16BE(0xc00c, 0); // a pointer to the question's name
    fixed.writeUInt16BE(type, 2);
    fixed.writeUInt16BE(1, 4); // class IN
    fixed.writeUInt32BE(60, 6); // TTL
    fixed.writeUInt16BE(rdata.length, 10);
    return Buffer.concat([fixed, rdata]);
  });
  const header = Buffer.alloc(12);
  query.copy(header, 0, 0, 2); // id
  header.writeUInt16BE(0x8400 | (query.readUInt16BE(2) & 0x0100) | rcode, 2); // QR, AA, RD copied
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(answers.length, 6);
  return Buffer.concat([header, query.subarray(12, end), ...answers]);
}

/** Starts the server on `host` (127.0.0.1 by default), port 0. */
export async function startTestDnsServer(options: TestDnsServerOptions, host = '127.0.0.1'): Promise<TestDnsServer> {
  const socket = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4');
  socket.on('message', (message, remote) => {
    const answer = respond(message, options);
    if (answer) socket.send(answer, remote.port, remote.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, host, resolve));
  return {
    port: socket.address().port,
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}
