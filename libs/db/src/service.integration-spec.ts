import { createCapturedLogger } from '@vigil/logger/testing';
import { openServiceDatabase } from './service';

class Exited extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}
const exit = (code: number): never => {
  throw new Exited(code);
};
const config = { VIGIL_DATA_DIR: '/tmp', LOG_LEVEL: 'info', LOG_FORMAT: 'json', VIGIL_MIGRATE: 'auto' } as const;

describe('openServiceDatabase', () => {
  it('ends the process with one log line and exit code 1 when PostgreSQL is unreachable', async () => {
    const { logger, entries } = createCapturedLogger();
    await expect(
      openServiceDatabase({ ...config, DATABASE_URL: 'postgres://vigil:pw@127.0.0.1:1/vigil' }, logger, exit),
    ).rejects.toEqual(new Exited(1));
    const errors = entries().filter((entry) => entry['level'] === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]['message']).toMatch(/Cannot connect to PostgreSQL at .*127\.0\.0\.1:1/);
    expect(JSON.stringify(errors[0])).not.toContain(':pw@');
  });
});
