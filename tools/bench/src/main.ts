import { benchmarks } from './benchmarks';

function usage(): string {
  const names = Object.keys(benchmarks);
  const width = Math.max(...names.map((n) => n.length));
  return [
    'usage: npm run bench -- <benchmark> [args]',
    '',
    'benchmarks:',
    ...names.map((n) => `  ${n.padEnd(width)}  ${benchmarks[n].description}`),
  ].join('\n');
}

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || !Object.hasOwn(benchmarks, name)) {
    if (name !== undefined) console.error(`unknown benchmark "${name}"\n`);
    console.error(usage());
    return 2;
  }
  await benchmarks[name].run(args);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
