import { copyFile, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Level } from 'level';
import type { HardState } from '../core/hard-state.ts';
import type { NodeId } from '../core/ids.ts';
import { makeDirectory } from '../util/make-directory.ts';
import { readHardStateRecord, recordPath, replaceHardStateRecord, writeHardStateRecord } from './hard-state-record.ts';
import { reconcile, restoreAdvice, sameState, unsupportedAdvice, type RefusalReason, type StoreContent } from './hard-state-reconciliation.ts';
import type { HardStateStore } from './hard-state-store.ts';
import { hardStateProblem, isNonNegativeInteger, show, type StoredState } from './stored-state.ts';

/**
 * On-disk layout: the hard state lives in a LevelDB database in `<dataDir>/state`, and a
 * checksummed record of it in `<dataDir>/hard-state.json` (see hard-state-record.ts). Keys and
 * values are utf8 strings; every value is JSON:
 *
 *   format      2                  layout version of this store (1: the same without seq)
 *   seq         <integer ≥ 1>      writes taken so far, also in the record (see hard-state-reconciliation.ts)
 *   term        <integer ≥ 0>
 *   votedFor    null | "<node id>"
 *   incarnation <integer ≥ 0>      bumped once per node start
 *
 * Every key is written by every write, in one synced batch, so a missing key, an unknown key or an
 * invalid value means the store is damaged. A damaged, rolled-back or otherwise doubtful store is
 * refused and never rewritten: silently resetting a node's term or vote could let it vote twice in
 * a term.
 *
 * Refusing must leave the files as they were, and LevelDB's own open does not: it folds its
 * write-ahead log into a new table, writes a new manifest and deletes the old files, before any
 * key can be read. So `open` first copies the store's files to a scratch directory and opens and
 * checks the copy; only a store that passes is opened for real.
 */
export const HARD_STATE_SUBDIR = 'state';
export const HARD_STATE_FORMAT = 2;
const LEGACY_FORMAT = 1;

export type OpenFailureReason = 'locked' | RefusalReason;

export type OpenHardStateStoreResult =
  { readonly ok: true; readonly store: LevelHardStateStore } | { readonly ok: false; readonly reason: OpenFailureReason; readonly message: string };

type Failure = Extract<OpenHardStateStoreResult, { ok: false }>;

type ReadOutcome =
  | { readonly kind: 'content'; readonly content: StoreContent }
  | { readonly kind: 'corrupt'; readonly problem: string }
  | { readonly kind: 'unsupported'; readonly format: number };

const LEGACY_KEYS = ['format', 'term', 'votedFor', 'incarnation'] as const;
const KEYS = [...LEGACY_KEYS, 'seq'] as const;

/** Files LevelDB may leave behind when it crashes while creating a brand-new, still empty store. */
const EMPTY_STORE_LEFTOVERS = new Set(['LOCK', 'LOG', 'LOG.old', 'MANIFEST-000001', '000001.dbtmp']);
const LEVELDB_FILE = /^(LOCK|LOG|LOG\.old|CURRENT|MANIFEST-\d+|\d+\.(log|ldb|sst|dbtmp))$/;
/** LevelDB's lock and its human-readable logs: not part of the data, so not copied for the check. */
const NOT_DATA = new Set(['LOCK', 'LOG', 'LOG.old']);

type Db = Level<string, string>;

export class LevelHardStateStore implements HardStateStore {
  private tail: Promise<unknown> = Promise.resolve();
  private closing: Promise<void> | undefined;
  /** Set once a write failed half-way: a further write could leave the record two writes behind. */
  private failedWrite: Error | undefined;

  private constructor(
    private readonly db: Db,
    /** The node's data directory, as given to `open`. */
    readonly dataDir: string,
    /** The LevelDB directory inside it. */
    readonly location: string,
    /** What the store and its record hold after the last write. */
    private current: StoredState,
  ) {}

