// Test support shared by every project's specs (a util lib: any project may use it).
export { until } from './until';
export { createPrng, type Prng } from './prng';
export { notPrivate } from './files';
