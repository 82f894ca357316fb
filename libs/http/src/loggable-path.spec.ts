import { loggablePath } from './request-logger';

describe('loggablePath', () => {
  it('leaves the token of a heartbeat ping URL out of logs, and every other path as it is', () => {
    expect(loggablePath('/ping/Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4')).toBe('/ping/:token');
    expect(loggablePath('/ping/Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4/start')).toBe('/ping/:token/start');
    expect(loggablePath('/api/v1/checks/abc/pings')).toBe('/api/v1/checks/abc/pings');
    expect(loggablePath('/status/ping/x')).toBe('/status/ping/x');
  });
});