  /**
   * Opens (creating if needed) the store in `<dataDir>/state`, after checking it against its
   * record. Expected failures — another process holds the store, the store or its record is
   * damaged or rolled back, the directory cannot be used — are returned as values whose `message`
   * says what is wrong and how to fix it. Nothing on disk is modified on failure.
   */
  static async open(dataDir: string): Promise<OpenHardStateStoreResult> {
    const location = path.join(dataDir, HARD_STATE_SUBDIR);
    const files = { location, recordFile: recordPath(dataDir) };
    const layout = await inspectDirectory(dataDir, location);
    if (typeof layout !== 'string') return layout;
    // Read before the store, so that a node writing meanwhile (store first, then record) shows
    // up as a store ahead of its record, or as files that changed during the check.
    const record = await readHardStateRecord(dataDir);
    let checked: StoreContent = { kind: 'empty' };
    if (layout === 'store') {
      const copy = await readThroughCopy(dataDir, location, files.recordFile);
      if (copy.kind === 'failure') return copy.failure;
      checked = copy.content;
    }
    const verdict = reconcile(checked, record, files);
    if (verdict.kind === 'refuse') return { ok: false, reason: verdict.reason, message: refusalMessage(dataDir, verdict.problem, verdict.advice) };

    // Checked: from here on the real files are opened, and so may be rewritten by LevelDB.
    const made = await makeDirectory(location);
    if (!made.ok) return unusableDirectory(dataDir, location, made.problem);
    const db: Db = new Level<string, string>(location, { createIfMissing: layout !== 'store', keyEncoding: 'utf8', valueEncoding: 'utf8' });
    try {
      await db.open();
    } catch (err) {
      return levelFailure(err, dataDir, location, 'open');
    }
    const fail = async (failure: Failure): Promise<Failure> => {
      await db.close().catch(() => undefined);
      return failure;
    };
    let state: StoredState;
    try {
      const opened = await readStoreContent(db);
      if (opened.kind !== 'content' || !sameContent(opened.content, checked)) {
        return fail({
          ok: false,
          reason: 'corrupt',
          message:
            `data dir ${dataDir}: the hard-state store ${location} changed between being checked and being opened; ` +
            'make sure no other process uses this data dir, then start again',
        });
      }
      switch (verdict.kind) {
        case 'create':
          state = { seq: 1, hardState: { term: 0, votedFor: null }, incarnation: 0 };
          await writeAll(db, state);
          break;
        case 'migrate':
          if (opened.content.kind !== 'legacy') throw new Error('migrate verdict for a store that is not of the legacy format');
          state = { seq: 1, ...opened.content.value };
          await writeAll(db, state);
          break;
        case 'in-step':
        case 'repair-record':
          if (opened.content.kind !== 'current') throw new Error(`${verdict.kind} verdict for a store without a write sequence number`);
          state = opened.content.value;
          break;
      }
    } catch (err) {
      return fail(levelFailure(err, dataDir, location, 'read'));
    }
    const rewriteWhole = record.kind === 'ok' && record.layout === 'single';
    if (verdict.kind !== 'in-step' || rewriteWhole) {
      try {
        await (rewriteWhole ? replaceHardStateRecord(dataDir, state) : writeHardStateRecord(dataDir, state));
      } catch (err) {
        // The store is ahead of its record now, which the next open accepts once the record can be written.
        return fail({
          ok: false,
          reason: 'unreadable',
          message: `data dir ${dataDir}: cannot write the hard-state record ${files.recordFile} (${errorText(err)}); check the permissions and free space of the data dir`,
        });
      }
    }
    return { ok: true, store: new LevelHardStateStore(db, dataDir, location, state) };
  }

  /** Re-reads and re-validates the stored state; rejects (changing nothing) if it is corrupt. */
  load(): Promise<HardState> {
    return this.run(async () => {
      const outcome = await readStoreContent(this.db);
      switch (outcome.kind) {
        case 'corrupt':
          throw new Error(refusalMessage(this.dataDir, storeCorrupt(this.location, outcome.problem), restoreAdvice));
        case 'unsupported':
          throw new Error(refusalMessage(this.dataDir, unsupportedProblem(this.location, outcome.format), unsupportedAdvice));
        case 'content':
          if (outcome.content.kind !== 'current' || !sameState(outcome.content.value, this.current)) {
            throw new Error(refusalMessage(this.dataDir, storeCorrupt(this.location, 'it no longer holds what was last written to it'), restoreAdvice));
          }
          return outcome.content.value.hardState;
      }
    });
  }

