import { type FileHandle, mkdir, open, readdir, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { folderWarnings, PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, tightenFolder } from '@vigil/config';
import type { ReportedResult } from '@vigil/contracts';
import type { Logger } from '@vigil/logger';
import { type Fullness, trackFullness } from './fullness';
import { lockSpoolDir, type ProcessProbe, type SpoolLock, SpoolLockedError } from './lock';
import type { Spool } from './spool';
import { errorCode, errorMessage, SpoolWriteError, trackWriteFailures, type WriteFailures } from './write-failures';

export interface DiskSpoolOptions {
  /** Created if missing. */
  dir: string;
  /** The bound over all segment files; removed results count until their whole segment is deleted. */
  maxBytes: number;
  logger: Logger;
  /** A segment past this size is closed and the next append starts a new one; 4 MiB by default, at most a quarter of `maxBytes`. */
  segmentBytes?: number;
  /** Told how many results an append refused, for metrics. */
  onDrop?: (count: number) => void;
  /**
   * The runner's slug: the spool takes `dir` for it with a lock file, refusing (SpoolLockedError)
   * while another live runner holds it, and releases it on close.
   */
  owner?: string;
  /** How the lock tells a live holder from a dead one; the real processes by default. */
  probe?: ProcessProbe;
}

const MIB = 1024 * 1024;
const DEFAULT_SEGMENT_BYTES = 4 * MIB;
const SEGMENT_FILE = /^(\d{12})\.jsonl$/;
const ACK_FILE = /^(\d{12})\.ack$/;

interface Segment {
  seq: number;
  bytes: number;
  /** Results in the file; unreadable lines are not counted. */
  count: number;
  /** How many of the first results were removed; kept in `<seq>.ack` while the segment stays. */
  consumed: number;
  /** The segment's results once read; only the oldest segments are read, and each is bounded. */
  results?: ReportedResult[];
}

interface Line {
  text: string;
  bytes: number;
  result: ReportedResult;
}

/**
 * A spool in `dir`: segment files `<12-digit sequence>.jsonl` of one result per line,
 * appended to the newest and consumed from the oldest. A segment is deleted once all its
 * results are removed; until then `<seq>.ack` holds how many were, so a restart resumes
 * there. Appends are not fsynced: a written line is in the page cache, so it survives the
 * process crashing (not the machine losing power), which is the failure this guards against.
 */
export async function openDiskSpool(options: DiskSpoolOptions): Promise<Spool> {
  const { dir, maxBytes, logger } = options;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) throw new Error(`maxBytes must be a positive integer, got ${maxBytes}`);
  const segmentBytes = options.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
  if (!Number.isSafeInteger(segmentBytes) || segmentBytes < 1) throw new Error(`segmentBytes must be a positive integer, got ${segmentBytes}`);
  const fullness = trackFullness({
    logger,
    onDrop: options.onDrop,
    fullMessage: `spool full at ${describeBytes(maxBytes)}: dropping results until the controller takes some; raise VIGIL_SPOOL_MAX_MB to keep more`,
    fields: { dir, max_bytes: maxBytes },
  });
  let lock: SpoolLock | undefined;
  try {
    await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    // Before anything is read or deleted: the files may be another runner's.
    if (options.owner !== undefined) lock = await lockSpoolDir({ dir, slug: options.owner, probe: options.probe });
    // Spooled results hold what checks saw: only this user may read them. Only the spool's
    // own files are changed, in case VIGIL_SPOOL_DIR names a folder shared with others.
    const outcome = await tightenFolder(dir, spoolOwns);
    for (const warning of folderWarnings(outcome, 'the spool directory')) logger.warn(warning, { dir });
    const found = await loadSegments(dir, logger);
    // Space is only given back a whole segment at a time, so a segment is kept small next to the bound.
    const segmentBound = Math.max(1, Math.min(segmentBytes, Math.floor(maxBytes / 4)));
    const spool = new DiskSpool(dir, maxBytes, segmentBound, fullness, trackWriteFailures(logger, dir), found, lock);
    // Never appended to: a segment from before may end in a line a crash cut short. Opening the
    // new one now also shows that the directory is writable before the first result needs it.
    await spool.openTail();
    return spool;
  } catch (error) {
    await lock?.release();
    if (error instanceof SpoolLockedError) throw error;
    throw new Error(`cannot use the spool directory ${dir}: ${errorMessage(error)}`, { cause: error });
  }
}

