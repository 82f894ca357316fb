import { dnsProbe } from './dns/dns-probe';
import { httpProbe } from './http/http-probe';
import { icmpProbe } from './icmp/icmp-probe';
import { tcpProbe } from './tcp/tcp-probe';
import { tlsCertProbe } from './tls-cert/tls-cert-probe';
import { applyLatencyRule } from './degraded';
import type { ProbeContext, ProbeResult, ProbeRun } from './types';

/**
 * Runs the probe of the run's type: the one entry point for runners and the `@controller`
 * location. The check's latency rule (`degradedLatencyMs`) applies to every type alike, here;
 * the type's own rules (an assertion of severity degraded, an icmp rtt) in its probe.
 */
export async function runProbe(run: ProbeRun, context: ProbeContext): Promise<ProbeResult> {
  return applyLatencyRule(await probeOfType(run, context), run.degradedLatencyMs);
}

function probeOfType(run: ProbeRun, context: ProbeContext): Promise<ProbeResult> {
  switch (run.type) {
    case 'http':
      return httpProbe(run, context);
    case 'tcp':
      return tcpProbe(run, context);
    case 'dns':
      return dnsProbe(run, context);
    case 'tls_cert':
      return tlsCertProbe(run, context);
    case 'icmp':
      return icmpProbe(run, context);
    case 'heartbeat':
      // Never leased (its one location is @heartbeat): the job pings instead of being probed.
      return Promise.resolve({ ok: false, error_code: 'not_probed', error: 'heartbeat checks are pinged by their job, never probed', latency_ms: 0 });
  }
}
