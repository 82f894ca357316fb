export type { Spool } from './spool';
export { openDiskSpool, type DiskSpoolOptions } from './disk-spool';
export { createMemorySpool, type MemorySpoolOptions } from './memory-spool';
export { SpoolWriteError } from './write-failures';
