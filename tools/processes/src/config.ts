// What a service under test reads: never inherited from this process, so only the caller decides them.
const SERVICE_VARIABLES = /^(VIGIL_|DATABASE_URL$|PORT$|HOST$|METRICS_PORT$|LOG_|NODE_ENV$)/;

/**
 * The environment for a service under test: this process's (PATH and the like) without any of
 * the variables Vigil's services read, plus `vars`.
 */
export function serviceEnvironment(vars: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!SERVICE_VARIABLES.test(name)) env[name] = value;
  }
  return { ...env, ...vars };
}
