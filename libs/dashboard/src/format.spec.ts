import { ago, duration, latency, statusLabel } from '../public/js/format.js';

const NOW = Date.parse('2026-11-23T10:00:00Z');
const at = (offsetS: number) => new Date(NOW + offsetS * 1000).toISOString();

describe('format', () => {
  it('says how long ago, or how soon, in the largest whole unit', () => {
    expect([at(-2), at(2), at(-42), at(-5 * 60 - 59), at(-3 * 3600), at(-2 * 86_400), at(30), at(7200)].map((iso) => ago(iso, NOW))).toEqual([
      'just now',
      'just now',
      '42 s ago',
      '5 min ago',
      '3 h ago',
      '2 d ago',
      'in 30 s',
      'in 2 h',
    ]);
    expect(ago(null, NOW)).toBe('never');
  });

  it('writes durations with two units at most', () => {
    expect([850, 42_000, 5 * 60_000 + 3000, 3 * 3_600_000, 3 * 3_600_000 + 12 * 60_000, 2 * 86_400_000 + 4 * 3_600_000].map(duration)).toEqual([
      '850 ms',
      '42 s',
      '5 min 3 s',
      '3 h',
      '3 h 12 min',
      '2 d 4 h',
    ]);
  });

  it('names statuses and latencies for people', () => {
    expect(['seems_down', 'up', 'unknown', 'something_new'].map(statusLabel)).toEqual(['Seems down', 'Up', 'No data', 'something new']);
    expect([null, 42, 1340, 12_400].map(latency)).toEqual(['—', '42 ms', '1.3 s', '12 s']);
  });
});
