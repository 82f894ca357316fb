import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { DOCKER_DIR } from './workspace';

export interface DependsOn {
  condition?: string;
}

export interface ComposeService {
  image?: string;
  build?: { context?: string; dockerfile?: string };
  command?: string[] | string;
  entrypoint?: string[] | string;
  environment?: Record<string, string | number | boolean | null> | string[];
  depends_on?: Record<string, DependsOn> | string[];
  deploy?: { replicas?: number };
  restart?: string;
  profiles?: string[];
  secrets?: (string | { source: string; target?: string })[];
  volumes?: (string | { source?: string; target: string })[];
  ports?: (string | number)[];
  healthcheck?: { test?: string[] | string };
}

export interface ComposeFile {
  name?: string;
  services: Record<string, ComposeService>;
  secrets?: Record<string, { file?: string; environment?: string }>;
  volumes?: Record<string, unknown>;
}

export const COMPOSE_PATH = join(DOCKER_DIR, 'compose.yaml');

/** compose.yaml as Compose reads it: YAML with anchors and `<<` merge keys resolved. */
export function readCompose(path = COMPOSE_PATH): ComposeFile {
  return parse(readFileSync(path, 'utf8'), { merge: true }) as ComposeFile;
}

/** A service's environment as a map (Compose accepts a map or a `NAME=value` list). */
export function environmentOf(service: ComposeService): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(env.map((entry) => [entry.split('=')[0], entry.includes('=') ? entry.slice(entry.indexOf('=') + 1) : '']));
  }
  return Object.fromEntries(Object.entries(env).map(([name, value]) => [name, value === null ? '' : String(value)]));
}

export function dependsOn(service: ComposeService): Record<string, DependsOn> {
  const deps = service.depends_on ?? {};
  return Array.isArray(deps) ? Object.fromEntries(deps.map((name) => [name, { condition: 'service_started' }])) : deps;
}

/** The app a service runs, from the Dockerfile it builds (`docker/<app>.Dockerfile`). */
export function appOf(service: ComposeService): string | undefined {
  return /^docker\/([a-z0-9-]+)\.Dockerfile$/.exec(service.build?.dockerfile ?? '')?.[1];
}

/** Replaces `${NAME}`, `${NAME:-default}` and `${NAME:?message}` as Compose does, from `vars`. */
export function interpolate(value: string, vars: Record<string, string>): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g, (_, name: string, op: string | undefined, arg: string) => {
    const set = vars[name] !== undefined && (vars[name] !== '' || !op?.startsWith(':'));
    if (set) return vars[name];
    if (op?.endsWith('?')) throw new Error(`${name}: ${arg || 'required'}`);
    return op ? arg : '';
  });
}
