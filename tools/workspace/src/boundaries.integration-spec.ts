import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..');

interface LintMessage {
  ruleId: string | null;
  message: string;
}

/** Lints `code` as if it were the file at `filePath`, with the workspace's own ESLint CLI and config. */
async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  // ESLint exits 1 when it finds errors: the JSON on stdout is what matters.
  const run = spawnSync(
    join(root, 'node_modules', '.bin', 'eslint'),
    ['--stdin', '--stdin-filename', join(root, filePath), '--format', 'json', '--no-warn-ignored'],
    { cwd: root, input: code, encoding: 'utf8', env: { ...process.env, NX_DAEMON: 'false' } },
  );
  if (run.status !== 0 && run.status !== 1) throw new Error(`eslint failed: ${run.stderr}`);
  return lintMessages(run.stdout);
}

function lintMessages(json: string): string[] {
  const [result] = JSON.parse(json) as { messages: LintMessage[] }[];
  return result.messages.filter((m) => m.ruleId === '@nx/enforce-module-boundaries').map((m) => m.message);
}

describe('module boundaries', () => {
  it('forbid a pure lib from importing an I/O package', async () => {
    const errors = await boundaryErrors('libs/quorum/src/bad.ts', "import express from 'express';\nexport const app = express;\n");
    expect(errors.join('\n')).toMatch(/express/);
  });

  it('forbid a util lib from importing a data-access lib', async () => {
    const errors = await boundaryErrors('libs/uptime/src/bad.ts', "import { openDatabase } from '@vigil/db';\nexport const open = openDatabase;\n");
    expect(errors.join('\n')).toMatch(/tagged with "type:util" can only depend on libs tagged with "type:util"/);
  });

  it('forbid an app from reaching into another app', async () => {
    // Apps export nothing (no package "exports"), so the only way in is a path.
    const errors = await boundaryErrors(
      'apps/runner/src/bad.ts',
      "import { createApp } from '../../controller-api/src/app';\nexport const c = createApp;\n",
    );
    expect(errors.join('\n')).toMatch(/cannot be imported by a relative or absolute path/);
  });

  it('forbid a service lib from starting another service: the controller importing the evaluator', async () => {
    const errors = await boundaryErrors(
      'libs/controller/src/bad.ts',
      "import { startEvaluator } from '@vigil/evaluation';\nexport const start = startEvaluator;\n",
    );
    expect(errors.join('\n')).toMatch(/tagged with "type:feature" can only depend on libs tagged with "type:data-access", "type:util"/);
  });

  it('forbid a service lib from mounting the browser UI, which only the apps compose', async () => {
    const errors = await boundaryErrors('libs/controller/src/bad.ts', "import { mountDashboard } from '@vigil/dashboard';\nexport const m = mountDashboard;\n");
    expect(errors.join('\n')).toMatch(/tagged with "type:feature" can only depend on libs tagged with/);
  });

  it('allow an app to mount the browser UI', async () => {
    const errors = await boundaryErrors('apps/controller-api/src/fine.ts', "import { mountDashboard } from '@vigil/dashboard';\nexport const m = mountDashboard;\n");
    expect(errors).toEqual([]);
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
