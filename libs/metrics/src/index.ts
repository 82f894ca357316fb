export { sharedCounter, sharedGauge, sharedHistogram } from './shared-registry';
