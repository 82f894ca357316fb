import { alwaysReady, bootService, startService } from '@vigil/http';
import { createApp } from './app';
import { readConfig } from './config';

const { config, logger, metrics } = bootService('runner', readConfig);
// Until the runner has work of its own there is nothing it waits for.
const app = createApp({ logger, metrics, ready: alwaysReady });
// METRICS_PORT=off leaves the port undefined: no HTTP server at all.
void startService({ logger, app, listen: { port: config.METRICS_PORT } });
