import { pingSummary, specFacts } from '../public/js/check-spec.js';
import { describeResult } from '../public/js/grid.js';
import type { Check } from './api-types';

function check(fields: Partial<Check> & Pick<Check, 'type' | 'spec'>): Check {
  return {
    id: '11111111-1111-4111-8111-111111111111',
    site_id: '22222222-2222-4222-8222-222222222222',
    name: null,
    target: '192.0.2.1',
    interval_s: 60,
    down_interval_s: null,
    timeout_ms: 10_000,
    locations: [],
    effective_locations: ['eu-1'],
    failing_threshold: 2,
    passing_threshold: 1,
    failing_locations_threshold: '66%',
    enabled: true,
    status: 'up',
    last_checked_at: null,
    created_at: '2026-12-05T00:00:00Z',
    updated_at: '2026-12-05T00:00:00Z',
    ...fields,
  } as Check;
}

describe('specFacts', () => {
  it("describes an icmp check's packets, the loss that fails it and the rtt that will make it degraded", () => {
    expect(specFacts(check({ type: 'icmp', spec: { count: 5, interval_ms: 500, max_loss_percent: 20, degraded_rtt_ms: 80 } }))).toEqual([
      ['Packets', '5 echo requests, 500 ms apart'],
      ['Fails when', 'more than 20 % of packets are lost'],
      ['Degraded when', 'the average round trip exceeds 80 ms (never fails the check)'],
    ]);
    expect(specFacts(check({ type: 'icmp', spec: { count: 1, interval_ms: 1000, max_loss_percent: 0 } }))).toEqual([
      ['Packets', '1 echo request, 1000 ms apart'],
      ['Fails when', 'any packet is lost'],
    ]);
  });

  it('says nothing of other types', () => {
    expect(specFacts(check({ type: 'tcp', target: 'db.example.com:5432', spec: { tls: false } }))).toEqual([]);
  });
});

describe('pingSummary and the grid titles', () => {
  const result = {
    location: 'eu-1',
    ok: false,
    status_code: null,
    latency_ms: 12.4,
    error_code: 'PACKET_LOSS',
    error: '2 of 3 packets lost (66.7 %), more than max_loss_percent 0',
    checked_at: '2026-12-05T10:00:00Z',
    details: { address: '192.0.2.1', transmitted: 3, received: 1, loss_percent: 66.7, rtt_min_ms: 12.4, rtt_avg_ms: 12.4, rtt_max_ms: 12.4 },
  };

  it('gives the loss and round trips of a ping result, and the loss alone when nothing came back', () => {
    expect(pingSummary(result.details)).toBe('66.7 % loss · rtt 12.4/12.4/12.4 ms');
    expect(pingSummary({ transmitted: 3, received: 0, loss_percent: 100 })).toBe('100 % loss');
    expect(pingSummary({ valid_to: '2027-01-01T00:00:00Z' })).toBe('');
    expect(pingSummary(null)).toBe('');
  });

  it("puts them in a result's line of a grid cell's title", () => {
    expect(describeResult(result, () => '10:00:00')).toBe(
      '10:00:00 failed · 12.4 ms · 66.7 % loss · rtt 12.4/12.4/12.4 ms · PACKET_LOSS: 2 of 3 packets lost (66.7 %), more than max_loss_percent 0',
    );
  });
});
