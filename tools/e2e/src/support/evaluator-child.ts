// An evaluator in its own process, for the fault tests: `run-ts.mjs evaluator-child.ts <url>`.
// Prints `pid <n>` once connected (the process to kill: run-ts.mjs runs this file in a child
// of its own), `batch <checks> <results> <transitions> <failed>` totals after every call, then `done`.
import { openDatabase } from '@vigil/db';
import { createLogger } from '@vigil/logger';
import { evaluateUntilDone } from './evaluator-run';

async function main(url: string | undefined): Promise<void> {
  if (url === undefined) throw new Error('usage: evaluator-child.ts <postgres url>');
  const db = await openDatabase({ kind: 'postgres', url }, { poolSize: 2 });
  const logger = createLogger({ service: 'evaluator-child', level: 'warn', stream: process.stderr });
  console.log(`pid ${process.pid}`);
  try {
    const totals = await evaluateUntilDone(db, {
      logger,
      batchChecks: 5,
      onBatch: (_, t) => console.log(`batch ${t.checks} ${t.results} ${t.transitions} ${t.failed}`),
    });
    console.log(`done ${totals.checks} ${totals.results} ${totals.transitions} ${totals.failed}`);
  } finally {
    await db.close();
  }
}

main(process.argv[2]).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