  /** Writes term and votedFor (synced), then the record; resolves once both are on disk. */
  save(state: HardState): Promise<void> {
    return this.run(async () => {
      const problem = hardStateProblem(state.term, state.votedFor);
      if (problem !== undefined) {
        throw new Error(`refusing to save invalid hard state to ${this.location}: ${problem}`);
      }
      await this.write({ ...this.current, seq: this.current.seq + 1, hardState: { term: state.term, votedFor: state.votedFor } });
    });
  }

  bumpIncarnation(): Promise<number> {
    return this.run(async () => {
      const next = this.current.incarnation + 1;
      await this.write({ ...this.current, seq: this.current.seq + 1, incarnation: next });
      return next;
    });
  }

  /** Waits for pending operations, then closes the database. Safe to call more than once. */
  close(): Promise<void> {
    if (this.closing === undefined) {
      const closing = this.tail.then(() => this.db.close());
      this.closing = closing;
      this.tail = closing.catch(() => undefined);
    }
    return this.closing;
  }

  /** Runs operations one at a time, in call order (each write numbers itself from the last). */
  private run<T>(op: () => Promise<T>): Promise<T> {
    if (this.closing !== undefined) {
      return Promise.reject(new Error(`hard-state store ${this.location} is closed`));
    }
    const result = this.tail.then(op);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /**
   * LevelDB first, then the record: a crash between the two leaves the store one write ahead,
   * which the next open accepts. After a failure either may or may not hold `next`, so the store
   * takes no further write: another one could leave the record two writes behind.
   */
  private async write(next: StoredState): Promise<void> {
    if (this.failedWrite !== undefined) {
      throw new Error(`hard-state store ${this.location} takes no more writes after a failed one (${this.failedWrite.message}); restart the node`);
    }
    try {
      await writeAll(this.db, next);
      this.current = next;
      await writeHardStateRecord(this.dataDir, next);
    } catch (err) {
      this.failedWrite = err instanceof Error ? err : new Error(String(err));
      throw err;
    }
  }
}

function writeAll(db: Db, state: StoredState): Promise<void> {
  return db.batch(
    [
      { type: 'put', key: 'format', value: JSON.stringify(HARD_STATE_FORMAT) },
      { type: 'put', key: 'seq', value: JSON.stringify(state.seq) },
      { type: 'put', key: 'term', value: JSON.stringify(state.hardState.term) },
      { type: 'put', key: 'votedFor', value: JSON.stringify(state.hardState.votedFor) },
      { type: 'put', key: 'incarnation', value: JSON.stringify(state.incarnation) },
    ],
    { sync: true },
  );
}

/**
 * Looks at the directory without creating or changing anything: over a directory whose CURRENT
 * file is missing, LevelDB would start a fresh manifest and may delete table files that manifest
 * does not reference. A damaged store is reported instead, and foreign files are never mixed with
 * a new store. 'absent' and 'empty' mean there is no store yet; 'store' that LevelDB files are there.
 */
async function inspectDirectory(dataDir: string, location: string): Promise<Failure | 'absent' | 'empty' | 'store'> {
  let entries: string[];
  try {
    entries = await readdir(location);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'absent';
    return unusableDirectory(dataDir, location, errorText(err));
  }
  if (entries.includes('CURRENT')) {
    let current: string;
    try {
      current = await readFile(path.join(location, 'CURRENT'), 'utf8');
    } catch (err) {
      return {
        ok: false,
        reason: 'unreadable',
        message: `data dir ${dataDir}: cannot read ${path.join(location, 'CURRENT')} (${errorText(err)}); check its permissions`,
      };
    }
    if (!/^MANIFEST-\d+\n$/.test(current)) {
      return corruptFailure(dataDir, location, 'its CURRENT file does not name a LevelDB manifest');
    }
    return 'store';
  }
  const unexpected = entries.filter((name) => !EMPTY_STORE_LEFTOVERS.has(name));
  if (unexpected.length === 0) return 'empty';
  const listed = unexpected.slice(0, 5).join(', ') + (unexpected.length > 5 ? ', …' : '');
  if (unexpected.some((name) => LEVELDB_FILE.test(name))) {
    return corruptFailure(dataDir, location, `it holds LevelDB files (${listed}) but no CURRENT file`);
  }
  return {
    ok: false,
    reason: 'unreadable',
    message:
      `data dir ${dataDir}: ${location} is not a hard-state store (it contains ${listed} and no LevelDB ` +
      `database); it was NOT modified. Move those files away or choose another --data-dir`,
  };
}

type CopyOutcome = { readonly kind: 'content'; readonly content: StoreContent } | { readonly kind: 'failure'; readonly failure: Failure };

/**
 * Opens a scratch copy of the store and reads it, so that LevelDB rewrites the copy, never the
 * original. The store is small (a few keys), so the copy costs a few milliseconds. If its files
 * (or the record) change while being copied, another process is writing them: that is reported
 * as a store in use rather than judged from a torn copy.
 */
async function readThroughCopy(dataDir: string, location: string, recordFile: string): Promise<CopyOutcome> {
  const failure = (value: Failure): CopyOutcome => ({ kind: 'failure', failure: value });
  const before = await fingerprint(location, recordFile);
  let scratch: string | undefined;
  try {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'hbc-state-check-'));
    for (const name of await readdir(location)) {
      if (NOT_DATA.has(name)) continue;
      const source = path.join(location, name);
      if ((await stat(source)).isFile()) await copyFile(source, path.join(scratch, name));
    }
  } catch (err) {
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
    return failure({
      ok: false,
      reason: 'unreadable',
      message:
        `data dir ${dataDir}: cannot check the hard-state store ${location}: copying it to ${os.tmpdir()} failed (${errorText(err)}); ` +
        `it was NOT modified. Check the permissions of ${location} and the free space in ${os.tmpdir()} (or set TMPDIR)`,
    });
  }
  const copy: Db = new Level<string, string>(scratch, { createIfMissing: false, keyEncoding: 'utf8', valueEncoding: 'utf8' });
  let outcome: ReadOutcome | Failure;
  try {
    await copy.open();
    outcome = await readStoreContent(copy);
  } catch (err) {
    outcome = levelFailure(err, dataDir, location, 'read', scratch);
  } finally {
    await copy.close().catch(() => undefined);
    await rm(scratch, { recursive: true, force: true });
  }
  if (before !== (await fingerprint(location, recordFile))) {
    return failure({
      ok: false,
      reason: 'locked',
      message: `data dir ${dataDir} is in use by another process (the files of ${location} changed while being checked); stop that node or choose another --data-dir`,
    });
  }
  if ('ok' in outcome) return failure(outcome);
  switch (outcome.kind) {
    case 'content':
      return outcome;
    case 'corrupt':
      return failure(corruptFailure(dataDir, location, outcome.problem));
    case 'unsupported':
      return failure({ ok: false, reason: 'unreadable', message: refusalMessage(dataDir, unsupportedProblem(location, outcome.format), unsupportedAdvice) });
  }
}

