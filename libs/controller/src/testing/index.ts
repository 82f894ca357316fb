export { createControllerHarness } from './harness';
export type { ControllerHarness, HarnessRunner } from './harness';
