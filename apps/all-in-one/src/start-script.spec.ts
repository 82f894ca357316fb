import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EMBEDDED_NODE_ARGS, EMBEDDED_PROCESS_ENV } from '@vigil/db';

describe('the all-in-one start script (npm start)', () => {
  const pkg = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as { scripts: Record<string, string> };

  it('is what npm start runs', () => {
    expect(pkg.scripts['start']).toBe('npm run start:all-in-one');
  });

  it('starts node with the memory bounds the steady benchmark measured, before Node reads anything', () => {
    const variables = Object.entries(EMBEDDED_PROCESS_ENV).map(([name, value]) => `${name}=${value}`);
    // The variables prefix the node command itself (glibc reads them as the process starts); the flags precede the script.
    expect(pkg.scripts['start:all-in-one']).toContain(`&& ${variables.join(' ')} node --enable-source-maps ${EMBEDDED_NODE_ARGS.join(' ')} dist/apps/all-in-one/main.js`);
  });
});
