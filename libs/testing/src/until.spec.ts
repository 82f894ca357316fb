import { until } from './until';

describe('until', () => {
  it('resolves once the condition holds, sync or async', async () => {
    let calls = 0;
    await until(() => ++calls >= 3, 'three calls');
    expect(calls).toBe(3);
    await until(async () => true, 'an async yes');
  });

  it('fails naming what it waited for once the time is up', async () => {
    await expect(until(() => false, 'the sun', 30)).rejects.toThrow('timed out after 30 ms waiting for the sun');
  });
});
