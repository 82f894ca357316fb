import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { type Dockerfile, type Instruction, type Stage, copyPaths, imageCommand, parseDockerfile, stageWorkdir } from './dockerfile';
import { type BuildTarget, buildTarget, dockerfilePath } from './workspace';

/** An app's Dockerfile read against its Nx build target. */
export interface AppImage {
  app: string;
  dockerfile: Dockerfile;
  target: BuildTarget;
  /** The stage whose RUN is the Nx build command. */
  build: Stage;
  /** The last stage: what the image is. */
  runtime: Stage;
  /** The RUN in `build` that runs the Nx build command. */
  buildRun: Instruction;
  /** Where the runtime stage has the build output (`/app`). */
  outputDir: string;
}

export function readAppImage(app: string): AppImage {
  const dockerfile = parseDockerfile(readFileSync(dockerfilePath(app), 'utf8'));
  const target = buildTarget(app);
  const runtime = dockerfile.stages[dockerfile.stages.length - 1];
  const builds = dockerfile.stages.flatMap((stage) =>
    stage.instructions.filter((i) => i.keyword === 'RUN' && i.args === target.command).map((run) => ({ stage, run })),
  );
  if (builds.length !== 1) throw new Error(`docker/${app}.Dockerfile must RUN its Nx build command once (${target.command}); found ${builds.length}`);
  const [{ stage: build, run: buildRun }] = builds;
  const outputDir = copiedOutputDir(runtime, build, target);
  if (outputDir === undefined) {
    throw new Error(`docker/${app}.Dockerfile: the last stage must COPY --from=${build.name ?? '?'} the build output (${target.outputs.join(', ')})`);
  }
  return { app, dockerfile, target, build, runtime, buildRun, outputDir };
}

/** A path of `stage`'s file system, relative to its working directory, or undefined outside it. */
export function relativeToWorkdir(stage: Stage, path: string): string | undefined {
  const workdir = stageWorkdir(stage);
  const absolute = posix.resolve(workdir, path);
  if (absolute === workdir) return '.';
  return absolute.startsWith(`${workdir}/`) ? absolute.slice(workdir.length + 1) : undefined;
}

/** Where the runtime stage copies a whole build output directory to, resolved against its WORKDIR. */
function copiedOutputDir(runtime: Stage, build: Stage, target: BuildTarget): string | undefined {
  let workdir = '/';
  for (const instruction of runtime.instructions) {
    if (instruction.keyword === 'WORKDIR') workdir = posix.resolve(workdir, instruction.args);
    if (instruction.keyword !== 'COPY' || instruction.flags['from'] !== build.name) continue;
    const { sources, dest } = copyPaths(instruction);
    if (sources.length === 1 && target.outputs.includes(relativeToWorkdir(build, sources[0]) ?? '')) return posix.resolve(workdir, dest);
  }
  return undefined;
}

/** The file `node` runs in the image's command (ENTRYPOINT + CMD, or a compose command), absolute. */
export function scriptOf(image: AppImage, command: string[] = imageCommand(image.runtime)): string | undefined {
  if (command[0] !== 'node') return undefined;
  const script = command.slice(1).find((arg) => !arg.startsWith('-'));
  return script === undefined ? undefined : posix.resolve(stageWorkdir(image.runtime), script);
}

/** `main.js` in the copied build output: the file build-app.mjs writes and the images must run. */
export function entryOf(image: AppImage): string {
  return posix.join(image.outputDir, 'main.js');
}
