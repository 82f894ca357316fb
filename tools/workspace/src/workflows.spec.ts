import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const root = join(__dirname, '..', '..', '..');

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  'runs-on'?: string;
  if?: string;
  needs?: string | string[];
  permissions?: Record<string, string>;
  services?: Record<string, { image: string; ports?: string[] }>;
  env?: Record<string, string>;
  strategy?: { matrix?: Record<string, unknown> };
  outputs?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  on: Record<string, { branches?: string[] } | null>;
  permissions?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  jobs: Record<string, Job>;
}

const readYaml = <T>(path: string): T => parse(readFileSync(join(root, path), 'utf8')) as T;
const readJson = <T>(path: string): T => JSON.parse(readFileSync(join(root, path), 'utf8')) as T;

/** A job's steps with the repository's own composite actions (`uses: ./...`) expanded in place. */
function stepsOf(job: Job): Step[] {
  return job.steps.flatMap((step) => {
    if (!step.uses?.startsWith('./')) return [step];
    const action = readYaml<{ runs: { using: string; steps: Step[] } }>(join(step.uses, 'action.yml'));
    expect(action.runs.using).toBe('composite');
    return action.runs.steps;
  });
}

const indexOf = (steps: Step[], match: (step: Step) => boolean): number => steps.findIndex(match);
const uses = (action: string) => (step: Step) => step.uses?.split('@')[0] === action;

/** Every permission any part of the workflow grants, as `scope: level`. */
function grants(workflow: Workflow): string[] {
  return [workflow.permissions, ...Object.values(workflow.jobs).map((job) => job.permissions)]
    .flatMap((permissions) => Object.entries(permissions ?? {}))
    .map(([scope, level]) => `${scope}: ${level}`);
}

describe('.github/workflows/ci.yml', () => {
  const ci = readYaml<Workflow>('.github/workflows/ci.yml');

  it('runs on pull requests and on pushes to main, a new run cancelling the one it supersedes', () => {
    expect(Object.keys(ci.on)).toEqual(expect.arrayContaining(['pull_request', 'push']));
    expect(ci.on['push']?.branches).toEqual(['main']);
    expect(ci.concurrency?.['cancel-in-progress']).toBe(true);
    expect(ci.concurrency?.group).toContain('github.ref');
  });

  it('reads the repository and writes nothing', () => {
    expect(ci.permissions?.['contents']).toBe('read');
    expect(grants(ci).filter((grant) => !grant.endsWith(': read'))).toEqual([]);
  });

  it('has one job per target, each running `nx affected` for that target alone', () => {
    expect(Object.keys(ci.jobs).sort()).toEqual(['build', 'e2e', 'lint', 'test', 'typecheck']);
    for (const [target, job] of Object.entries(ci.jobs)) {
      const commands = stepsOf(job).flatMap((step) => (step.run?.includes('nx affected') ? [step.run.trim()] : []));
      expect({ target, commands }).toEqual({ target, commands: [expect.stringMatching(new RegExp(`^npx nx affected -t ${target}( --|$)`))] });
    }
  });

  it('gives nx affected the full history and the base/head SHAs of nrwl/nx-set-shas, after `npm ci`', () => {
    for (const [target, job] of Object.entries(ci.jobs)) {
      const steps = stepsOf(job);
      const checkout = steps.find(uses('actions/checkout'));
      expect({ target, fetchDepth: checkout?.with?.['fetch-depth'] }).toEqual({ target, fetchDepth: 0 });
      const install = indexOf(steps, (step) => /^npm ci\b/.test(step.run ?? ''));
      const shas = indexOf(steps, uses('nrwl/nx-set-shas'));
      const affected = indexOf(steps, (step) => step.run?.includes('nx affected') ?? false);
      expect({ target, order: [install >= 0, shas > install, affected > shas] }).toEqual({ target, order: [true, true, true] });
    }
  });

  it('gives the test and e2e jobs a PostgreSQL service that TEST_DATABASE_URL names', () => {
    for (const target of ['test', 'e2e']) {
      const job = ci.jobs[target];
      const url = new URL(job.env?.['TEST_DATABASE_URL'] ?? '');
      const postgres = Object.values(job.services ?? {}).find((service) => service.image.startsWith('postgres:'));
      expect({ target, ports: postgres?.ports }).toEqual({ target, ports: expect.arrayContaining([`${url.port}:5432`]) });
      expect(url.hostname).toBe('127.0.0.1');
    }
  });

  it('installs the Chromium that the browser test launches before the e2e target runs', () => {
    const steps = stepsOf(ci.jobs['e2e']);
    const chromium = indexOf(steps, (step) => step.run?.includes('/usr/bin/chromium') ?? false);
    expect(chromium).toBeGreaterThan(indexOf(steps, uses('browser-actions/setup-chrome')));
    expect(chromium).toBeLessThan(indexOf(steps, (step) => step.run?.includes('nx affected -t e2e') ?? false));
  });
});

