// The evaluator's statements run through @vigil/db's SqlTx, as the runner API's do: one way to run a hot path's SQL.
export { pgTx, sqlTx } from '@vigil/db';
export type { SqlTx, Statement, Transaction } from '@vigil/db';
