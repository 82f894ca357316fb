import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RUNNER_NODE_ARGS } from '@vigil/runner-agent';

describe('the runner start script', () => {
  it('bounds the heap and sizes the young generation as the benchmarks measured them', () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts['start:runner']).toContain(`node --enable-source-maps ${RUNNER_NODE_ARGS.join(' ')} dist/apps/runner/main.js`);
  });
});