describe('.github/workflows/release.yml', () => {
  const release = readYaml<Workflow>('.github/workflows/release.yml');
  const releaseJob = Object.values(release.jobs).find((job) => job.steps.some((step) => step.run?.includes('nx release')));
  const imageJob = Object.values(release.jobs).find((job) => job.steps.some(uses('docker/build-push-action')));

  it('runs on pushes to main and by hand, one release at a time', () => {
    expect(release.on['push']?.branches).toEqual(['main']);
    expect(Object.keys(release.on)).toContain('workflow_dispatch');
    expect(release.concurrency?.['cancel-in-progress']).toBe(false);
  });

  it('grants contents: write to the job that releases and packages: write to the job that pushes images, and nothing else', () => {
    expect(release.permissions).toEqual({ contents: 'read' });
    expect(releaseJob?.permissions).toEqual({ contents: 'write' });
    expect(imageJob?.permissions).toEqual({ contents: 'read', packages: 'write' });
  });

  it('versions, writes changelogs, commits and tags with nx release, publishes nothing to npm and pushes the result', () => {
    const steps = releaseJob?.steps ?? [];
    expect(steps.find(uses('actions/checkout'))?.with?.['fetch-depth']).toBe(0);
    expect(steps.some((step) => /^npm ci\b/.test(step.run ?? ''))).toBe(true);
    expect(steps.find((step) => step.run?.includes('nx release'))?.run).toMatch(/npx nx release --skip-publish\n/);
    expect(steps.some((step) => /git push .*refs\/tags\//.test(step.run ?? ''))).toBe(true);
    expect(steps.some((step) => step.run?.includes('node tools/scripts/release-matrix.mjs'))).toBe(true);
  });

  it('builds and pushes one image per released app, from its Dockerfile, tagged with its version and latest', () => {
    expect(imageJob?.strategy?.matrix?.['include']).toMatch(/^\$\{\{ fromJSON\(needs\.\w+\.outputs\.apps\) \}\}$/);
    expect(imageJob?.if).toContain("outputs.apps != '[]'");
    const steps = imageJob?.steps ?? [];
    const build = steps.find(uses('docker/build-push-action'));
    expect(indexOf(steps, uses('docker/setup-buildx-action'))).toBeGreaterThanOrEqual(0);
    expect(indexOf(steps, uses('docker/login-action'))).toBeLessThan(indexOf(steps, uses('docker/build-push-action')));
    expect(build?.with).toMatchObject({ context: '.', file: '${{ matrix.dockerfile }}', push: true });
    const imageName = steps.find((step) => step.run?.includes('ghcr.io/'))?.run;
    expect(imageName).toContain('ghcr.io/${OWNER,,}/vigil-$APP');
    expect(String(build?.with?.['tags']).trim().split('\n')).toEqual([
      '${{ steps.image.outputs.name }}:${{ matrix.version }}',
      '${{ steps.image.outputs.name }}:latest',
    ]);
  });
});

describe('release configuration', () => {
  const nx = readJson<{ release: { releaseTag: { pattern: string } } & Record<string, unknown> }>('nx.json');
  const dockerfileApps = readdirSync(join(root, 'docker'))
    .filter((file) => file.endsWith('.Dockerfile'))
    .map((file) => file.slice(0, -'.Dockerfile'.length));
  const packageOf = (app: string) => readJson<{ name: string; version: string; private?: boolean }>(`apps/${app}/package.json`);

  it('versions each app on its own from conventional commits, with its own changelog', () => {
    expect(nx.release).toMatchObject({
      projects: ['apps/*'],
      projectsRelationship: 'independent',
      releaseTag: { pattern: '{projectName}@{version}' },
      version: { conventionalCommits: true },
      changelog: { workspaceChangelog: false, projectChangelogs: { file: '{projectRoot}/CHANGELOG.md', createRelease: false } },
    });
  });

  it('has an app with a private package and a real version for every Dockerfile', () => {
    expect(dockerfileApps.length).toBeGreaterThan(0);
    for (const app of dockerfileApps) {
      expect(existsSync(join(root, 'apps', app, 'src', 'main.ts'))).toBe(true);
      expect(packageOf(app)).toMatchObject({ private: true, version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
      expect(packageOf(app).version).not.toBe('0.0.0');
    }
  });

  it('puts every app tagged on the release commit, and only those, in the image matrix with docker/<app>.Dockerfile', () => {
    const tag = (project: string, version: string) => nx.release.releaseTag.pattern.replace('{projectName}', project).replace('{version}', version);
    const appTags = dockerfileApps.map((app, i) => tag(packageOf(app).name, `1.${i}.0`));
    const others = [tag('@vigil/probes', '2.0.0'), 'v9.9.9', tag(packageOf(dockerfileApps[0]).name, 'not-a-version')];
    const out = execFileSync('node', [join(root, 'tools/scripts/release-matrix.mjs'), ...others, ...appTags], { cwd: root, encoding: 'utf8' });
    const matrix = JSON.parse(out) as { app: string; version: string; dockerfile: string }[];
    expect(matrix.sort((a, b) => a.app.localeCompare(b.app))).toEqual(
      dockerfileApps
        .map((app, i) => ({ app, version: `1.${i}.0`, dockerfile: `docker/${app}.Dockerfile` }))
        .sort((a, b) => a.app.localeCompare(b.app)),
    );
    for (const { dockerfile } of matrix) expect(existsSync(join(root, dockerfile))).toBe(true);
  });
});
