/**
 * What the retention phase of the scale benchmark did: the retention job of issue 16 (raw
 * results dropped by time partition, old rollups and deliveries removed) run once while the
 * load runs, so that its cost shows in the end-to-end rate.
 */
export type RetentionPhase =
  | { readonly available: false; readonly why: string }
  | { readonly available: true; readonly seconds: number; readonly removed: string };

/**
 * THE call site of the retention job in the scale benchmark. It is not in this tree yet (another
 * branch builds it): until it is, the phase says so, and no figure is made up. When it lands,
 * run one pass of it here on `databaseUrl` (as its maintenance job would, with its advisory lock)
 * and return how long it took and what it removed.
 */
export async function runRetentionPhase(databaseUrl: string): Promise<RetentionPhase> {
  void databaseUrl;
  return { available: false, why: 'the retention job (issue 16) is not in this tree yet' };
}
