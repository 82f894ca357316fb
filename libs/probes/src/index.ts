export type { Probe, ProbeContext, ProbeResult, ProbeRun } from './types';
export { runProbe } from './run-probe';
export { MAX_EXCERPT_CHARS } from './text';
export { httpProbe, MAX_RESPONSE_BODY_BYTES } from './http/http-probe';
export { createTcpProbe, tcpProbe, MAX_TCP_READ_BYTES, type TcpProbeOptions } from './tcp/tcp-probe';
export { createDnsProbe, dnsProbe, type DnsProbeOptions } from './dns/dns-probe';
export { createTlsCertProbe, tlsCertProbe, parseTlsTarget, type TlsCertProbeOptions } from './tls-cert/tls-cert-probe';
export { createIcmpProbe, icmpProbe, MAX_PING_OUTPUT_BYTES, type IcmpProbeOptions } from './icmp/icmp-probe';
export { parsePingOutput, type PingStatistics } from './icmp/ping-output';
