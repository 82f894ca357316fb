import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ESLint } from 'eslint';

const root = join(__dirname, '..', '..', '..');

async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(code, { filePath: join(root, filePath) });
  return result.messages.filter((m) => m.ruleId === '@nx/enforce-module-boundaries').map((m) => m.message);
}

describe('module boundaries', () => {
  it('forbid a pure lib from importing an I/O package', async () => {
    const errors = await boundaryErrors('libs/quorum/src/bad.ts', "import express from 'express';\nexport const app = express;\n");
    expect(errors.join('\n')).toMatch(/express/);
  });

  it('forbid a util lib from importing a data-access lib', async () => {
    const errors = await boundaryErrors('libs/config/src/bad.ts', "import { openDatabase } from '@vigil/db';\nexport const open = openDatabase;\n");
    expect(errors.join('\n')).toMatch(/type:data-access|tags/);
  });

  it('forbid an app from importing another app', async () => {
    const errors = await boundaryErrors('apps/runner/src/bad.ts', "import { createApp } from '@vigil/controller-api';\nexport const c = createApp;\n");
    expect(errors.length).toBeGreaterThan(0);
  });

  it('allow a data-access lib to import a util lib', async () => {
    const errors = await boundaryErrors('libs/db/src/fine.ts', "import { loadConfig } from '@vigil/config';\nexport const l = loadConfig;\n");
    expect(errors).toEqual([]);
  });
});

describe('the project graph', () => {
  it('marks db and every app that uses the database affected by a change to prisma/schema.prisma', () => {
    const out = execFileSync(
      join(root, 'node_modules', '.bin', 'nx'),
      ['show', 'projects', '--affected', '--files=prisma/schema.prisma', '--json'],
      { cwd: root, env: { ...process.env, NX_DAEMON: 'false' }, encoding: 'utf8' },
    );
    const affected = JSON.parse(out) as string[];
    expect(affected).toEqual(expect.arrayContaining(['@vigil/prisma', '@vigil/db']));
    for (const app of ['controller-api', 'evaluator', 'notifier']) {
      expect(affected).toContain(`@vigil/${app}`);
    }
    // The runner talks to the controller over HTTP only, never to the database.
    expect(affected).not.toContain('@vigil/runner');
  });
});
