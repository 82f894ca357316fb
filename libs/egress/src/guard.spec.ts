import net from 'node:net';
import { createEgressGuard, EgressDeniedError, type ResolvedAddress } from './guard';
import { DEFAULT_EGRESS_POLICY } from './policy';
import { fakeResolver, loopbackEgress } from './testing';

type LookupResult = { error: NodeJS.ErrnoException | null; address: string | ResolvedAddress[]; family?: number };

function lookUp(lookup: net.LookupFunction, host: string, options: object): Promise<LookupResult> {
  return new Promise((resolve) => {
    lookup(host, options as never, ((error: NodeJS.ErrnoException | null, address: string | ResolvedAddress[], family?: number) =>
      resolve({ error, address, family })) as never);
  });
}

describe('an egress guard', () => {
  const resolver = fakeResolver({
    'metadata.test': '169.254.169.254',
    'rebind.test': '127.0.0.1',
    'mixed.test': ['192.0.2.10', '127.0.0.1'],
    'fine.test': ['192.0.2.10', '2001:db8::10'],
  });

  it('refuses a name resolving to the metadata address, naming the rule, and counts it', async () => {
    const denied: string[] = [];
    const guard = createEgressGuard(DEFAULT_EGRESS_POLICY, { resolver, onDenied: (decision, host) => denied.push(`${host} ${decision.rule}`) });
    const { error } = await lookUp(guard.lookup, 'metadata.test', {});
    expect(error).toBeInstanceOf(EgressDeniedError);
    expect(error).toMatchObject({ code: 'EGRESS_DENIED', rule: 'always:metadata', host: 'metadata.test', address: '169.254.169.254' });
    expect(error?.message).toContain('always:metadata');
    expect(denied).toEqual(['metadata.test always:metadata']);
  });

  it('refuses a name resolving to loopback by default (DNS rebinding)', async () => {
    const guard = createEgressGuard(DEFAULT_EGRESS_POLICY, { resolver });
    await expect(guard.resolve('rebind.test')).rejects.toMatchObject({ code: 'EGRESS_DENIED', rule: 'default:loopback' });
  });

  it('refuses a name when any one of its addresses is denied', async () => {
    const guard = createEgressGuard(DEFAULT_EGRESS_POLICY, { resolver });
    const { error } = await lookUp(guard.lookup, 'mixed.test', { all: true });
    expect(error).toMatchObject({ code: 'EGRESS_DENIED', rule: 'default:loopback' });
  });

  it('answers like dns.lookup for allowed names, with and without all', async () => {
    const guard = createEgressGuard(DEFAULT_EGRESS_POLICY, { resolver });
    expect(await lookUp(guard.lookup, 'fine.test', { all: true })).toEqual({
      error: null,
      address: [
        { address: '192.0.2.10', family: 4 },
        { address: '2001:db8::10', family: 6 },
      ],
      family: undefined,
    });
    expect(await lookUp(guard.lookup, 'fine.test', {})).toEqual({ error: null, address: '192.0.2.10', family: 4 });
    expect(await lookUp(guard.lookup, 'fine.test', { family: 6 })).toEqual({ error: null, address: '2001:db8::10', family: 6 });
  });

  it('passes resolver errors through', async () => {
    const guard = createEgressGuard(DEFAULT_EGRESS_POLICY, { resolver });
    const { error } = await lookUp(guard.lookup, 'nowhere.test', {});
    expect(error).toMatchObject({ code: 'ENOTFOUND' });
  });

  it('refuses denied literals synchronously and lets names through to resolution', () => {
    const guard = createEgressGuard(DEFAULT_EGRESS_POLICY, { resolver });
    expect(() => guard.refuseHost('169.254.169.254')).toThrow(EgressDeniedError);
    expect(() => guard.refuseHost('[::1]')).toThrow('default:loopback');
    expect(() => guard.refuseHost('localhost')).toThrow('default:loopback');
    expect(() => guard.refuseHost('10.0.0.1')).not.toThrow();
    expect(() => guard.refuseHost('rebind.test')).not.toThrow();
  });

  it('judges a literal passed to resolve as written, without resolving it', async () => {
    const guard = createEgressGuard(DEFAULT_EGRESS_POLICY, { resolver: fakeResolver({}) });
    await expect(guard.resolve('192.0.2.1')).resolves.toEqual([{ address: '192.0.2.1', family: 4 }]);
    await expect(guard.resolve('[2001:db8::1]')).resolves.toEqual([{ address: '2001:db8::1', family: 6 }]);
    await expect(guard.resolve('::ffff:127.0.0.1')).rejects.toMatchObject({ rule: 'default:loopback' });
  });

  it('stops a real connection to a denied address before it connects', async () => {
    let accepted = 0;
    const server = net.createServer((socket) => {
      accepted++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    try {
      const guard = createEgressGuard(DEFAULT_EGRESS_POLICY, { resolver });
      const error = await new Promise<Error>((resolve) => {
        const socket = net.connect({ host: 'rebind.test', port, lookup: guard.lookup });
        socket.on('error', resolve);
        socket.on('connect', () => resolve(new Error('connected')));
      });
      expect(error).toMatchObject({ code: 'EGRESS_DENIED' });
      expect(accepted).toBe(0);

      // The same connection with loopback allowed goes through.
      const allowed = loopbackEgress({ resolver });
      await new Promise<void>((resolve, reject) => {
        const socket = net.connect({ host: 'rebind.test', port, lookup: allowed.lookup });
        socket.on('error', reject);
        socket.on('close', () => resolve());
      });
      expect(accepted).toBe(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
