import { createHash } from 'node:crypto';
import { open, readFile, rename } from 'node:fs/promises';
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
 * One JSON object: `format`, `seq`, `term`, `votedFor`, `incarnation` and `sha256`, the SHA-256
 * (hex) of the JSON of the other five fields in that order. The checksum makes a damaged record
 * (a torn sector, a bit flip, a hand edit) fail loudly instead of being trusted. The record is
 * replaced atomically: temporary file, fsync, rename, fsync of the directory.
 */
export const HARD_STATE_RECORD_FILE = 'hard-state.json';
export const HARD_STATE_RECORD_FORMAT = 1;

export type ReadRecordOutcome =
  | { readonly kind: 'ok'; readonly value: StoredState }
  | { readonly kind: 'missing' }
  | { readonly kind: 'damaged'; readonly problem: string }
  | { readonly kind: 'unsupported'; readonly format: number }
  | { readonly kind: 'unreadable'; readonly problem: string };

const FIELDS = ['format', 'seq', 'term', 'votedFor', 'incarnation', 'sha256'] as const;

export function recordPath(dataDir: string): string {
  return path.join(dataDir, HARD_STATE_RECORD_FILE);
}

export async function readHardStateRecord(dataDir: string): Promise<ReadRecordOutcome> {
  let text: string;
  try {
    text = await readFile(recordPath(dataDir), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // ENOTDIR: the data dir is a file; that is reported where the directory is used.
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
    return { kind: 'unreadable', problem: error instanceof Error ? error.message : String(error) };
  }
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

/** Replaces the record atomically and durably; resolves once the new record and its name are on disk. */
export async function writeHardStateRecord(dataDir: string, state: StoredState): Promise<void> {
  const { seq, incarnation } = state;
  const { term, votedFor } = state.hardState;
  const text = `${JSON.stringify({ format: HARD_STATE_RECORD_FORMAT, seq, term, votedFor, incarnation, sha256: checksum(HARD_STATE_RECORD_FORMAT, seq, term, votedFor, incarnation) })}\n`;
  const target = recordPath(dataDir);
  const temporary = `${target}.tmp`;
  const file = await open(temporary, 'w');
  try {
    await file.writeFile(text);
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
