export type { Spool } from './spool';
export { countSegmentFiles, openDiskSpool, warnOfFormerSpool, type DiskSpoolOptions } from './disk-spool';
export { createMemorySpool, type MemorySpoolOptions } from './memory-spool';
export { SpoolWriteError } from './write-failures';
export { LOCK_FILE, type LockHolder, SpoolLockedError } from './lock';
