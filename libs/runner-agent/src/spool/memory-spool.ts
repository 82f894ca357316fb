import type { ReportedResult } from '@vigil/contracts';
import type { Logger } from '@vigil/logger';
import { trackFullness } from './fullness';
import type { Spool } from './spool';

export interface MemorySpoolOptions {
  /** The bound: results beyond it are refused until some are removed. */
  maxResults: number;
  logger: Logger;
  /** Told how many results an append refused, for metrics. */
  onDrop?: (count: number) => void;
}

/** A spool in memory, for a location with no disk of its own; its contents end with the process. */
export function createMemorySpool(options: MemorySpoolOptions): Spool {
  const { maxResults, logger } = options;
  if (!Number.isSafeInteger(maxResults) || maxResults < 1) throw new Error(`maxResults must be a positive integer, got ${maxResults}`);
  const fullness = trackFullness({
    logger,
    onDrop: options.onDrop,
    fullMessage: `spool full at ${maxResults} results: dropping results until the controller takes some`,
    fields: { max_results: maxResults },
  });
  // Removed results are skipped by `start` and cut off in bulk, so removing from the front is not O(n) each time.
  let items: ReportedResult[] = [];
  let start = 0;
  const size = () => items.length - start;

  return {
    async append(results) {
      const kept = Math.max(0, Math.min(results.length, maxResults - size()));
      for (let i = 0; i < kept; i += 1) items.push(results[i]);
      fullness.refused(results.length - kept);
      return kept;
    },
    async peek(max) {
      return items.slice(start, start + Math.max(0, max));
    },
    async remove(count) {
      start += Math.max(0, Math.min(count, size()));
      if (start === items.length) {
        items = [];
        start = 0;
      } else if (start > items.length / 2) {
        items = items.slice(start);
        start = 0;
      }
      fullness.freed(size(), maxResults);
    },
    size,
    async close() {
      // Nothing to release.
    },
  };
}