class DiskSpool implements Spool {
  private queue: Promise<unknown> = Promise.resolve();
  private tail: { segment: Segment; handle: FileHandle } | undefined;
  private held: number;
  private bytes: number;
  private nextSeq: number;
  private closed = false;

  constructor(
    private readonly dir: string,
    private readonly maxBytes: number,
    private readonly segmentBytes: number,
    private readonly fullness: Fullness,
    private readonly writeFailures: WriteFailures,
    private readonly segments: Segment[],
    private readonly lock: SpoolLock | undefined,
  ) {
    this.held = sum(segments, (segment) => segment.count - segment.consumed);
    this.bytes = sum(segments, (segment) => segment.bytes);
    this.nextSeq = (segments.at(-1)?.seq ?? 0) + 1;
  }

  // Everything goes through one queue: appends keep the order they were called in, and
  // a peek or remove never sees a segment half rolled or half deleted.
  append(results: readonly ReportedResult[]): Promise<number> {
    return this.serially(() => this.write(results));
  }

  peek(max: number): Promise<ReportedResult[]> {
    return this.serially(() => this.read(max));
  }

  remove(count: number): Promise<void> {
    return this.serially(() => this.consume(count));
  }

  size(): number {
    return this.held;
  }

  close(): Promise<void> {
    if (this.closed) return this.queue.then(() => undefined);
    this.closed = true;
    const closing = this.queue.then(() => this.closeTail()).finally(() => this.lock?.release());
    this.queue = closing.catch(() => undefined);
    return closing;
  }

  async openTail(): Promise<{ segment: Segment; handle: FileHandle }> {
    if (this.tail) return this.tail;
    // With nothing older, the new segment is the head, and its results are known without reading it.
    const segment: Segment = { seq: this.nextSeq, bytes: 0, count: 0, consumed: 0, results: this.segments.length === 0 ? [] : undefined };
    const handle = await open(this.segmentFile(segment.seq), 'a', PRIVATE_FILE_MODE);
    this.nextSeq += 1;
    this.segments.push(segment);
    this.tail = { segment, handle };
    return this.tail;
  }

  // Checked when called, not when run: whatever was called before `close` still runs.
  private serially<T>(operation: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error(`the spool in ${this.dir} is closed`));
    const run = this.queue.then(operation);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async write(results: readonly ReportedResult[]): Promise<number> {
    const lines: Line[] = [];
    let bytes = this.bytes;
    for (const result of results) {
      const text = `${JSON.stringify(result)}\n`;
      const line = { text, bytes: Buffer.byteLength(text), result };
      if (bytes + line.bytes > this.maxBytes) break;
      lines.push(line);
      bytes += line.bytes;
    }
    this.fullness.refused(results.length - lines.length);
    let next = 0;
    try {
      while (next < lines.length) {
        const tail = await this.openTail();
        let end = next;
        let chunkBytes = 0;
        // An empty segment takes at least one line, however long.
        while (end < lines.length && (tail.segment.bytes + chunkBytes === 0 || tail.segment.bytes + chunkBytes + lines[end].bytes <= this.segmentBytes)) {
          chunkBytes += lines[end].bytes;
          end += 1;
        }
        if (end === next) await this.closeTail();
        else await this.writeChunk(tail, lines.slice(next, end), chunkBytes);
        next = end;
      }
    } catch (error) {
      // A full or read-only disk is a condition of the host, not of this batch: the caller drops
      // what was not written and goes on, and the next append tries again.
      this.writeFailures.failed(error);
      throw new SpoolWriteError(`cannot write to the spool in ${this.dir}: ${errorMessage(error)}`, errorCode(error), next, { cause: error });
    }
    if (lines.length > 0) this.writeFailures.succeeded();
    return lines.length;
  }