/** Name, size, modification time and inode of every file of the store and of the record. */
async function fingerprint(location: string, recordFile: string): Promise<string> {
  const files = [...(await readdir(location).catch(() => [])).map((name) => path.join(location, name)), recordFile];
  const stats = await Promise.all(
    files.map(async (file) => {
      const info = await stat(file).catch(() => undefined);
      return info === undefined ? `${file} -` : `${file} ${info.size} ${info.mtimeMs} ${info.ino}`;
    }),
  );
  return stats.join('\n');
}

async function readStoreContent(db: Db): Promise<ReadOutcome> {
  const unknownKeys: string[] = [];
  for await (const key of db.keys()) {
    if (!(KEYS as readonly string[]).includes(key)) unknownKeys.push(key);
  }
  if (unknownKeys.length > 0) {
    return { kind: 'corrupt', problem: `unexpected key(s) ${unknownKeys.slice(0, 5).map(show).join(', ')}` };
  }
  const values = await db.getMany([...KEYS]);
  const parsed = new Map<string, unknown>();
  for (const [index, key] of KEYS.entries()) {
    const text = values[index];
    if (text === undefined) continue;
    try {
      parsed.set(key, JSON.parse(text));
    } catch {
      return { kind: 'corrupt', problem: `${key} is ${show(text)}, which is not valid JSON` };
    }
  }
  if (parsed.size === 0) return { kind: 'content', content: { kind: 'empty' } };
  const format = parsed.get('format');
  const expectedKeys: readonly string[] = format === LEGACY_FORMAT ? LEGACY_KEYS : KEYS;
  if (format === LEGACY_FORMAT && parsed.has('seq')) return { kind: 'corrupt', problem: `format is ${LEGACY_FORMAT} but key "seq" is present` };
  const missing = expectedKeys.find((key) => !parsed.has(key));
  if (missing !== undefined) return { kind: 'corrupt', problem: `key ${show(missing)} is missing` };
  if (format !== HARD_STATE_FORMAT && format !== LEGACY_FORMAT) {
    if (isNonNegativeInteger(format)) return { kind: 'unsupported', format };
    return { kind: 'corrupt', problem: `format is ${show(format)}, expected ${HARD_STATE_FORMAT}` };
  }
  const term = parsed.get('term');
  const votedFor = parsed.get('votedFor');
  const incarnation = parsed.get('incarnation');
  const seq = parsed.get('seq');
  const problem =
    hardStateProblem(term, votedFor) ??
    (isNonNegativeInteger(incarnation) ? undefined : `incarnation is ${show(incarnation)}, expected a non-negative integer`) ??
    (format === LEGACY_FORMAT || (isNonNegativeInteger(seq) && seq > 0) ? undefined : `seq is ${show(seq)}, expected a positive integer`);
  if (problem !== undefined) return { kind: 'corrupt', problem };
  const value = { hardState: { term: term as number, votedFor: votedFor as NodeId | null }, incarnation: incarnation as number };
  if (format === LEGACY_FORMAT) return { kind: 'content', content: { kind: 'legacy', value } };
  return { kind: 'content', content: { kind: 'current', value: { ...value, seq: seq as number } } };
}

