import type { Page } from 'playwright-core';

/**
 * What went wrong in a page that a person would not see: uncaught errors, console errors
 * (a Content-Security-Policy violation is reported there) and failed requests.
 */
export function recordPageProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('requestfailed', (request) => {
    const reason = request.failure()?.errorText ?? 'unknown';
    // A poll cut short by leaving the page is not a problem.
    if (!reason.includes('ERR_ABORTED')) problems.push(`request failed: ${request.method()} ${request.url()} (${reason})`);
  });
  return problems;
}