  private async writeChunk(tail: { segment: Segment; handle: FileHandle }, lines: Line[], bytes: number): Promise<void> {
    try {
      await tail.handle.appendFile(lines.map((line) => line.text).join(''));
    } catch (error) {
      // The segment may now end in part of a line; the next append starts a new segment rather than extend it.
      await this.closeTail().catch(() => undefined);
      // A segment that holds none of the counted results goes: otherwise every batch a full disk
      // refuses would leave a file behind, and what it half wrote would come back after a restart.
      if (tail.segment.count === 0) await this.forget(tail.segment);
      throw error;
    }
    const { segment } = tail;
    segment.bytes += bytes;
    segment.count += lines.length;
    if (segment.results) for (const line of lines) segment.results.push(line.result);
    this.bytes += bytes;
    this.held += lines.length;
  }

  private async read(max: number): Promise<ReportedResult[]> {
    const out: ReportedResult[] = [];
    for (const segment of this.segments) {
      if (out.length >= max) break;
      const results = await this.resultsOf(segment);
      const end = Math.min(results.length, segment.consumed + max - out.length);
      for (let i = segment.consumed; i < end; i += 1) out.push(results[i]);
    }
    return out;
  }

  private async resultsOf(segment: Segment): Promise<ReportedResult[]> {
    if (segment.results) return segment.results;
    const { results } = parseSegment(await readFile(this.segmentFile(segment.seq), 'utf8'));
    // The file is the truth: after a failed write it may hold more lines than were counted.
    const before = segment.count - segment.consumed;
    segment.count = results.length;
    segment.consumed = Math.min(segment.consumed, segment.count);
    this.held += segment.count - segment.consumed - before;
    segment.results = results;
    return results;
  }

  private async consume(count: number): Promise<void> {
    let left = Number.isFinite(count) ? Math.max(0, Math.min(Math.floor(count), this.held)) : 0;
    let acked: Segment | undefined;
    for (let head = this.segments[0]; head; head = this.segments[0]) {
      const taken = Math.min(left, head.count - head.consumed);
      head.consumed += taken;
      this.held -= taken;
      left -= taken;
      if (taken > 0) acked = head;
      const spent = head.consumed >= head.count && !(head === this.tail?.segment && head.bytes === 0);
      if (!spent) break;
      await this.deleteHead();
      acked = undefined;
    }
    // Without the ack a restart sends the segment's removed results again, which reports'
    // idempotency makes harmless: not a reason to stop replaying.
    if (acked) await this.writeAck(acked).catch((error: unknown) => this.writeFailures.failed(error));
    this.fullness.freed(this.bytes, this.maxBytes);
  }

  private async forget(segment: Segment): Promise<void> {
    const at = this.segments.indexOf(segment);
    if (at >= 0) this.segments.splice(at, 1);
    await rm(this.segmentFile(segment.seq), { force: true }).catch(() => undefined);
  }

  private async deleteHead(): Promise<void> {
    const head = this.segments.shift();
    if (!head) return;
    if (head === this.tail?.segment) await this.closeTail();
    this.bytes -= head.bytes;
    // The segment first: a crash in between leaves an ack without a segment, which the next open deletes.
    // A disk remounted read-only keeps the file, whose results a restart sends again: harmless, and no reason to stop.
    try {
      await unlink(this.segmentFile(head.seq));
      await rm(this.ackFile(head.seq), { force: true });
    } catch (error) {
      this.writeFailures.failed(error);
    }
  }

  // Written aside and renamed over, so a crash leaves the old count or the new one, never a torn one.
  private async writeAck(segment: Segment): Promise<void> {
    const file = this.ackFile(segment.seq);
    await writeFile(`${file}.tmp`, `${segment.consumed}\n`, { mode: PRIVATE_FILE_MODE });
    await rename(`${file}.tmp`, file);
  }

  private async closeTail(): Promise<void> {
    const tail = this.tail;
    this.tail = undefined;
    await tail?.handle.close();
  }

  private segmentFile(seq: number): string {
    return segmentFile(this.dir, seq);
  }

  private ackFile(seq: number): string {
    return path.join(this.dir, `${seqName(seq)}.ack`);
  }
}

/** How many segment files `dir` holds (0 if it does not exist): results a spool there would send. */
export async function countSegmentFiles(dir: string): Promise<number> {
  const names = await readdir(dir).catch((error: unknown) => (errorCode(error) === 'ENOENT' ? [] : Promise.reject(error)));
  return names.filter((name) => SEGMENT_FILE.test(name)).length;
}

