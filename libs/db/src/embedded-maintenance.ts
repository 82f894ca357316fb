import type { PGlite } from '@electric-sql/pglite';

/**
 * PGlite runs PostgreSQL as a single-user backend: there is no autovacuum launcher. Without
 * one, every lease and every evaluated mark leaves a dead row version (their columns are
 * indexed, so the updates are not HOT) that nothing reclaims: location_states grows by its
 * own size every lease round, its indexes with it, and the transaction ids age towards
 * wraparound, where PostgreSQL stops taking writes. This pass does autovacuum's job with
 * autovacuum's own rules, on the one connection, a table at a time.
 */

/** What pg_stat_user_tables and pg_class say about one table. */
export interface TableActivity {
  /** Quoted, schema-qualified: ready for a statement. */
  readonly table: string;
  /** pg_class.reltuples: -1 for a table never vacuumed nor analyzed. */
  readonly estimatedRows: number;
  readonly deadRows: number;
  readonly insertedSinceVacuum: number;
  readonly modifiedSinceAnalyze: number;
  /** age(relfrozenxid): transactions since the table's oldest unfrozen id. */
  readonly xidAge: number;
}

/** PostgreSQL's autovacuum defaults (autovacuum_*_threshold, *_scale_factor, vacuum_freeze_table_age). */
export const AUTOVACUUM_RULES = {
  vacuumThreshold: 50,
  vacuumScaleFactor: 0.2,
  insertThreshold: 1000,
  insertScaleFactor: 0.2,
  analyzeThreshold: 50,
  analyzeScaleFactor: 0.1,
  freezeTableAge: 150_000_000,
} as const;

export interface MaintenanceStep {
  readonly table: string;
  readonly vacuum: boolean;
  readonly analyze: boolean;
}

/** The tables due a VACUUM and/or an ANALYZE, as autovacuum would decide. */
export function maintenancePlan(tables: readonly TableActivity[], rules = AUTOVACUUM_RULES): MaintenanceStep[] {
  const steps: MaintenanceStep[] = [];
  for (const t of tables) {
    const rows = Math.max(t.estimatedRows, 0);
    const vacuum =
      t.deadRows > rules.vacuumThreshold + rules.vacuumScaleFactor * rows ||
      // Inserts alone: sets pages all-visible (index-only scans) and freezes them in small steps.
      t.insertedSinceVacuum > rules.insertThreshold + rules.insertScaleFactor * rows ||
      t.xidAge > rules.freezeTableAge;
    const analyze = t.modifiedSinceAnalyze > rules.analyzeThreshold + rules.analyzeScaleFactor * rows;
    if (vacuum || analyze) steps.push({ table: t.table, vacuum, analyze });
  }
  return steps;
}

/** The statement for a step: VACUUM also analyzes when both are due. */
export function maintenanceStatement(step: MaintenanceStep): string {
  if (step.vacuum) return `VACUUM ${step.analyze ? '(ANALYZE) ' : ''}${step.table}`;
  return `ANALYZE ${step.table}`;
}

const ACTIVITY_SQL = `
  SELECT quote_ident(s.schemaname) || '.' || quote_ident(s.relname) AS "table",
         c.reltuples::float8 AS "estimatedRows",
         s.n_dead_tup::float8 AS "deadRows",
         s.n_ins_since_vacuum::float8 AS "insertedSinceVacuum",
         s.n_mod_since_analyze::float8 AS "modifiedSinceAnalyze",
         age(c.relfrozenxid)::float8 AS "xidAge"
    FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid`;

/**
 * One pass: reads the tables' activity, then runs each due step as its own statement, so that
 * the service's queries go between them (PGlite has one connection; VACUUM cannot run inside
 * a transaction, and PGlite's transaction lock keeps it out of one).
 */
export async function runEmbeddedMaintenance(pglite: PGlite): Promise<MaintenanceStep[]> {
  const { rows } = await pglite.query<TableActivity>(ACTIVITY_SQL);
  const steps = maintenancePlan(rows);
  for (const step of steps) await pglite.exec(maintenanceStatement(step));
  return steps;
}

/** How often the pass looks: autovacuum_naptime's default. */
export const EMBEDDED_MAINTENANCE_INTERVAL_MS = 60_000;

export interface MaintenanceLoop {
  /** Waits for a pass in progress, and starts no other. */
  stop(): Promise<void>;
}

/** Runs the pass every `intervalMs`, never two at once; a failed pass is reported and the next one tries again. */
export function startEmbeddedMaintenance(pglite: PGlite, intervalMs: number, onError: (error: unknown) => void): MaintenanceLoop {
  let running: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = runEmbeddedMaintenance(pglite)
      .catch(onError)
      .finally(() => {
        running = undefined;
      });
  }, intervalMs);
  // Maintenance alone must not keep a process alive.
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
