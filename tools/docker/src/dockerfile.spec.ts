import { copyPaths, imageCommand, parseDockerfile, parseEnv, parseHealthcheck, stageEnv, stageWorkdir } from './dockerfile';

const text = `# syntax=docker/dockerfile:1
ARG NODE=24
FROM node:24-slim AS build
WORKDIR /workspace
RUN npm ci \\
  # a comment inside a continuation is dropped
  --no-audit
FROM node:24-slim
ENV A=1 \\
    B="two words"
ENV LEGACY some value
WORKDIR /app
WORKDIR sub
COPY --from=build /workspace/dist/apps/x ./
HEALTHCHECK --interval=10s CMD ["node", "healthcheck.cjs", "PORT", "8080"]
ENTRYPOINT ["node", "main.js"]
CMD ["--help"]
`;

describe('parseDockerfile', () => {
  const { stages } = parseDockerfile(text);

  it('splits stages at FROM, with their names', () => {
    expect(stages.map((s) => [s.from, s.name])).toEqual([
      ['node:24-slim', 'build'],
      ['node:24-slim', undefined],
    ]);
  });

  it('joins continuation lines and drops comments inside them', () => {
    expect(stages[0].instructions[1]).toMatchObject({ keyword: 'RUN', args: 'npm ci --no-audit', line: 5 });
  });

  it('reads flags, exec forms, ENV pairs and the working directory', () => {
    const copy = stages[1].instructions.filter((i) => i.keyword === 'COPY')[0];
    expect(copy.flags).toEqual({ from: 'build' });
    expect(copyPaths(copy)).toEqual({ sources: ['/workspace/dist/apps/x'], dest: './' });
    expect(stageEnv(stages[1])).toEqual({ A: '1', B: 'two words', LEGACY: 'some value' });
    expect(stageWorkdir(stages[1])).toBe('/app/sub');
    expect(imageCommand(stages[1])).toEqual(['node', 'main.js', '--help']);
  });

  it('reads HEALTHCHECK options and command, and NONE', () => {
    const [healthcheck] = stages[1].instructions.filter((i) => i.keyword === 'HEALTHCHECK');
    expect(parseHealthcheck(healthcheck)).toEqual({ command: ['node', 'healthcheck.cjs', 'PORT', '8080'], options: { interval: '10s' } });
    const none = parseDockerfile('FROM node:24-slim\nHEALTHCHECK NONE\n').stages[0].instructions[0];
    expect(parseHealthcheck(none).command).toBeNull();
  });

  it('runs a shell-form command through /bin/sh', () => {
    expect(imageCommand(parseDockerfile('FROM x\nCMD node main.js\n').stages[0])).toEqual(['/bin/sh', '-c', 'node main.js']);
  });

  it('refuses instructions it does not know, rather than ignore what it cannot check', () => {
    expect(() => parseDockerfile('FROM x\nVOLUME /data\n')).toThrow('line 2: unsupported instruction VOLUME');
  });

  it('refuses an instruction before FROM and a dangling continuation', () => {
    expect(() => parseDockerfile('RUN true\n')).toThrow('line 1: RUN before the first FROM');
    expect(() => parseDockerfile('FROM x\nRUN true \\\n')).toThrow('ends with a backslash');
  });
});

describe('parseEnv', () => {
  it('reads quoted values with escapes', () => {
    expect(parseEnv(`X="a \\"b\\"" Y='c d' Z=`)).toEqual({ X: 'a "b"', Y: 'c d', Z: '' });
  });
});
