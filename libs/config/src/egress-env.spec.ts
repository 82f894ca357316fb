import { egressEnv, egressPolicyOf } from './egress-env';
import { ConfigError, loadConfig } from './load-config';
import { parseEgressList } from '@vigil/egress';

describe('egressEnv', () => {
  it('reads nothing as the defaults: loopback denied, private allowed', () => {
    const config = loadConfig(egressEnv, {});
    expect(config).toEqual({ VIGIL_EGRESS_ALLOW: [], VIGIL_EGRESS_DENY: [] });
    const policy = egressPolicyOf(config);
    expect(policy.decide('127.0.0.1').rule).toBe('default:loopback');
    expect(policy.decide('10.0.0.1').allowed).toBe(true);
  });

  it('reads groups and CIDRs for each list', () => {
    const config = loadConfig(egressEnv, { VIGIL_EGRESS_ALLOW: 'loopback, 10.1.0.0/16', VIGIL_EGRESS_DENY: 'private' });
    const policy = egressPolicyOf(config);
    expect(policy.decide('127.0.0.1').rule).toBe('allow:loopback');
    expect(policy.decide('10.1.2.3').rule).toBe('allow:10.1.0.0/16');
    expect(policy.decide('192.168.1.1').rule).toBe('deny:private');
  });

  it('adds what the process itself needs to the allowed list', () => {
    const policy = egressPolicyOf(loadConfig(egressEnv, {}), parseEgressList('loopback'));
    expect(policy.decide('::1').allowed).toBe(true);
  });

  it('refuses a bad entry, naming it and the variable', () => {
    let error: unknown;
    try {
      loadConfig(egressEnv, { VIGIL_EGRESS_DENY: 'private, intranet' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(String((error as Error).message)).toMatch(/VIGIL_EGRESS_DENY.*"intranet"/s);
  });
});
