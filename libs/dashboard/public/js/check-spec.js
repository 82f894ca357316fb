// @ts-check
// What a check's type-specific settings mean, as facts for its page. Pure, so that it is tested
// without a browser. Only types whose spec changes what a result means are described.

/**
 * @typedef {import('../../src/api-types').Check} Check
 */

/**
 * The facts of an icmp check's spec: packets, the loss that fails it, the rtt that makes a run
 * degraded. None for other types.
 * @param {Check} check
 * @returns {Array<[string, string]>}
 */
export function specFacts(check) {
  if (check.type === 'heartbeat') {
    const { period_s: period = 86_400, grace_s: grace = 3_600 } = check.spec;
    return [
      ['Expects a ping', `every ${period} s, ${grace} s of grace`],
      ['Down when', `no ping for ${period + grace} s, a fail ping, or a started job not done within ${grace} s`],
    ];
  }
  if (check.type !== 'icmp') return [];
  const { count, interval_ms: interval, max_loss_percent: maxLoss, degraded_rtt_ms: degradedRtt } = check.spec;
  /** @type {Array<[string, string]>} */
  const rows = [
    ['Packets', `${count} echo request${count === 1 ? '' : 's'}, ${interval} ms apart`],
    ['Fails when', maxLoss === 0 ? 'any packet is lost' : `more than ${maxLoss} % of packets are lost`],
  ];
  if (degradedRtt !== undefined) rows.push(['Degraded when', `the average round trip exceeds ${degradedRtt} ms (never fails the check)`]);
  return rows;
}

/**
 * A ping result's loss and round trips, for a grid cell's title: `0 % loss · rtt 0.02/0.03/0.04 ms`;
 * empty for results of other types.
 * @param {Record<string, unknown> | null | undefined} details
 */
export function pingSummary(details) {
  if (!details || typeof details['loss_percent'] !== 'number') return '';
  const rtt = ['rtt_min_ms', 'rtt_avg_ms', 'rtt_max_ms'].map((key) => details[key]);
  const loss = `${details['loss_percent']} % loss`;
  return rtt.every((value) => typeof value === 'number') ? `${loss} · rtt ${rtt.join('/')} ms` : loss;
}

/**
 * A heartbeat ping as a table row: what it said, when, how long its run took, its exit code.
 * @param {{ kind: string, exit_code: number | null, duration_ms: number | null, received_at: string, body: string | null }} ping
 * @returns {[string, string, string, string]}
 */
export function pingRow(ping) {
  const said = ping.kind === 'fail' && ping.exit_code !== null ? `fail (exit ${ping.exit_code})` : ping.kind;
  const duration = ping.duration_ms === null ? '—' : ping.duration_ms < 1000 ? `${ping.duration_ms} ms` : `${(ping.duration_ms / 1000).toFixed(1)} s`;
  const body = ping.body === null ? '' : ping.body.length > 80 ? `${ping.body.slice(-80)}` : ping.body;
  return [said, ping.received_at, duration, body];
}
