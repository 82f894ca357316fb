/** A value as a POSIX shell (and env files that follow its quoting) reads it back. */
export function shellValue(value: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

export interface RunnerEnvironment {
  controllerUrl: string;
  slug: string;
  /** Where the private key was written; or else */
  keyFile?: string;
  /** the PEM itself. */
  privateKey?: string;
}

/**
 * What a runner needs to start, one `NAME=value` a line. An inline key goes on one line
 * with literal `\n`s (the runner reads them as line breaks), so that env files which
 * cannot hold a multi-line value (Docker's, systemd's) can hold it too.
 */
export function formatRunnerEnvironment(env: RunnerEnvironment): string {
  const lines = [`VIGIL_CONTROLLER_URL=${shellValue(env.controllerUrl)}`, `VIGIL_RUNNER_SLUG=${shellValue(env.slug)}`];
  if (env.keyFile !== undefined) lines.push(`VIGIL_RUNNER_KEY_FILE=${shellValue(env.keyFile)}`);
  else if (env.privateKey !== undefined) lines.push(`VIGIL_RUNNER_KEY=${shellValue(env.privateKey.trim().replace(/\r?\n/g, '\\n'))}`);
  return `${lines.join('\n')}\n`;
}
