import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Page } from 'playwright-core';

/** Where browser tests leave their screenshots: tmp/ is git-ignored, so they are kept out of commits. */
export const SCREENSHOT_DIR = resolve(__dirname, '..', '..', '..', '..', 'tmp', 'screenshots');

/**
 * Numbered full-page screenshots of one test run (`<prefix>-01-login.png`, …). The previous
 * run's screenshots with the same prefix are removed first so the folder shows one run.
 */
export function screenshotter(prefix: string): (page: Page, step: string) => Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  for (const file of readdirSync(SCREENSHOT_DIR)) if (file.startsWith(`${prefix}-`)) rmSync(join(SCREENSHOT_DIR, file));
  let count = 0;
  return async (page, step) => {
    count += 1;
    const path = join(SCREENSHOT_DIR, `${prefix}-${String(count).padStart(2, '0')}-${step}.png`);
    await page.screenshot({ path, fullPage: true });
    return relative(process.cwd(), path);
  };
}
