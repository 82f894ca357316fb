import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RUNNER_MAX_OLD_SPACE_MB } from '@vigil/runner-agent';

describe('the runner start script', () => {
  it('bounds the heap as the runner benchmark measured it', () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts['start:runner']).toContain(`--max-old-space-size=${RUNNER_MAX_OLD_SPACE_MB} dist/apps/runner/main.js`);
  });
});
