// npm run db:rollups-backfill [-- --batch N] — rebuilds every check's hourly and daily rollups
// from its evaluated results (results stored before the rollups existed). Safe to run again and
// while the evaluator runs: a batch of checks at a time, locked as the evaluator locks them.
import { backfillRollups } from '@vigil/evaluation';
import { fail, runCommand } from './run';

function batchSize(argv: readonly string[]): number | undefined {
  const at = argv.indexOf('--batch');
  if (at === -1) return undefined;
  const n = Number(argv[at + 1]);
  if (!Number.isInteger(n) || n < 1 || n > 10_000) fail('usage: npm run db:rollups-backfill -- [--batch N]   N: checks per transaction, 1 to 10000 (default 10)');
  return n;
}

const checksPerBatch = batchSize(process.argv.slice(2));

void runCommand(async (db) => {
  const started = Date.now();
  const done = await backfillRollups(db, {
    checksPerBatch,
    onBatch: ({ checks, lastCheckId }) => console.log(`rolled up ${checks} check(s), through check id ${lastCheckId}`),
  });
  console.log(`rollups rebuilt for ${done.checks} check(s): ${done.hourly} hourly and ${done.daily} daily row(s) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
});