function sameContent(a: StoreContent, b: StoreContent): boolean {
  switch (a.kind) {
    case 'empty':
      return b.kind === 'empty';
    case 'legacy':
      return (
        b.kind === 'legacy' &&
        a.value.incarnation === b.value.incarnation &&
        a.value.hardState.term === b.value.hardState.term &&
        a.value.hardState.votedFor === b.value.hardState.votedFor
      );
    case 'current':
      return b.kind === 'current' && sameState(a.value, b.value);
  }
}

/**
 * `scratch`: the copy the error came from; LevelDB names its files in messages, and the user
 * needs the real location.
 */
function levelFailure(err: unknown, dataDir: string, location: string, doing: 'open' | 'read', scratch?: string): Failure {
  const code = levelCode(err);
  const cause = scratch === undefined ? causeText(err) : causeText(err).replaceAll(scratch, location);
  if (code === 'LEVEL_LOCKED') {
    return {
      ok: false,
      reason: 'locked',
      message:
        `data dir ${dataDir} is in use by another process (LevelDB lock held on ${path.join(location, 'LOCK')}); ` +
        `stop that node or choose another --data-dir`,
    };
  }
  if (code === 'LEVEL_CORRUPTION') return corruptFailure(dataDir, location, `LevelDB: ${cause}`);
  return {
    ok: false,
    reason: 'unreadable',
    message:
      `data dir ${dataDir}: cannot ${doing} the hard-state store ${location} (${cause}); ` +
      `it was NOT modified. Check the path, its permissions and free disk space`,
  };
}

function unusableDirectory(dataDir: string, location: string, problem: string): Failure {
  return {
    ok: false,
    reason: 'unreadable',
    message: `data dir ${dataDir}: cannot use ${location} for the hard-state store (${problem}); make sure --data-dir names a directory this user can write to`,
  };
}

function storeCorrupt(location: string, problem: string): string {
  return `the hard-state store ${location} is corrupt (${problem})`;
}

function corruptFailure(dataDir: string, location: string, problem: string): Failure {
  return { ok: false, reason: 'corrupt', message: refusalMessage(dataDir, storeCorrupt(location, problem), restoreAdvice) };
}

function unsupportedProblem(location: string, format: number): string {
  return `the hard-state store ${location} has format ${format}, but this version only reads formats ${LEGACY_FORMAT} and ${HARD_STATE_FORMAT}`;
}

/** `problem` says what is wrong; `advice`, what to do about it. */
function refusalMessage(dataDir: string, problem: string, advice: string): string {
  return `data dir ${dataDir}: ${problem}; it was NOT modified. ${advice}`;
}

function levelCode(err: unknown): string | undefined {
  const cause = (err as { cause?: { code?: unknown } } | undefined)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

function causeText(err: unknown): string {
  const cause = (err as { cause?: unknown } | undefined)?.cause;
  return errorText(cause instanceof Error ? cause : err);
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
