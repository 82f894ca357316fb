import { launchChromium } from './chromium';

describe('launchChromium', () => {
  it('fails with one line saying how to install Chromium when it is missing', async () => {
    const launched = launchChromium('/nonexistent/chromium');
    await expect(launched).rejects.toThrow(/^Chromium is not installed at \/nonexistent\/chromium: install it with `apt-get update && apt-get install -y chromium`/);
    await expect(launched).rejects.toThrow(expect.objectContaining({ message: expect.not.stringContaining('\n') }));
  });
});