/**
 * Results a runner spooled in `<VIGIL_DATA_DIR>/spool` before the default became one directory
 * per slug are left where they are, and said where at every start: that directory may have been
 * shared by several runners (the reason for the change), and an older runner may still be
 * spooling there, so no runner can tell that they are its own to send.
 */
export async function warnOfFormerSpool(options: { former: string | undefined; current: string; logger: Logger }): Promise<void> {
  const { former, current, logger } = options;
  if (former === undefined) return;
  const segments = await countSegmentFiles(former).catch(() => 0);
  if (segments === 0) return;
  logger.warn(
    `${former} holds ${segments} spool segment file(s) from before each runner had a spool directory of its own; they are not sent. ` +
      `If they are this runner's, stop it and move them (with their .ack files) into ${current}; otherwise delete them`,
    { dir: former, segments },
  );
}

/**
 * Reads what a previous run left: the segments still holding results, oldest first, with
 * how many of each were removed. Spent segments, stray acks and temporary files are deleted.
 * Only the oldest segment's results are kept in memory.
 */
async function loadSegments(dir: string, logger: Logger): Promise<Segment[]> {
  const names = await readdir(dir);
  const seqs = names.flatMap((name) => SEGMENT_FILE.exec(name)?.[1] ?? []).map(Number);
  seqs.sort((a, b) => a - b);
  const present = new Set(seqs);
  for (const name of names) {
    const ack = ACK_FILE.exec(name);
    if (name.endsWith('.tmp') || (ack && !present.has(Number(ack[1])))) await rm(path.join(dir, name), { force: true });
  }
  const acked = new Set(names.flatMap((name) => ACK_FILE.exec(name)?.[1] ?? []).map(Number));
  const segments: Segment[] = [];
  let skipped = 0;
  for (const seq of seqs) {
    const content = await readFile(segmentFile(dir, seq));
    const parsed = parseSegment(content.toString('utf8'));
    skipped += parsed.skipped;
    const consumed = acked.has(seq) ? await readAck(path.join(dir, `${seqName(seq)}.ack`)) : 0;
    const segment: Segment = { seq, bytes: content.length, count: parsed.results.length, consumed: Math.min(consumed, parsed.results.length) };
    if (segment.consumed >= segment.count) {
      await rm(segmentFile(dir, seq), { force: true });
      await rm(path.join(dir, `${seqName(seq)}.ack`), { force: true });
      continue;
    }
    if (segments.length === 0) segment.results = parsed.results;
    segments.push(segment);
  }
  if (skipped > 0) {
    logger.warn(`skipped ${skipped} unreadable line(s) in the spool: a write cut short by a crash, or a damaged file`, { dir, skipped });
  }
  return segments;
}

async function readAck(file: string): Promise<number> {
  const consumed = Number((await readFile(file, 'utf8')).trim());
  // Acks are renamed into place whole; anything else means resending the segment, which is harmless.
  return Number.isSafeInteger(consumed) && consumed > 0 ? consumed : 0;
}

function parseSegment(text: string): { results: ReportedResult[]; skipped: number } {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const results: ReportedResult[] = [];
  let skipped = 0;
  for (const line of lines) {
    const result = parseResult(line);
    if (result) results.push(result);
    else skipped += 1;
  }
  return { results, skipped };
}

function parseResult(line: string): ReportedResult | undefined {
  try {
    const value: unknown = JSON.parse(line);
    // The controller checks each result; here it is enough that the line was written whole.
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as ReportedResult) : undefined;
  } catch {
    return undefined;
  }
}

/** The spool's own files: segments, acks and the temporary files acks are written through. */
function spoolOwns(name: string): 'entry' | undefined {
  return SEGMENT_FILE.test(name) || ACK_FILE.test(name) || /^\d{12}\.ack\.tmp$/.test(name) ? 'entry' : undefined;
}

function seqName(seq: number): string {
  return String(seq).padStart(12, '0');
}

function segmentFile(dir: string, seq: number): string {
  return path.join(dir, `${seqName(seq)}.jsonl`);
}

function sum<T>(items: readonly T[], of: (item: T) => number): number {
  return items.reduce((total, item) => total + of(item), 0);
}

function describeBytes(bytes: number): string {
  return bytes >= MIB ? `${Math.round((bytes / MIB) * 10) / 10} MB` : `${bytes} bytes`;
}
