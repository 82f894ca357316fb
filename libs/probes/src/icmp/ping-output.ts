/** What a `ping` run reported in its closing statistics. */
export interface PingStatistics {
  transmitted: number;
  received: number;
  /** Computed from transmitted and received (ping's own figure is rounded), to 0.1. */
  lossPercent: number;
  /** Absent when no reply came back (ping prints no rtt line then). */
  rtt?: { minMs: number; avgMs: number; maxMs: number; mdevMs?: number };
}

// `3 packets transmitted, 2 received, +1 errors, 33.3333% packet loss, time 2003ms` (iputils),
// `3 packets transmitted, 3 packets received, 0% packet loss` (busybox, BSD), or the same in
// another language (`3 Pakete übertragen, 3 empfangen, 0% Paketverlust`): the first two counts
// on a line that also gives a percentage.
const COUNTS_LINE = /^\D*?(\d+)\D+?(\d+)\D.*?\d+(?:[.,]\d+)?\s*%/;
// `rtt min/avg/max/mdev = 0.034/0.051/0.069/0.017 ms` (iputils), `round-trip min/avg/max = …`
// (busybox), `…/stddev = …` (BSD); decimal commas where a locale prints them.
const NUMBER = String.raw`(\d+(?:[.,]\d+)?)`;
const RTT_LINE = new RegExp(String.raw`=\s*${NUMBER}/${NUMBER}/${NUMBER}(?:/${NUMBER})?\s*ms`);

const toNumber = (text: string): number => Number(text.replace(',', '.'));

/**
 * The statistics at the end of `ping`'s output, or undefined when there are none (ping failed
 * before sending: an unknown host, a missing permission). Only the summary lines are read, so
 * quiet (`-q`) and verbose output parse the same.
 */
export function parsePingOutput(output: string): PingStatistics | undefined {
  const lines = output.split(/\r?\n/);
  let counts: RegExpExecArray | null = null;
  let rtt: RegExpExecArray | null = null;
  for (const line of lines) {
    // Per-packet lines (`64 bytes from …: icmp_seq=1 ttl=64 time=0.069 ms`) have no `%`, and no `=` before a slash list.
    counts ??= line.includes('%') ? COUNTS_LINE.exec(line) : null;
    rtt ??= RTT_LINE.exec(line);
  }
  if (counts === null) return undefined;
  const transmitted = Number(counts[1]);
  const received = Math.min(Number(counts[2]), transmitted);
  if (transmitted === 0) return undefined;
  const lossPercent = Math.round(((transmitted - received) / transmitted) * 1000) / 10;
  const statistics: PingStatistics = { transmitted, received, lossPercent };
  if (rtt !== null && received > 0) {
    statistics.rtt = { minMs: toNumber(rtt[1]), avgMs: toNumber(rtt[2]), maxMs: toNumber(rtt[3]) };
    if (rtt[4] !== undefined) statistics.rtt.mdevMs = toNumber(rtt[4]);
  }
  return statistics;
}
