import type { Logger } from '@vigil/logger';

/** Once full, the spool says it has room again only below this share of its bound, so a spool that hovers at the bound does not log on every batch. */
const ROOM_AGAIN_AT = 0.75;

export interface Fullness {
  /** After an append: `refused` results did not fit (0 when all did). */
  refused(refused: number): void;
  /** After a removal: `used` of `bound` is taken now. */
  freed(used: number, bound: number): void;
}

/**
 * The spool's one warning per episode of being full, the line that ends it, and the
 * count of refused results for whoever keeps metrics.
 */
export function trackFullness(options: {
  logger: Logger;
  onDrop?: (count: number) => void;
  /** The warning, logged when an episode starts. */
  fullMessage: string;
  fields: Record<string, unknown>;
}): Fullness {
  const { logger, onDrop, fullMessage, fields } = options;
  let full = false;
  return {
    refused(refused) {
      if (refused <= 0) return;
      onDrop?.(refused);
      if (full) return;
      full = true;
      logger.warn(fullMessage, fields);
    },
    freed(used, bound) {
      if (!full || used > bound * ROOM_AGAIN_AT) return;
      full = false;
      logger.info('the spool has room again', fields);
    },
  };
}
