import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONTROLLER_NODE_ARGS, EVALUATOR_NODE_ARGS } from './services';

// Fleets and benchmarks start the services with these flags: every way the product starts them
// passes the same ones, so what the benchmarks measured is what runs.
const root = join(__dirname, '../../..');
const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
const dockerfile = (app: string) => readFileSync(join(root, `docker/${app}.Dockerfile`), 'utf8');

describe.each([
  { app: 'controller-api', args: CONTROLLER_NODE_ARGS },
  { app: 'evaluator', args: EVALUATOR_NODE_ARGS },
])('the $app Node flags', ({ app, args }) => {
  it('keep GC on the main thread', () => {
    expect(args).toContain('--single-threaded-gc');
  });

  it(`are npm run start:${app}'s`, () => {
    expect(scripts[`start:${app}`]).toContain(`&& node --enable-source-maps ${args.join(' ')} dist/apps/${app}/main.js`);
  });

  it("are its image's", () => {
    expect(dockerfile(app)).toContain(`CMD ["node", "--enable-source-maps", ${args.map((arg) => `"${arg}"`).join(', ')}, "main.js"]`);
  });
});
