/** `1234567` → `1,234,567`. */
export const count = (n: number): string => n.toLocaleString('en-US');

/** Milliseconds to a tenth; `-` for NaN (no values). */
export const ms = (n: number): string => (Number.isNaN(n) ? '-' : n.toFixed(1));

/** A target's verdict. */
export const passOrMiss = (met: boolean): string => (met ? 'PASS' : 'MISS');

/** The nearest-rank percentile (`p` in 0..1) of `values`; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

/** `rows` as lines of aligned columns: the first left-aligned, the others right-aligned. */
export function table(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('   ').trimEnd());
}
