/** A run waiting for its start time, `at` in Date.now() milliseconds. */
export interface DueEntry<T> {
  readonly at: number;
  readonly item: T;
}

/** A binary min-heap of entries by `at`: the earliest is at the top. */
export class DueHeap<T> {
  private readonly entries: Array<DueEntry<T>> = [];

  get size(): number {
    return this.entries.length;
  }

  peek(): DueEntry<T> | undefined {
    return this.entries[0];
  }

  push(entry: DueEntry<T>): void {
    const entries = this.entries;
    let i = entries.push(entry) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (entries[parent].at <= entry.at) break;
      entries[i] = entries[parent];
      i = parent;
    }
    entries[i] = entry;
  }

  pop(): DueEntry<T> | undefined {
    const entries = this.entries;
    const top = entries[0];
    const last = entries.pop();
    if (top === undefined || last === undefined || entries.length === 0) return top;
    const n = entries.length;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && entries[right].at < entries[left].at ? right : left;
      if (entries[child].at >= last.at) break;
      entries[i] = entries[child];
      i = child;
    }
    entries[i] = last;
    return top;
  }

  /** Takes every entry out, in no particular order. */
  drain(): Array<DueEntry<T>> {
    return this.entries.splice(0);
  }
}
