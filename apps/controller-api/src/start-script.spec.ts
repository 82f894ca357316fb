import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// The flag a focused harness measured (2–9 % less CPU per stored result in five paired runs): every way the product
// starts the controller API passes it, before the script (after it, it would be an argument of main.js). All of
// CONTROLLER_NODE_ARGS (with --single-threaded-gc) is checked in step by tools/processes' node-args spec.
const FLAG = '--max-semi-space-size=32';
const root = join(__dirname, '../../..');

describe('the controller API start', () => {
  it('npm run start:controller-api sizes the young generation', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts['start:controller-api']).toContain(`node --enable-source-maps ${FLAG} `);
  });

  it('its image sizes the young generation', () => {
    const dockerfile = readFileSync(join(root, 'docker/controller-api.Dockerfile'), 'utf8');
    expect(dockerfile).toContain(`CMD ["node", "--enable-source-maps", "${FLAG}", `);
  });
});
