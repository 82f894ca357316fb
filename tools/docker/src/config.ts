import type { Env } from '@vigil/config';

/** What the smoke's child processes inherit from this machine: the build and npm get all of it. */
export function hostEnv(): Env {
  return process.env;
}

/** What a container would have before its image's ENV: a PATH and a HOME, nothing of this shell. */
export function containerBaseEnv(): Env {
  const { PATH, HOME, TMPDIR } = process.env;
  return { PATH, HOME, TMPDIR };
}
