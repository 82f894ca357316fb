/** A half-open time span [start, end) in epoch milliseconds. Empty when end <= start. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/**
 * The union of `spans` as sorted, disjoint, non-empty spans. Spans that overlap or
 * touch become one, so a moment covered twice is counted once.
 */
export function mergeSpans(spans: readonly Span[]): Span[] {
  const sorted = spans.filter((s) => s.end > s.start).sort((a, b) => a.start - b.start);
  const merged: Span[] = [];
  for (const span of sorted) {
    const last = merged[merged.length - 1];
    if (last !== undefined && span.start <= last.end) {
      if (span.end > last.end) merged[merged.length - 1] = { start: last.start, end: span.end };
    } else {
      merged.push({ start: span.start, end: span.end });
    }
  }
  return merged;
}

/** The parts of merged `spans` inside `within`. */
export function clipSpans(spans: readonly Span[], within: Span): Span[] {
  const clipped: Span[] = [];
  for (const span of spans) {
    const start = Math.max(span.start, within.start);
    const end = Math.min(span.end, within.end);
    if (end > start) clipped.push({ start, end });
  }
  return clipped;
}

/** The parts of merged `spans` not covered by merged `holes`. Both must be sorted and disjoint (mergeSpans). */
export function subtractSpans(spans: readonly Span[], holes: readonly Span[]): Span[] {
  const result: Span[] = [];
  let h = 0;
  for (const span of spans) {
    let start = span.start;
    while (h < holes.length && holes[h].end <= start) h += 1;
    let k = h;
    while (k < holes.length && holes[k].start < span.end) {
      if (holes[k].start > start) result.push({ start, end: holes[k].start });
      start = Math.max(start, holes[k].end);
      k += 1;
    }
    if (span.end > start) result.push({ start, end: span.end });
  }
  return result;
}

/** The total length of disjoint spans, in milliseconds. */
export function totalLength(spans: readonly Span[]): number {
  return spans.reduce((sum, s) => sum + (s.end - s.start), 0);
}
