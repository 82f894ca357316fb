import { type PollState, startPolling } from '../public/js/poll.js';

/** A document whose visibility the test sets. */
class FakeDocument extends EventTarget {
  hidden = false;
  setHidden(hidden: boolean) {
    this.hidden = hidden;
    this.dispatchEvent(new Event('visibilitychange'));
  }
}

describe('startPolling', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  async function settle() {
    // Lets the awaited tick and the code after it run.
    for (let i = 0; i < 5; i++) await Promise.resolve();
  }

  it('runs at once, then every interval after the previous run settled, and stops', async () => {
    const doc = new FakeDocument();
    const tick = jest.fn(async () => undefined);
    const poller = startPolling(tick, { intervalMs: 1000, doc });
    await settle();
    expect(tick).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(999);
    expect(tick).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(tick).toHaveBeenCalledTimes(2);
    poller.stop();
    await jest.advanceTimersByTimeAsync(5000);
    expect(tick).toHaveBeenCalledTimes(2);
  });

  it('pauses while the document is hidden and runs at once when it shows again', async () => {
    const doc = new FakeDocument();
    const states: PollState[] = [];
    const tick = jest.fn(async () => undefined);
    startPolling(tick, { intervalMs: 1000, doc, onState: (state) => states.push(state) });
    await settle();
    doc.setHidden(true);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(tick).toHaveBeenCalledTimes(1);
    expect(states.at(-1)).toBe('paused');
    doc.setHidden(false);
    await settle();
    expect(tick).toHaveBeenCalledTimes(2);
  });

  it('never runs two ticks at once and keeps going after one throws', async () => {
    const doc = new FakeDocument();
    let running = 0;
    let most = 0;
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    let calls = 0;
    const poller = startPolling(
      async () => {
        calls += 1;
        running += 1;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, 1500));
        running -= 1;
        if (calls === 1) throw new Error('boom');
      },
      { intervalMs: 1000, doc },
    );
    poller.refresh();
    poller.refresh();
    await jest.advanceTimersByTimeAsync(10_000);
    expect(most).toBe(1);
    expect(calls).toBeGreaterThanOrEqual(3);
    expect(errors).toHaveBeenCalledWith(new Error('boom'));
    poller.stop();
    errors.mockRestore();
  });
});
