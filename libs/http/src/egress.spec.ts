import { egressEnv, loadConfig } from '@vigil/config';
import { parseEgressList } from '@vigil/egress';
import { fakeResolver } from '@vigil/egress/testing';
import { Registry } from 'prom-client';
import { egressGuardFrom } from './egress';

describe('egressGuardFrom', () => {
  it('counts refusals by component and rule kind', async () => {
    const metrics = new Registry();
    const config = loadConfig(egressEnv, { VIGIL_EGRESS_DENY: '192.0.2.0/24' });
    const guard = egressGuardFrom(config, metrics, 'notifier', { resolver: fakeResolver({ 'metadata.test': '169.254.169.254' }) });
    expect(() => guard.refuseHost('127.0.0.1')).toThrow('default:loopback');
    expect(() => guard.refuseHost('192.0.2.1')).toThrow('deny:192.0.2.0/24');
    await expect(guard.resolve('metadata.test')).rejects.toMatchObject({ code: 'EGRESS_DENIED' });
    const text = await metrics.metrics();
    expect(text).toContain('vigil_egress_denied_total{component="notifier",rule_kind="default"} 1');
    expect(text).toContain('vigil_egress_denied_total{component="notifier",rule_kind="deny"} 1');
    expect(text).toContain('vigil_egress_denied_total{component="notifier",rule_kind="always"} 1');
  });

  it('adds what the process needs to its settings, sharing one metric between components', async () => {
    const metrics = new Registry();
    const config = loadConfig(egressEnv, {});
    const controller = egressGuardFrom(config, metrics, 'controller', { alsoAllow: parseEgressList('loopback') });
    const notifier = egressGuardFrom(config, metrics, 'notifier');
    expect(() => controller.refuseHost('127.0.0.1')).not.toThrow();
    expect(() => notifier.refuseHost('127.0.0.1')).toThrow();
    expect(await metrics.metrics()).toContain('vigil_egress_denied_total{component="notifier",rule_kind="default"} 1');
  });
});
