/** Aligned plain-text columns under upper-case headers, two spaces apart, no trailing spaces. */
export function formatTable(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const all = [headers.map((header) => header.toUpperCase()), ...rows.map((row) => row.map(oneLine))];
  const widths = headers.map((_, column) => Math.max(...all.map((row) => (row[column] ?? '').length)));
  const lines = all.map((row) =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column])))
      .join('  ')
      .trimEnd(),
  );
  return `${lines.join('\n')}\n`;
}

// A line break or tab inside a cell (a reason, a name) would break the columns.
function oneLine(cell: string): string {
  return cell.replace(/[\r\n\t]+/g, ' ');
}

/** `2026-11-23T10:00:05.123Z` → `2026-11-23T10:00:05Z`: seconds are precise enough for people. */
export function formatTime(iso: string | null, whenNull = '-'): string {
  if (iso === null) return whenNull;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function yesNo(value: boolean): string {
  return value ? 'yes' : 'no';
}
