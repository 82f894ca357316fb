// A parser for the Dockerfile instructions our images use. Docker is not installed on
// these machines, so the images are checked (and their stages replayed) from this.

export interface Instruction {
  /** Upper case: FROM, COPY, RUN… */
  keyword: string;
  /** `--from=build` and the like, before the arguments. */
  flags: Record<string, string>;
  /** The rest of the line, continuations joined, flags removed. */
  args: string;
  /** The arguments of the exec form (`["node", "main.js"]`), when used. */
  exec?: string[];
  /** 1-based line of the instruction's start. */
  line: number;
}

export interface Stage {
  /** The image the stage starts from. */
  from: string;
  /** `AS <name>`, when given. */
  name?: string;
  instructions: Instruction[];
}

export interface Dockerfile {
  stages: Stage[];
}

export interface Healthcheck {
  /** null for `HEALTHCHECK NONE`. */
  command: string[] | null;
  options: Record<string, string>;
}

const KNOWN = new Set(['FROM', 'COPY', 'RUN', 'CMD', 'ENTRYPOINT', 'HEALTHCHECK', 'USER', 'ENV', 'WORKDIR', 'ARG', 'EXPOSE']);

export class DockerfileError extends Error {
  override readonly name = 'DockerfileError';
}

/** Joins continuation lines (a trailing backslash), dropping comments and blank lines inside them as Docker does. */
function logicalLines(text: string): { text: string; line: number }[] {
  const lines = text.split(/\r?\n/);
  const result: { text: string; line: number }[] = [];
  let current: { text: string; line: number } | null = null;
  lines.forEach((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed.startsWith('#') || (trimmed === '' && current === null)) return;
    if (trimmed === '') return;
    const continued = trimmed.endsWith('\\');
    const body = continued ? trimmed.slice(0, -1).trimEnd() : trimmed;
    if (current === null) current = { text: body, line: index + 1 };
    else current.text += ` ${body}`;
    if (!continued) {
      result.push(current);
      current = null;
    }
  });
  if (current !== null) throw new DockerfileError(`line ${(current as { line: number }).line}: the last instruction ends with a backslash`);
  return result;
}

function parseInstruction(text: string, line: number): Instruction {
  const match = /^(\S+)\s*(.*)$/.exec(text) as RegExpExecArray;
  const keyword = match[1].toUpperCase();
  if (!KNOWN.has(keyword)) throw new DockerfileError(`line ${line}: unsupported instruction ${match[1]}`);
  let rest = match[2];
  const flags: Record<string, string> = {};
  for (let flag = /^--([a-z-]+)(?:=(\S*))?\s*/.exec(rest); flag !== null; flag = /^--([a-z-]+)(?:=(\S*))?\s*/.exec(rest)) {
    flags[flag[1]] = flag[2] ?? 'true';
    rest = rest.slice(flag[0].length);
  }
  const instruction: Instruction = { keyword, flags, args: rest.trim(), line };
  const exec = execForm(instruction.args);
  if (exec) instruction.exec = exec;
  return instruction;
}

function execForm(args: string): string[] | undefined {
  if (!args.startsWith('[')) return undefined;
  try {
    const parsed: unknown = JSON.parse(args);
    if (Array.isArray(parsed) && parsed.every((item) => typeof item === 'string')) return parsed;
  } catch {
    // Docker runs a `[` that is not valid JSON through the shell; so do we.
  }
  return undefined;
}

export function parseDockerfile(text: string): Dockerfile {
  const stages: Stage[] = [];
  for (const { text: body, line } of logicalLines(text)) {
    const instruction = parseInstruction(body, line);
    if (instruction.keyword === 'FROM') {
      const [from, as, name, ...extra] = instruction.args.split(/\s+/);
      if (as !== undefined && (as.toUpperCase() !== 'AS' || name === undefined || extra.length > 0)) {
        throw new DockerfileError(`line ${line}: expected FROM <image> [AS <name>]`);
      }
      stages.push({ from, ...(name ? { name } : {}), instructions: [] });
      continue;
    }
    if (instruction.keyword === 'ARG' && stages.length === 0) continue;
    const stage = stages.at(-1);
    if (!stage) throw new DockerfileError(`line ${line}: ${instruction.keyword} before the first FROM`);
    stage.instructions.push(instruction);
  }
  return { stages };
}

/** Splits `a=1 b="two words"` (or the legacy `NAME value`) into variables. */
export function parseEnv(args: string): Record<string, string> {
  const legacy = /^([A-Za-z_][A-Za-z0-9_]*)\s+(?!\S*=)(.*)$/.exec(args);
  if (legacy) return { [legacy[1]]: legacy[2] };
  const env: Record<string, string> = {};
  const pair = /([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)\s*/y;
  let offset = 0;
  while (offset < args.length) {
    pair.lastIndex = offset;
    const match = pair.exec(args);
    if (!match) throw new DockerfileError(`cannot read ENV ${args}`);
    const raw = match[2];
    env[match[1]] = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw.startsWith("'") ? raw.slice(1, -1) : raw;
    offset = pair.lastIndex;
  }
  return env;
}

/** COPY's sources and destination (shell or exec form). */
export function copyPaths(instruction: Instruction): { sources: string[]; dest: string } {
  const parts = instruction.exec ?? instruction.args.split(/\s+/);
  if (parts.length < 2) throw new DockerfileError(`line ${instruction.line}: COPY needs a source and a destination`);
  return { sources: parts.slice(0, -1), dest: parts[parts.length - 1] };
}

export function parseHealthcheck(instruction: Instruction): Healthcheck {
  if (/^NONE$/i.test(instruction.args)) return { command: null, options: instruction.flags };
  const match = /^CMD\s+(.*)$/i.exec(instruction.args);
  if (!match) throw new DockerfileError(`line ${instruction.line}: expected HEALTHCHECK [options] CMD … or HEALTHCHECK NONE`);
  return { command: execForm(match[1]) ?? ['/bin/sh', '-c', match[1]], options: instruction.flags };
}

/** What the image runs: ENTRYPOINT then CMD (each the last of its kind), in exec form. */
export function imageCommand(stage: Stage): string[] {
  const last = (keyword: string) => stage.instructions.filter((i) => i.keyword === keyword).at(-1);
  const asArgv = (instruction: Instruction | undefined) =>
    instruction === undefined ? [] : (instruction.exec ?? ['/bin/sh', '-c', instruction.args]);
  return [...asArgv(last('ENTRYPOINT')), ...asArgv(last('CMD'))];
}

/** The stage's variables after its ENV instructions, in order. */
export function stageEnv(stage: Stage): Record<string, string> {
  return Object.assign({}, ...stage.instructions.filter((i) => i.keyword === 'ENV').map((i) => parseEnv(i.args))) as Record<string, string>;
}

/** The stage's working directory after its WORKDIR instructions (relative ones join the previous). */
export function stageWorkdir(stage: Stage): string {
  let dir = '/';
  for (const instruction of stage.instructions) {
    if (instruction.keyword !== 'WORKDIR') continue;
    dir = instruction.args.startsWith('/') ? instruction.args : `${dir.replace(/\/$/, '')}/${instruction.args}`;
  }
  return dir;
}
