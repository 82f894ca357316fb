// @ts-check
// Live updates by polling: run, wait, run again; never two at once; paused while the tab
// is hidden (a hidden dashboard costs the controller nothing) and run at once when it shows.

/** How often the dashboard refreshes what it shows. */
export const POLL_INTERVAL_MS = 5_000;

/**
 * @typedef {'running' | 'waiting' | 'paused' | 'stopped'} PollState
 * @typedef {Pick<Document, 'hidden' | 'addEventListener' | 'removeEventListener'>} VisibilitySource
 */

/**
 * Calls `tick` now and then `intervalMs` after each call settles, while `doc` is visible.
 * Answers `stop()`.
 * @param {() => Promise<void>} tick
 * @param {{ intervalMs?: number, doc?: VisibilitySource, onState?: (state: PollState) => void }} [options]
 */
export function startPolling(tick, options = {}) {
  const { intervalMs = POLL_INTERVAL_MS, doc = document, onState = () => undefined } = options;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  let running = false;
  let stopped = false;
  let again = false;

  const schedule = () => {
    clearTimeout(timer);
    timer = undefined;
    if (stopped) return;
    if (doc.hidden) {
      onState('paused');
      return;
    }
    onState('waiting');
    timer = setTimeout(run, intervalMs);
  };
  const run = async () => {
    timer = undefined;
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    onState('running');
    try {
      await tick();
    } catch (error) {
      // The tick shows its own errors; one that escapes must not stop the updates.
      console.error(error);
    } finally {
      running = false;
    }
    if (again) {
      again = false;
      void run();
    } else schedule();
  };
  const visibility = () => {
    if (stopped) return;
    if (doc.hidden) {
      clearTimeout(timer);
      timer = undefined;
      if (!running) onState('paused');
    } else if (timer === undefined && !running) void run();
  };
  doc.addEventListener('visibilitychange', visibility);
  void run();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
      doc.removeEventListener('visibilitychange', visibility);
      onState('stopped');
    },
    /** Runs now (after the current run, if one is under way). */
    refresh() {
      if (stopped) return;
      clearTimeout(timer);
      void run();
    },
  };
}
