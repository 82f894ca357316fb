import { randomBytes } from 'node:crypto';
import type { Database } from '../client';
import { withTransaction } from '../transaction';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Actual Loops'?: number;
  Plans?: PlanNode[];
}

function literal(value: unknown): string {
  if (Array.isArray(value)) return `ARRAY[${value.map(literal).join(', ')}]`;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value === null || value === undefined) return 'NULL';
  const text = value instanceof Date ? value.toISOString() : typeof value === 'string' ? value : JSON.stringify(value);
  return `'${text.replace(/'/g, "''")}'`;
}

function seqScans(node: PlanNode, into: string[]): string[] {
  if (node['Node Type'] === 'Seq Scan' && node['Relation Name'] !== undefined) into.push(node['Relation Name']);
  for (const child of node.Plans ?? []) seqScans(child, into);
  return into;
}

/**
 * The tables a statement's generic plan reads whole (Seq Scan), as a prepared statement on a
 * hot path is planned after its first executions: a plan for any parameter values, which
 * cannot tell how few rows a LIMIT or an input array leaves. Explained only, never run.
 * `statement` is a Prisma.Sql, or a fixed text with its `$n` values.
 */
export async function genericPlanSeqScans(db: Pick<Database, 'prisma'>, statement: { text: string; values: readonly unknown[] }): Promise<string[]> {
  // Prepared statements outlive a transaction: a fresh name never meets an earlier one on a pooled connection.
  const name = `vigil_plan_${randomBytes(6).toString('hex')}`;
  return withTransaction(db, async (tx) => {
    await tx.$executeRawUnsafe(`SET LOCAL plan_cache_mode = force_generic_plan`);
    await tx.$executeRawUnsafe(`PREPARE ${name} AS ${statement.text}`);
    const args = statement.values.length === 0 ? '' : `(${statement.values.map(literal).join(', ')})`;
    const [row] = await tx.$queryRawUnsafe<Array<{ 'QUERY PLAN': unknown }>>(`EXPLAIN (FORMAT JSON) EXECUTE ${name}${args}`);
    await tx.$executeRawUnsafe(`DEALLOCATE ${name}`);
    const plan = (typeof row['QUERY PLAN'] === 'string' ? JSON.parse(row['QUERY PLAN']) : row['QUERY PLAN']) as Array<{ Plan: PlanNode }>;
    return seqScans(plan[0].Plan, []).sort();
  });
}

function executedScans(node: PlanNode, into: string[]): string[] {
  if (node['Relation Name'] !== undefined && node['Node Type'].endsWith('Scan') && (node['Actual Loops'] ?? 0) > 0) into.push(node['Relation Name']);
  for (const child of node.Plans ?? []) executedScans(child, into);
  return into;
}

class RolledBack extends Error {}

/**
 * The tables and partitions a statement's generic plan actually read when run (EXPLAIN ANALYZE;
 * its writes rolled back), each once: partitions pruned at run time, by parameters or by values
 * read from other tables, are absent. `statement` as for {@link genericPlanSeqScans}.
 */
export async function genericPlanScansRun(db: Pick<Database, 'prisma'>, statement: { text: string; values: readonly unknown[] }): Promise<string[]> {
  const name = `vigil_plan_${randomBytes(6).toString('hex')}`;
  let scans: string[] = [];
  await withTransaction(db, async (tx) => {
    await tx.$executeRawUnsafe(`SET LOCAL plan_cache_mode = force_generic_plan`);
    await tx.$executeRawUnsafe(`PREPARE ${name} AS ${statement.text}`);
    const args = statement.values.length === 0 ? '' : `(${statement.values.map(literal).join(', ')})`;
    const [row] = await tx.$queryRawUnsafe<Array<{ 'QUERY PLAN': unknown }>>(`EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE ${name}${args}`);
    const plan = (typeof row['QUERY PLAN'] === 'string' ? JSON.parse(row['QUERY PLAN']) : row['QUERY PLAN']) as Array<{ Plan: PlanNode }>;
    await tx.$executeRawUnsafe(`DEALLOCATE ${name}`);
    scans = [...new Set(executedScans(plan[0].Plan, []))].sort();
    throw new RolledBack();
  }).catch((error: unknown) => {
    if (!(error instanceof RolledBack)) throw error;
  });
  return scans;
}

/**
 * The tables a statement's plan for these very values reads whole: the plan of a statement sent
 * unnamed each time (Prisma's `$queryRaw`), which is planned afresh with its parameters.
 */
export async function customPlanSeqScans(db: Pick<Database, 'prisma'>, statement: { text: string; values: readonly unknown[] }): Promise<string[]> {
  const [row] = await db.prisma.$queryRawUnsafe<Array<{ 'QUERY PLAN': unknown }>>(`EXPLAIN (FORMAT JSON) ${statement.text}`, ...statement.values);
  const plan = (typeof row['QUERY PLAN'] === 'string' ? JSON.parse(row['QUERY PLAN']) : row['QUERY PLAN']) as Array<{ Plan: PlanNode }>;
  return seqScans(plan[0].Plan, []).sort();
}
