import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { createRunner, CreateRunnerBody, listRunners, type ResponseOf, revokeRunner, rotateRunnerKey, Slug } from '@vigil/contracts';
import { CliError, type Command, type CommandContext, stringFlag, UsageError } from '../context';
import { formatRunnerEnvironment } from '../runner-env';
import { formatTable, formatTime, yesNo } from '../table';

type RunnerWithKey = ResponseOf<typeof createRunner>;

const SLUG_ARG = { name: 'slug', description: "The runner's slug: its location name (lower-case letters, digits, dashes)" };
const KEY_FILE_FLAG = {
  type: 'string',
  value: 'PATH',
  description: 'Write the private key to this new file (mode 0600) and print VIGIL_RUNNER_KEY_FILE instead of the key',
} as const;

function checkSlug(slug: string): string {
  if (!Slug.safeParse(slug).success) throw new UsageError(`<slug> must be lower-case letters, digits and dashes, starting with a letter or digit (got "${slug}")`);
  return slug;
}

/** Refuses, before the controller makes a key, a file that exists or could not be written: a key it cannot keep is lost. */
function checkKeyFile(path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  const file = resolve(path);
  if (existsSync(file)) throw new CliError(`${file} already exists; not overwriting it (remove it or choose another --key-file)`);
  const directory = dirname(file);
  try {
    if (!statSync(directory).isDirectory()) throw new Error('not a directory');
    accessSync(directory, constants.W_OK);
  } catch (error) {
    throw new CliError(`cannot write the key file in ${directory}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return file;
}

/** Prints (and with --key-file writes) the runner's environment: the private key is in this answer only. */
async function deliverKey(ctx: CommandContext, runner: RunnerWithKey, keyFile: string | undefined, verb: string): Promise<void> {
  const controllerUrl = ctx.api().baseUrl;
  if (keyFile !== undefined) {
    try {
      await writeFile(keyFile, runner.private_key, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      // Printing the key is the only way left to keep it.
      ctx.print(formatRunnerEnvironment({ controllerUrl, slug: runner.slug, privateKey: runner.private_key }));
      throw new CliError(`${verb} runner "${runner.slug}", but could not write ${keyFile} (${(error as Error).message}); its key is printed above instead`);
    }
  }
  if (ctx.json) {
    const { private_key: privateKey, ...rest } = runner;
    ctx.printJson(keyFile === undefined ? { ...rest, private_key: privateKey, controller_url: controllerUrl } : { ...rest, key_file: keyFile, controller_url: controllerUrl });
    return;
  }
  ctx.print(formatRunnerEnvironment({ controllerUrl, slug: runner.slug, ...(keyFile === undefined ? { privateKey: runner.private_key } : { keyFile }) }));
  ctx.note(
    keyFile === undefined
      ? `${verb} runner "${runner.slug}" (key id ${runner.kid}). Its private key is shown only here: keep this environment secret.`
      : `${verb} runner "${runner.slug}" (key id ${runner.kid}); its private key is in ${keyFile} (mode 0600).`,
  );
}

export const runnersCreate: Command = {
  name: 'runners create',
  summary: 'Create a runner and print the environment it needs',
  description:
    'Prints VIGIL_CONTROLLER_URL, VIGIL_RUNNER_SLUG and the private key (VIGIL_RUNNER_KEY, or\nVIGIL_RUNNER_KEY_FILE with --key-file) as NAME=value lines for a shell or an env file.\nThe controller keeps only the public key: this is the one time the private key is shown.\nNeeds an admin key.',
  args: [SLUG_ARG],
  flags: {
    name: { type: 'string', value: 'NAME', description: 'A display name (default: the slug)' },
    'key-file': KEY_FILE_FLAG,
  },
  api: true,
  async run(ctx) {
    const slug = checkSlug(ctx.args['slug']);
    const name = stringFlag(ctx.flags, 'name');
    if (name !== undefined && !CreateRunnerBody.shape.name.safeParse(name).success) throw new UsageError('--name must be 1 to 100 characters');
    const keyFile = checkKeyFile(stringFlag(ctx.flags, 'key-file'));
    const runner = await ctx.api().request(createRunner, { body: { slug, ...(name === undefined ? {} : { name }) } });
    await deliverKey(ctx, runner, keyFile, 'Created');
  },
};

export const runnersRotateKey: Command = {
  name: 'runners rotate-key',
  summary: "Replace a runner's key pair and print its new environment",
  description: 'Tokens signed with the old key are refused from now on. Needs an admin key.',
  args: [SLUG_ARG],
  flags: { 'key-file': KEY_FILE_FLAG },
  api: true,
  async run(ctx) {
    const slug = checkSlug(ctx.args['slug']);
    const keyFile = checkKeyFile(stringFlag(ctx.flags, 'key-file'));
    const runner = await ctx.api().request(rotateRunnerKey, { params: { slug } });
    await deliverKey(ctx, runner, keyFile, 'Rotated the key of');
  },
};

export const runnersList: Command = {
  name: 'runners list',
  summary: 'List runners, revoked ones included',
  api: true,
  async run(ctx) {
    const runners = await ctx.api().listAll(listRunners);
    if (ctx.json) return ctx.printJson(runners);
    ctx.print(
      formatTable(
        ['slug', 'name', 'last seen', 'stale', 'connectivity', 'load', 'revoked'],
        runners.map((runner) => [
          runner.slug,
          runner.name,
          formatTime(runner.last_seen_at, 'never'),
          yesNo(runner.stale),
          // What its canaries last said of its own network; '-' before it first told.
          runner.connectivity ?? '-',
          // Whether it keeps up with what it leases, and at what concurrency: `behind (200)`.
          runner.load ? `${runner.load}${runner.load_concurrency == null ? '' : ` (${runner.load_concurrency})`}` : '-',
          formatTime(runner.revoked_at, 'no'),
        ]),
      ),
    );
  },
};

export const runnersRevoke: Command = {
  name: 'runners revoke',
  summary: 'Revoke a runner: its tokens are refused at once',
  description: 'Its slug is never reused. Revoking a revoked runner changes nothing. Needs an admin key.',
  args: [SLUG_ARG],
  api: true,
  async run(ctx) {
    const slug = checkSlug(ctx.args['slug']);
    await ctx.api().request(revokeRunner, { params: { slug } });
    if (ctx.json) return ctx.printJson({ slug, revoked: true });
    ctx.print(`Revoked runner "${slug}".`);
  },
};
