import nx from '@nx/eslint-plugin';

// Libraries that do I/O; util libs (pure logic, config, logging, auth) must not import them.
const ioPackages = ['express', 'got', '@prisma/*', 'pg', '@electric-sql/*', 'pglite-prisma-adapter', 'supertest'];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  {
    ignores: ['**/dist', '**/node_modules', '**/generated', '**/coverage', '**/.data', '**/.nx'],
  },
  {
    files: ['**/src/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            // A feature lib starts a service (controller, evaluator, notifier, runner agent): only an app
            // composes them, so one may not import another (a controller starting the evaluator).
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:feature', 'type:ui', 'type:data-access', 'type:util'] },
            { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['type:data-access', 'type:util'] },
            // Browser UI served as files: mounted by the apps beside the API, never by a service lib.
            { sourceTag: 'type:ui', onlyDependOnLibsWithTags: ['type:data-access', 'type:util'] },
            { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:data-access', 'type:util', 'type:schema'] },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'], bannedExternalImports: ioPackages },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:tool', 'type:feature', 'type:ui', 'type:data-access', 'type:util'] },
            { sourceTag: 'type:schema', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:controller', onlyDependOnLibsWithTags: ['scope:controller', 'scope:shared'] },
            { sourceTag: 'scope:runner', onlyDependOnLibsWithTags: ['scope:runner', 'scope:shared'] },
            { sourceTag: 'scope:evaluator', onlyDependOnLibsWithTags: ['scope:evaluator', 'scope:shared'] },
            { sourceTag: 'scope:notifier', onlyDependOnLibsWithTags: ['scope:notifier', 'scope:shared'] },
            {
              sourceTag: 'scope:all-in-one',
              onlyDependOnLibsWithTags: ['scope:controller', 'scope:runner', 'scope:evaluator', 'scope:notifier', 'scope:shared'],
            },
            { sourceTag: 'scope:tools', onlyDependOnLibsWithTags: ['*'] },
          ],
        },
      ],
    },
  },
  {
    // One reader of the environment per app (src/config.ts) and the config lib itself.
    files: ['apps/*/src/**/*.ts', 'libs/*/src/**/*.ts', 'tools/*/src/**/*.ts'],
    ignores: ['**/src/config.ts', 'libs/config/src/**', '**/testing/**', '**/*.spec.ts', '**/*.integration-spec.ts', '**/*.e2e-spec.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read the environment in src/config.ts (through @vigil/config).' },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.integration-spec.ts', '**/*.e2e-spec.ts', '**/jest.config.cjs', '**/jest.e2e.config.cjs', 'jest.preset.cjs', 'jest.e2e-preset.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
];
