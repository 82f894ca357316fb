// The e2e suites wait longer than unit specs: real servers, a real controller, PGlite.
import { until as untilWithin } from '@vigil/testing';

export const until = (condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> =>
  untilWithin(condition, what, timeoutMs);
