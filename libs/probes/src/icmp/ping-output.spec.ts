import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePingOutput } from './ping-output';

const fixture = (name: string): string => readFileSync(join(__dirname, 'fixtures', name), 'utf8');

describe('parsePingOutput', () => {
  it('reads counts and rtt from iputils output, per-packet lines and all', () => {
    expect(parsePingOutput(fixture('iputils-ipv4.txt'))).toEqual({
      transmitted: 3,
      received: 3,
      lossPercent: 0,
      rtt: { minMs: 0.025, avgMs: 0.033, maxMs: 0.038, mdevMs: 0.005 },
    });
  });

  it('reads quiet IPv6 output the same way', () => {
    expect(parsePingOutput(fixture('iputils-ipv6-quiet.txt'))).toEqual({
      transmitted: 2,
      received: 2,
      lossPercent: 0,
      rtt: { minMs: 0.026, avgMs: 0.034, maxMs: 0.043, mdevMs: 0.008 },
    });
  });

  it('gives no rtt when every packet was lost (ping prints no rtt line)', () => {
    expect(parsePingOutput(fixture('iputils-total-loss.txt'))).toEqual({ transmitted: 3, received: 0, lossPercent: 100 });
  });

  it('computes the loss itself when ping reports errors beside replies', () => {
    expect(parsePingOutput(fixture('iputils-errors.txt'))).toEqual({
      transmitted: 3,
      received: 1,
      lossPercent: 66.7,
      rtt: { minMs: 12.402, avgMs: 12.402, maxMs: 12.402, mdevMs: 0 },
    });
  });

  it('does not count duplicates as received', () => {
    expect(parsePingOutput(fixture('duplicates.txt'))).toMatchObject({ transmitted: 2, received: 2, lossPercent: 0 });
  });

  it("reads busybox's output, which has no mdev", () => {
    expect(parsePingOutput(fixture('busybox.txt'))).toEqual({
      transmitted: 3,
      received: 3,
      lossPercent: 0,
      rtt: { minMs: 0.063, avgMs: 0.087, maxMs: 0.101 },
    });
  });

  it('reads localised output with decimal commas', () => {
    expect(parsePingOutput(fixture('localized-de.txt'))).toEqual({
      transmitted: 4,
      received: 3,
      lossPercent: 25,
      rtt: { minMs: 0.045, avgMs: 0.049, maxMs: 0.052, mdevMs: 0.003 },
    });
  });

  it('reads Windows-style line ends and a space before the percent sign', () => {
    const text = '--- h ping statistics ---\r\n5 paquets transmis, 4 reçus, 20 % paquets perdus\r\nrtt min/avg/max/mdev = 1.5/2.5/3.5/0.5 ms\r\n';
    expect(parsePingOutput(text)).toEqual({ transmitted: 5, received: 4, lossPercent: 20, rtt: { minMs: 1.5, avgMs: 2.5, maxMs: 3.5, mdevMs: 0.5 } });
  });

  it('finds nothing in output without statistics, or with nothing sent', () => {
    expect(parsePingOutput('ping: unknown.invalid: Name or service not known\n')).toBeUndefined();
    expect(parsePingOutput('')).toBeUndefined();
    expect(parsePingOutput('0 packets transmitted, 0 received, 0% packet loss\n')).toBeUndefined();
    expect(parsePingOutput('64 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time=0.069 ms\n')).toBeUndefined();
  });
});
