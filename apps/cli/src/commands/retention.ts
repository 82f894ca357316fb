import { type RetentionReport, retentionSettingsFrom, runRetention } from '@vigil/db';
import { readRetentionCliConfig } from '../config';
import { openCliDatabase } from '../database';
import type { Command } from '../context';
import { formatTable, formatTime } from '../table';

function removedCell(table: RetentionReport['tables'][number], dryRun: boolean): string {
  const partitions = table.partitionsDropped.length;
  const rows = table.table === 'check_results' && partitions > 0 ? `~${table.rows} rows` : `${table.rows} rows`;
  const held = table.partitionsHeld.length > 0 ? `, ${table.partitionsHeld.length} kept: not evaluated` : '';
  return partitions > 0 ? `${partitions} partitions (${rows})${held}` : `${rows}${held}${dryRun || table.statements === 0 ? '' : ` in ${table.statements} statements`}`;
}

/** The report as people read it: one line per table. */
export function retentionText(report: RetentionReport): string {
  if (report.outcome === 'locked') return 'Another retention pass holds the lock (an evaluator is at it): nothing done.\n';
  const rows = report.tables.map((t) => [
    t.table,
    formatTime(t.cutoff.toISOString()),
    removedCell(t, report.dryRun),
    t.oldestKept === undefined ? '-' : formatTime(t.oldestKept.toISOString()),
  ]);
  const head = report.dryRun ? 'Would remove (dry run: nothing removed):' : 'Removed:';
  const created = report.partitionsCreated.length > 0 ? `Partitions created ahead: ${report.partitionsCreated.join(', ')}\n` : '';
  return `${head}\n${formatTable(['table', 'older than', report.dryRun ? 'would remove' : 'removed', 'oldest kept'], rows)}${created}`;
}

export const retentionCommand: Command = {
  name: 'retention',
  summary: 'Remove results, rollups and notifications older than the retention settings (--dry-run: only say what)',
  description: [
    'Opens the database itself: PostgreSQL at DATABASE_URL, else the embedded one in VIGIL_DATA_DIR (stop the',
    'all-in-one first). Reads the VIGIL_RETENTION_* settings as the evaluator does, and runs the pass it runs',
    'every hour: old daily partitions of check_results dropped on PostgreSQL, batched deletes elsewhere.',
    'Events, transitions and the audit log are kept for ever.',
  ].join('\n'),
  flags: { 'dry-run': { type: 'boolean', description: 'Say, per table, what would be removed and the oldest row kept; remove nothing' } },
  api: false,
  async run(ctx) {
    const config = readRetentionCliConfig(ctx.io.env);
    const db = await openCliDatabase(ctx, config);
    try {
      const report = await runRetention(db, { settings: retentionSettingsFrom(config), dryRun: ctx.flags['dry-run'] === true });
      if (ctx.json) return ctx.printJson(report);
      ctx.print(retentionText(report));
    } finally {
      await db.close();
    }
  },
};
