import { createHash } from 'node:crypto';
import { open, readFile, rename, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { NodeId } from '../core/ids.ts';
import { hardStateProblem, isNonNegativeInteger, show, type StoredState } from './stored-state.ts';

/**
 * `<dataDir>/hard-state.json`: a second, independent copy of the hard state, written after every
 * write to the LevelDB store and compared with it on open. LevelDB alone cannot tell a store that
 * lost its newest writes (a truncated write-ahead log, a restored backup) from a current one: it
 * silently drops a damaged log tail and opens the older state. The record can: it carries the
 * store's write sequence number, so a store behind its record is caught.
 *
 * Two slots of `SLOT_BYTES` each, one JSON object per slot padded with spaces to a newline:
 * `format`, `seq`, `term`, `votedFor`, `incarnation` and `sha256`, the SHA-256 (hex) of the JSON of
 * the other five fields in that order. Write `seq` goes over slot `seq % 2` in place, then
 * fdatasync: no temporary file, rename or directory sync, so a save costs one small overwrite
 * and no file-system journal commit. A crash mid-write can tear only the slot being written; the
 * other still holds the write before, which the store is then exactly one write ahead of (LevelDB
 * is written first). The checksum makes a torn or damaged slot fail loudly instead of being
 * trusted; `hard-state-reconciliation.ts` decides what a damaged slot means.
 */
export const HARD_STATE_RECORD_FILE = 'hard-state.json';
export const HARD_STATE_RECORD_FORMAT = 1;
/** Room for the largest slot (a 64-character node id, 2^52 terms) with spare. */
export const SLOT_BYTES = 256;
const RECORD_BYTES = 2 * SLOT_BYTES;

/** One slot as read: a record, never written (spaces), or why it cannot be trusted. */
export type SlotOutcome =
  | { readonly kind: 'ok'; readonly value: StoredState }
  | { readonly kind: 'blank' }
  | { readonly kind: 'damaged'; readonly problem: string }
  | { readonly kind: 'unsupported'; readonly format: number };

export type ReadRecordOutcome =
  /**
   * `damagedSlot`: the other slot's problem, when it is neither blank nor the write before `value`.
   * `layout` `single`: one JSON object, as versions before the slots wrote it; rewrite it whole.
   */
  | { readonly kind: 'ok'; readonly value: StoredState; readonly damagedSlot: string | null; readonly layout: 'slots' | 'single' }
  | { readonly kind: 'missing' }
  | { readonly kind: 'damaged'; readonly problem: string }
  | { readonly kind: 'unsupported'; readonly format: number }
  | { readonly kind: 'unreadable'; readonly problem: string };

const FIELDS = ['format', 'seq', 'term', 'votedFor', 'incarnation', 'sha256'] as const;

export function recordPath(dataDir: string): string {
  return path.join(dataDir, HARD_STATE_RECORD_FILE);
}

export async function readHardStateRecord(dataDir: string): Promise<ReadRecordOutcome> {
  let bytes: Buffer;
  try {
    bytes = await readFile(recordPath(dataDir));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // ENOTDIR: the data dir is a file; that is reported where the directory is used.
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
    return { kind: 'unreadable', problem: error instanceof Error ? error.message : String(error) };
  }
  if (bytes.length !== RECORD_BYTES) {
    const single = readSlot(bytes);
    if (single.kind === 'ok') return { kind: 'ok', value: single.value, damagedSlot: null, layout: 'single' };
    if (single.kind === 'unsupported') return single;
    return { kind: 'damaged', problem: `it is ${bytes.length} bytes long, not ${RECORD_BYTES}` };
  }
  return combineSlots(readSlot(bytes.subarray(0, SLOT_BYTES)), readSlot(bytes.subarray(SLOT_BYTES)));
}

/** The newest trustworthy write of the two slots. */
function combineSlots(first: SlotOutcome, second: SlotOutcome): ReadRecordOutcome {
  for (const slot of [first, second]) if (slot.kind === 'unsupported') return slot;
  const valid = [first, second].flatMap((slot) => (slot.kind === 'ok' ? [slot.value] : []));
  const problems = [first, second].flatMap((slot, index) => (slot.kind === 'damaged' ? [`slot ${index + 1}: ${slot.problem}`] : []));
  const [a, b] = valid;
  if (a === undefined) return problems.length === 0 ? { kind: 'damaged', problem: 'both slots are blank' } : { kind: 'damaged', problem: problems.join('; ') };
  if (b === undefined) return { kind: 'ok', value: a, damagedSlot: problems[0] ?? null, layout: 'slots' };
  const [older, newer] = a.seq < b.seq ? [a, b] : [b, a];
  // Each write goes over the older slot, so the two always hold consecutive writes.
  if (newer.seq !== older.seq + 1) return { kind: 'damaged', problem: `its slots hold writes ${older.seq} and ${newer.seq}, not two in a row` };
  return { kind: 'ok', value: newer, damagedSlot: null, layout: 'slots' };
}

function readSlot(bytes: Buffer): SlotOutcome {
  const text = bytes.toString('utf8');
  if (text.trim() === '') return { kind: 'blank' };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: 'damaged', problem: 'it is not valid JSON' };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return { kind: 'damaged', problem: 'it is not a JSON object' };
  const fields = json as Record<string, unknown>;
  const keys = Object.keys(fields);
  const unexpected = keys.filter((key) => !(FIELDS as readonly string[]).includes(key));
  if (unexpected.length > 0) return { kind: 'damaged', problem: `unexpected field(s) ${unexpected.slice(0, 5).map(show).join(', ')}` };
  const absent = FIELDS.filter((field) => !keys.includes(field));
  if (absent.length > 0) return { kind: 'damaged', problem: `field(s) ${absent.map(show).join(', ')} missing` };
  const { format, seq, term, votedFor, incarnation, sha256 } = fields;
  if (format !== HARD_STATE_RECORD_FORMAT) {
    return isNonNegativeInteger(format) ? { kind: 'unsupported', format } : { kind: 'damaged', problem: `format is ${show(format)}` };
  }
  if (sha256 !== checksum(format, seq, term, votedFor, incarnation)) return { kind: 'damaged', problem: 'its checksum does not match its contents' };
  // A matching checksum over invalid values means a buggy writer, not a damaged disk; refused all the same.
  const problem =
    (isNonNegativeInteger(seq) && seq > 0 ? undefined : `seq is ${show(seq)}, expected a positive integer`) ??
    hardStateProblem(term, votedFor) ??
    (isNonNegativeInteger(incarnation) ? undefined : `incarnation is ${show(incarnation)}, expected a non-negative integer`);
  if (problem !== undefined) return { kind: 'damaged', problem };
  return {
    kind: 'ok',
    value: { seq: seq as number, hardState: { term: term as number, votedFor: votedFor as NodeId | null }, incarnation: incarnation as number },
  };
}

