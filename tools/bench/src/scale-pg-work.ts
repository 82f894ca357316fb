import type { Client } from 'pg';

/**
 * PostgreSQL's own counts of the work the load made it do, load-independent (unlike rates and CPU
 * shares on a shared machine): row versions written per table (pg_stat_user_tables), index
 * entries those imply (every non-HOT version adds one to each index), WAL bytes, and, when
 * pg_stat_statements is loaded, execution time per statement. Two snapshots, a difference.
 */
export interface PgWorkSnapshot {
  readonly walLsn: string;
  /** Full-page images written to the WAL (pg_stat_wal), which checkpoints in the window add. */
  readonly walFpi: number;
  readonly tables: ReadonlyMap<string, TableCounts>;
  /** null: pg_stat_statements is not loaded on the server. */
  readonly statements: ReadonlyMap<string, { calls: number; ms: number; buffers: number; query: string }> | null;
}

interface TableCounts {
  ins: number;
  upd: number;
  hot: number;
  del: number;
  /** Indexes of the table (of one partition, for a partitioned table's partitions). */
  indexes: number;
}

/** Partitions count as their parent (check_results_p20261205 → check_results). */
const parentName = (name: string) => name.replace(/_p\d{8}$/, '');

export async function pgWorkSnapshot(client: Client): Promise<PgWorkSnapshot> {
  const { rows: wal } = await client.query<{ lsn: string; fpi: string }>('SELECT pg_current_wal_lsn()::text AS lsn, (SELECT wal_fpi FROM pg_stat_wal) AS fpi');
  const { rows } = await client.query<{ relname: string; ins: string; upd: string; hot: string; del: string; indexes: string }>(
    `SELECT t.relname, t.n_tup_ins AS ins, t.n_tup_upd AS upd, t.n_tup_hot_upd AS hot, t.n_tup_del AS del,
            (SELECT count(*) FROM pg_index i WHERE i.indrelid = t.relid) AS indexes
     FROM pg_stat_user_tables t`,
  );
  const tables = new Map<string, TableCounts>();
  for (const row of rows) {
    const name = parentName(row.relname);
    const t = tables.get(name) ?? { ins: 0, upd: 0, hot: 0, del: 0, indexes: 0 };
    t.ins += Number(row.ins);
    t.upd += Number(row.upd);
    t.hot += Number(row.hot);
    t.del += Number(row.del);
    t.indexes = Math.max(t.indexes, Number(row.indexes));
    tables.set(name, t);
  }
  let statements: PgWorkSnapshot['statements'] = null;
  try {
    await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    // Buffers (shared hits and reads) as well as time: load-independent, where time is not on a shared machine.
    const { rows: st } = await client.query<{ id: string; calls: string; ms: number; buffers: string; query: string }>(
      `SELECT queryid::text AS id, calls, total_exec_time AS ms, shared_blks_hit + shared_blks_read AS buffers, query
       FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    );
    statements = new Map(st.map((s) => [s.id, { calls: Number(s.calls), ms: Number(s.ms), buffers: Number(s.buffers), query: s.query }]));
  } catch {
    statements = null;
  }
  return { walLsn: wal[0].lsn, walFpi: Number(wal[0].fpi), tables, statements };
}

/** A WAL position (`16/B374D848`) as a byte offset. */
export function lsnBytes(lsn: string): bigint {
  const [high, low] = lsn.split('/');
  return (BigInt(`0x${high}`) << 32n) + BigInt(`0x${low}`);
}

/**
 * What PostgreSQL did between two snapshots, per result (`results`), as report lines. Index
 * entries are an upper bound: a partial index gets none for a version outside its predicate.
 */
export function formatPgWork(before: PgWorkSnapshot, after: PgWorkSnapshot, results: number): string[] {
  if (results <= 0) return [];
  const per = (n: number) => (n / results).toFixed(2);
  const lines = [`PostgreSQL's work per result evaluated in the window (${results} results; pg_stat counters, WAL, pg_stat_statements):`];
  lines.push(
    `  WAL ${(Number(lsnBytes(after.walLsn) - lsnBytes(before.walLsn)) / results).toFixed(0)} bytes per result ` +
      `(${per(after.walFpi - before.walFpi)} full-page images: a checkpoint in the window adds them)`,
  );
  let versions = 0;
  let entries = 0;
  const tableLines: string[] = [];
  for (const [name, a] of after.tables) {
    const b = before.tables.get(name) ?? { ins: 0, upd: 0, hot: 0, del: 0, indexes: 0 };
    const ins = a.ins - b.ins;
    const upd = a.upd - b.upd;
    const hot = a.hot - b.hot;
    const del = a.del - b.del;
    if (ins + upd + del < results / 100) continue;
    versions += ins + upd;
    entries += (ins + upd - hot) * a.indexes;
    tableLines.push(`    ${name}: ins ${per(ins)}, upd ${per(upd)} (hot ${per(hot)}), del ${per(del)}, index entries ${per((ins + upd - hot) * a.indexes)} (${a.indexes} indexes)`);
  }
  lines.push(`  row versions ${per(versions)}, index entries ${per(entries)} per result:`, ...tableLines);
  if (before.statements !== null && after.statements !== null) {
    const deltas = [...after.statements].map(([id, a]) => {
      const b = before.statements?.get(id);
      return { ms: a.ms - (b?.ms ?? 0), calls: a.calls - (b?.calls ?? 0), buffers: a.buffers - (b?.buffers ?? 0), query: a.query };
    });
    const total = deltas.reduce((sum, d) => sum + d.ms, 0);
    lines.push(`  statements: ${(total / results).toFixed(3)} ms of execution per result; the largest:`);
    for (const d of deltas.sort((x, y) => y.ms - x.ms).slice(0, 10)) {
      lines.push(
        `    ${(d.ms / results).toFixed(3)} ms/result ${(d.buffers / results).toFixed(1).padStart(6)} buffers/result ${String(d.calls).padStart(7)} calls  ${d.query.replace(/\s+/g, ' ').slice(0, 100)}`,
      );
    }
  }
  return lines;
}
