import type { Database } from '../client';
import { connectPostgres } from '../client';
import { withTransaction } from '../transaction';
import { type FoldReport, foldRollups } from './fold';
import {
  cutoffs,
  DEFAULT_PARTITION,
  PARTITION_PREFIX,
  type PartitionToCreate,
  planPartitions,
  type RetainedTable,
  type RetentionSettings,
} from './plan';

/** Rows per DELETE statement: each is short, so the evaluation and ingest beside it never wait long. */
export const DELETE_BATCH_SIZE = 5_000;
/** The pause between two batches, which lets the rest of the work (and, embedded, the event loop) through. */
export const DELETE_BATCH_PAUSE_MS = 50;
/** pg_try_advisory_lock key ("vret"): one retention run at a time across every replica on one database. */
export const RETENTION_LOCK_KEY = 0x76726574;

export interface RetentionLog {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

export interface RetentionOptions {
  settings: RetentionSettings;
  /** Says what would go, removes nothing. */
  dryRun?: boolean;
  now?: Date;
  batchSize?: number;
  pauseMs?: number;
  log?: RetentionLog;
}

/** What one table lost (or, in a dry run, would lose). */
export interface TableReport {
  readonly table: RetainedTable;
  /** Rows older than this go. */
  readonly cutoff: Date;
  /** Rows deleted (or, dry, that would be; on PostgreSQL with partitions, the planner's estimate for check_results). */
  readonly rows: number;
  /** DELETE statements run (batches). */
  readonly statements: number;
  /** Partitions dropped (check_results on PostgreSQL). */
  readonly partitionsDropped: readonly string[];
  /** Partitions kept although old, because results in them are not evaluated yet. */
  readonly partitionsHeld: readonly string[];
  /** The oldest row (or partition start) kept, when known. */
  readonly oldestKept?: Date;
}

export interface RetentionReport {
  readonly dryRun: boolean;
  /** `locked`: another instance held the lock, this one did nothing. */
  readonly outcome: 'done' | 'locked';
  readonly partitioned: boolean;
  readonly partitionsCreated: readonly string[];
  /** The hours folded into the daily rollups (foldRollups) before trimming; absent when none were (or in a dry run). */
  readonly rollupsFolded?: FoldReport;
  readonly tables: readonly TableReport[];
  readonly durationMs: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Whether check_results is partitioned here (PostgreSQL since the migration; never the embedded database). */
export async function isPartitioned(db: Pick<Database, 'prisma'>): Promise<boolean> {
  const [row] = await db.prisma.$queryRawUnsafe<{ partitioned: boolean }[]>(
    `SELECT EXISTS (SELECT 1 FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid WHERE c.oid = to_regclass('check_results')) AS partitioned`,
  );
  return row.partitioned;
}

/** The partitions of check_results (pg_inherits), by name. */
export async function listPartitions(db: Pick<Database, 'prisma'>): Promise<string[]> {
  const rows = await db.prisma.$queryRawUnsafe<{ name: string }[]>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = to_regclass('check_results') ORDER BY c.relname`,
  );
  return rows.map((r) => r.name);
}

function assertPartitionName(name: string): void {
  if (!name.startsWith(PARTITION_PREFIX) || !/^[a-z0-9_]+$/.test(name)) throw new Error(`not a check_results partition: ${name}`);
}

/**
 * Makes one daily partition. Built beside the table and attached (which locks the parent less
 * than CREATE … PARTITION OF would); results the DEFAULT partition took for that day because it
 * had no partition yet are moved into it first, in the same transaction.
 */
async function createPartition(db: Pick<Database, 'prisma'>, partition: PartitionToCreate): Promise<void> {
  assertPartitionName(partition.name);
  const from = partition.from.toISOString();
  const to = partition.to.toISOString();
  await withTransaction(
    db,
    async (tx) => {
      await tx.$executeRawUnsafe(`CREATE TABLE ${partition.name} (LIKE check_results INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)`);
      await tx.$executeRawUnsafe(
        `WITH moved AS (DELETE FROM ${DEFAULT_PARTITION} WHERE checked_at >= $1::timestamptz AND checked_at < $2::timestamptz RETURNING *)
         INSERT INTO ${partition.name} SELECT * FROM moved`,
        from,
        to,
      );
      await tx.$executeRawUnsafe(`ALTER TABLE check_results ATTACH PARTITION ${partition.name} FOR VALUES FROM ('${from}') TO ('${to}')`);
    },
    { timeoutMs: 120_000 },
  );
}

/**
 * Today's partition and the next days', where missing (PostgreSQL only; a no-op elsewhere).
 * The job runs it at start-up and every pass: a result never waits for one (the DEFAULT
 * partition takes it meanwhile), but one that lands there is moved at the next creation.
 */
export async function ensurePartitions(db: Pick<Database, 'prisma'>, now = new Date()): Promise<string[]> {
  if (!(await isPartitioned(db))) return [];
  const plan = planPartitions(await listPartitions(db), now, new Date(0));
  const created: string[] = [];
  for (const partition of plan.create) {
    try {
      await createPartition(db, partition);
      created.push(partition.name);
    } catch (error) {
      // Another instance (a start-up, not under the job's lock) made it first.
      if ((await listPartitions(db)).includes(partition.name)) continue;
      throw error;
    }
  }
  return created;
}

/**
 * Drops one old partition: detached, checked for results not evaluated yet (none can be that old
 * unless the evaluator has been stopped for the whole retention period, but they are never lost),
 * dropped, in one transaction. False when it was kept for that reason: so the queue
 * (pending_results) never names a result of a dropped partition.
 */
async function dropPartition(db: Pick<Database, 'prisma'>, name: string): Promise<boolean> {
  assertPartitionName(name);
  return withTransaction(
    db,
    async (tx) => {
      await tx.$executeRawUnsafe(`ALTER TABLE check_results DETACH PARTITION ${name}`);
      const [row] = await tx.$queryRawUnsafe<{ pending: boolean }[]>(`SELECT EXISTS (SELECT 1 FROM pending_results q JOIN ${name} r ON r.id = q.result_id AND r.checked_at = q.checked_at) AS pending`);
      if (row.pending) throw new HeldPartition();
      await tx.$executeRawUnsafe(`DROP TABLE ${name}`);
      return true;
    },
    { timeoutMs: 120_000 },
  ).catch((error: unknown) => {
    if (error instanceof HeldPartition) return false;
    throw error;
  });
}

class HeldPartition extends Error {}

interface BatchTarget {
  table: RetainedTable | typeof DEFAULT_PARTITION;
  /** The rows that go, `t` being the table, `$1` the cutoff. */
  where: string;
  /** The column whose oldest kept value the dry run reports. */
  column: string;
}

// A queued result (pending_results) waits for its evaluation, however old.
const RESULTS_WHERE = `t.checked_at < $1::timestamptz AND NOT EXISTS (SELECT 1 FROM pending_results q WHERE q.check_id = t.check_id AND q.result_id = t.id)`;

const BATCHED: Record<Exclude<RetainedTable, 'check_results'>, BatchTarget> = {
  // The newest ping of each kind of a check is kept whatever its age: the heartbeat judge reads it.
  heartbeat_pings: {
    table: 'heartbeat_pings',
    where: `t.received_at < $1::timestamptz AND EXISTS (SELECT 1 FROM heartbeat_pings n WHERE n.check_id = t.check_id AND n.kind = t.kind AND n.received_at > t.received_at)`,
    column: 'received_at',
  },
  // An hour not folded into the daily rollups yet is kept, however old (the fold has not run for the retention period).
  check_rollups_hourly: {
    table: 'check_rollups_hourly',
    where: `t.bucket_start < $1::timestamptz AND t.bucket_start < (SELECT least(f.folded_until, f.folding_to) FROM rollup_folds f)`,
    column: 'bucket_start',
  },
  check_rollups_daily: { table: 'check_rollups_daily', where: `t.bucket_start < $1::timestamptz`, column: 'bucket_start' },
  // A pending notification (and its attempts) is the notifier's to settle first, however old.
  notification_attempts: {
    table: 'notification_attempts',
    where: `t.at < $1::timestamptz AND EXISTS (SELECT 1 FROM notifications n WHERE n.id = t.notification_id AND n.status <> 'pending')`,
    column: 'at',
  },
  notifications: { table: 'notifications', where: `t.created_at < $1::timestamptz AND t.status <> 'pending'`, column: 'created_at' },
};

/** Deletes what `target` picks, `batchSize` rows per statement with a pause between: bounded work per statement. */
async function deleteInBatches(
  db: Pick<Database, 'prisma'>,
  target: BatchTarget,
  cutoff: Date,
  options: { batchSize: number; pauseMs: number },
): Promise<{ rows: number; statements: number }> {
  const sql = `DELETE FROM ${target.table} WHERE ctid = ANY(ARRAY(SELECT t.ctid FROM ${target.table} t WHERE ${target.where} LIMIT $2))`;
  let rows = 0;
  let statements = 0;
  for (;;) {
    const deleted = await db.prisma.$executeRawUnsafe(sql, cutoff.toISOString(), options.batchSize);
    statements++;
    rows += deleted;
    if (deleted < options.batchSize) return { rows, statements };
    if (options.pauseMs > 0) await sleep(options.pauseMs);
  }
}

async function countOld(db: Pick<Database, 'prisma'>, target: BatchTarget, cutoff: Date): Promise<{ rows: number; oldestKept?: Date }> {
  const [row] = await db.prisma.$queryRawUnsafe<{ rows: number; oldest_kept: Date | null }[]>(
    `SELECT (SELECT count(*) FROM ${target.table} t WHERE ${target.where})::int AS rows,
            (SELECT min(t.${target.column}) FROM ${target.table} t WHERE NOT (${target.where})) AS oldest_kept`,
    cutoff.toISOString(),
  );
  return { rows: row.rows, ...(row.oldest_kept === null ? {} : { oldestKept: row.oldest_kept }) };
}

async function estimatedRows(db: Pick<Database, 'prisma'>, names: readonly string[]): Promise<number> {
  if (names.length === 0) return 0;
  const [row] = await db.prisma.$queryRawUnsafe<{ rows: number }[]>(
    `SELECT coalesce(sum(greatest(c.reltuples, 0)), 0)::float8 AS rows FROM pg_class c WHERE c.relname = ANY($1::text[])`,
    names,
  );
  return Math.round(row.rows);
}

async function trimPartitionedResults(db: Pick<Database, 'prisma'>, cutoff: Date, now: Date, options: Required<Pick<RetentionOptions, 'batchSize' | 'pauseMs'>> & RetentionOptions): Promise<TableReport> {
  const plan = planPartitions(await listPartitions(db), now, cutoff);
  // Strays in the DEFAULT partition (a result for a day that had no partition) go row by row: there are few.
  const strays: BatchTarget = { table: DEFAULT_PARTITION, where: RESULTS_WHERE, column: 'checked_at' };
  const base = { table: 'check_results' as const, cutoff, ...(plan.oldestKept === undefined ? {} : { oldestKept: plan.oldestKept }) };
  if (options.dryRun) {
    const stray = await countOld(db, strays, cutoff);
    return { ...base, rows: (await estimatedRows(db, plan.drop)) + stray.rows, statements: 0, partitionsDropped: plan.drop, partitionsHeld: [] };
  }
  const dropped: string[] = [];
  const held: string[] = [];
  let rows = 0;
  for (const name of plan.drop) {
    const estimate = await estimatedRows(db, [name]);
    if (await dropPartition(db, name)) {
      dropped.push(name);
      rows += estimate;
    } else {
      held.push(name);
      options.log?.warn('retention kept an old partition of check_results: results in it are not evaluated yet', { partition: name });
    }
  }
  const stray = await deleteInBatches(db, strays, cutoff, options);
  return { ...base, rows: rows + stray.rows, statements: stray.statements, partitionsDropped: dropped, partitionsHeld: held };
}

async function trimTable(db: Pick<Database, 'prisma'>, target: BatchTarget & { table: RetainedTable }, cutoff: Date, options: Required<Pick<RetentionOptions, 'batchSize' | 'pauseMs'>> & RetentionOptions): Promise<TableReport> {
  const base = { table: target.table, cutoff, partitionsDropped: [], partitionsHeld: [] };
  if (options.dryRun) {
    const { rows, oldestKept } = await countOld(db, target, cutoff);
    return { ...base, rows, statements: 0, ...(oldestKept === undefined ? {} : { oldestKept }) };
  }
  return { ...base, ...(await deleteInBatches(db, target, cutoff, options)) };
}

/** Runs `fn` holding the retention lock, or returns undefined when another session holds it. */
async function withRetentionLock<T>(db: Database, fn: () => Promise<T>): Promise<T | undefined> {
  // The embedded database belongs to one process, which runs one job.
  if (db.target.kind !== 'postgres') return fn();
  const client = await connectPostgres(db.target.url);
  try {
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [RETENTION_LOCK_KEY]);
    if (!rows[0].locked) return undefined;
    try {
      return await fn();
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [RETENTION_LOCK_KEY]).catch(() => undefined);
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * One retention pass: partitions made ahead and old ones dropped (check_results on PostgreSQL),
 * the other tables (and check_results on the embedded database) trimmed in bounded batches.
 * Under a PostgreSQL advisory lock: of two concurrent passes, one acts and the other says `locked`.
 */
export async function runRetention(db: Database, options: RetentionOptions): Promise<RetentionReport> {
  const started = Date.now();
  const now = options.now ?? new Date();
  const opts = { ...options, batchSize: options.batchSize ?? DELETE_BATCH_SIZE, pauseMs: options.pauseMs ?? DELETE_BATCH_PAUSE_MS };
  const at = cutoffs(options.settings, now);
  const run = async (): Promise<Omit<RetentionReport, 'outcome' | 'durationMs'>> => {
    const partitioned = await isPartitioned(db);
    const created = partitioned && !options.dryRun ? await ensurePartitions(db, now) : [];
    // Before the hourly rollups are trimmed: an hour is folded into the daily ones first.
    const folded = options.dryRun ? null : await foldRollups(db, { now });
    const tables: TableReport[] = [
      partitioned
        ? await trimPartitionedResults(db, at.check_results, now, opts)
        : await trimTable(db, { table: 'check_results', where: RESULTS_WHERE, column: 'checked_at' }, at.check_results, opts),
    ];
    for (const table of ['heartbeat_pings', 'check_rollups_hourly', 'check_rollups_daily', 'notification_attempts', 'notifications'] as const) {
      tables.push(await trimTable(db, BATCHED[table] as BatchTarget & { table: RetainedTable }, at[table], opts));
    }
    return { dryRun: options.dryRun === true, partitioned, partitionsCreated: created, ...(folded === null ? {} : { rollupsFolded: folded }), tables };
  };
  // A dry run removes nothing: it needs no lock and waits for no one.
  const report = options.dryRun ? await run() : await withRetentionLock(db, run);
  if (report === undefined) {
    return { dryRun: false, outcome: 'locked', partitioned: false, partitionsCreated: [], tables: [], durationMs: Date.now() - started };
  }
  return { ...report, outcome: 'done', durationMs: Date.now() - started };
}