/** One slot's bytes: the record's JSON, padded with spaces to a newline. */
export function slotBytes(state: StoredState): Buffer {
  const { seq, incarnation } = state;
  const { term, votedFor } = state.hardState;
  const json = JSON.stringify({
    format: HARD_STATE_RECORD_FORMAT,
    seq,
    term,
    votedFor,
    incarnation,
    sha256: checksum(HARD_STATE_RECORD_FORMAT, seq, term, votedFor, incarnation),
  });
  if (Buffer.byteLength(json) > SLOT_BYTES - 1) throw new Error(`hard-state record of ${Buffer.byteLength(json)} bytes does not fit a ${SLOT_BYTES}-byte slot`);
  return Buffer.from(`${json.padEnd(SLOT_BYTES - 1, ' ')}\n`);
}

/** Writes `state` into its slot and waits until it is on disk; creates the record (durably) on the first write. */
export async function writeHardStateRecord(dataDir: string, state: StoredState): Promise<void> {
  const target = recordPath(dataDir);
  let file: FileHandle;
  try {
    file = await open(target, 'r+');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return replaceHardStateRecord(dataDir, state);
  }
  try {
    const { bytesWritten } = await file.write(slotBytes(state), 0, SLOT_BYTES, (state.seq % 2) * SLOT_BYTES);
    if (bytesWritten !== SLOT_BYTES) throw new Error(`short write to ${target}: ${bytesWritten} of ${SLOT_BYTES} bytes`);
    await file.datasync();
  } finally {
    await file.close();
  }
}

/**
 * Writes a whole new record holding `state` (the other slot blank) and makes it durable: the first
 * record of a data dir, and one written by a version before the slots.
 */
export async function replaceHardStateRecord(dataDir: string, state: StoredState): Promise<void> {
  const whole = Buffer.alloc(RECORD_BYTES, ' ');
  whole.write('\n', SLOT_BYTES - 1);
  whole.write('\n', RECORD_BYTES - 1);
  slotBytes(state).copy(whole, (state.seq % 2) * SLOT_BYTES);
  const target = recordPath(dataDir);
  const temporary = `${target}.tmp`;
  const file = await open(temporary, 'w');
  try {
    await file.writeFile(whole);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(temporary, target);
  // The rename is durable only once the directory entry is.
  const directory = await open(dataDir, 'r');
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}

function checksum(format: unknown, seq: unknown, term: unknown, votedFor: unknown, incarnation: unknown): string {
  return createHash('sha256').update(JSON.stringify({ format, seq, term, votedFor, incarnation })).digest('hex');
}
