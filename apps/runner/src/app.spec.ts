import { alwaysReady } from '@vigil/http';
import { itServesTheServiceEndpoints } from '@vigil/http/testing';
import { createCapturedLogger } from '@vigil/logger/testing';
import { createMemorySpool, startRunnerAgent } from '@vigil/runner-agent';
import { FakeController } from '@vigil/runner-agent/testing';
import { Registry } from 'prom-client';
import request from 'supertest';
import { createApp } from './app';
import { loopbackEgress } from '@vigil/egress/testing';

describe('the runner health and metrics app', () => {
  itServesTheServiceEndpoints(createApp);

  it("serves the agent's runs, spool and last poll on /metrics", async () => {
    const { logger } = createCapturedLogger();
    const metrics = new Registry();
    const controller = new FakeController();
    controller.lease(2, { target: 'http://127.0.0.1:9/' });
    const agent = startRunnerAgent({
      link: controller,
      spool: createMemorySpool({ maxResults: 10, logger }),
      logger,
      metrics,
      userAgent: 'Vigil/test (+runner t-1)',
      egress: loopbackEgress(),
      pollMode: 'periodic',
      pollIntervalMs: 100,
      concurrency: 2,
      reportDelayMs: 10,
      probe: async () => ({ ok: false, error_code: 'ECONNREFUSED' }),
    });
    try {
      for (let i = 0; i < 200 && controller.stored.size < 2; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
      const response = await request(createApp({ logger, metrics, ready: alwaysReady })).get('/metrics');
      expect(response.text).toContain('vigil_runner_runs_started_total{type="http"} 2');
      expect(response.text).toContain('vigil_runner_runs_finished_total{type="http",outcome="failed"} 2');
      expect(response.text).toContain('vigil_runner_probe_duration_seconds_count{type="http"} 2');
      expect(response.text).toContain('vigil_runner_spool_results 0');
      expect(response.text).toContain('vigil_runner_results_reported_total{outcome="accepted"} 2');
      expect(response.text).toMatch(/vigil_runner_last_successful_poll_timestamp_seconds \d{10}/);
    } finally {
      await agent.stop(100);
    }
  });
});
