import { mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Level } from 'level';
import type { HardState } from '../core/hard-state.ts';
import { isValidId, type NodeId } from '../core/ids.ts';
import type { HardStateStore } from './hard-state-store.ts';

/**
 * On-disk layout: the hard state lives in a LevelDB database in `<dataDir>/state`. Keys and
 * values are utf8 strings; every value is JSON:
 *
 *   format      1                  layout version of this store
 *   term        <integer ≥ 0>
 *   votedFor    null | "<node id>"
 *   incarnation <integer ≥ 0>      bumped once per node start
 *
 * All four keys are written together when the store is created, so a missing key, an unknown
 * key or an invalid value means the store is damaged. Such a store is reported as corrupt and
 * never rewritten: silently resetting a node's term or vote could let it vote twice in a term.
 */
export const HARD_STATE_SUBDIR = 'state';
export const HARD_STATE_FORMAT = 1;

export type OpenHardStateStoreResult =
  | { readonly ok: true; readonly store: LevelHardStateStore }
  | { readonly ok: false; readonly reason: 'locked' | 'corrupt' | 'unreadable'; readonly message: string };

type Failure = Extract<OpenHardStateStoreResult, { ok: false }>;

interface StoredState {
  readonly hardState: HardState;
  readonly incarnation: number;
}

type ReadOutcome =
  | { readonly kind: 'ok'; readonly value: StoredState }
  | { readonly kind: 'empty' }
  | { readonly kind: 'corrupt'; readonly problem: string }
  | { readonly kind: 'unsupported'; readonly format: unknown };

const KEYS = ['format', 'term', 'votedFor', 'incarnation'] as const;

/** Files LevelDB may leave behind when it crashes while creating a brand-new, still empty store. */
const EMPTY_STORE_LEFTOVERS = new Set(['LOCK', 'LOG', 'LOG.old', 'MANIFEST-000001', '000001.dbtmp']);
const LEVELDB_FILE = /^(LOCK|LOG|LOG\.old|CURRENT|MANIFEST-\d+|\d+\.(log|ldb|sst|dbtmp))$/;

type Db = Level<string, string>;

export class LevelHardStateStore implements HardStateStore {
  private tail: Promise<unknown> = Promise.resolve();
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly db: Db,
    /** The node's data directory, as given to `open`. */
    readonly dataDir: string,
    /** The LevelDB directory inside it. */
    readonly location: string,
  ) {}

  /**
   * Opens (creating if needed) the store in `<dataDir>/state`. Expected failures — another process
   * holds the store, the store is damaged, the directory cannot be used — are returned as values
   * whose `message` says what is wrong and how to fix it. Nothing on disk is modified on failure.
   */
  static async open(dataDir: string): Promise<OpenHardStateStoreResult> {
    const location = path.join(dataDir, HARD_STATE_SUBDIR);
    const preflight = await inspectDirectory(dataDir, location);
    if (preflight !== undefined) return preflight;

    const db: Db = new Level<string, string>(location, {
      createIfMissing: true,
      keyEncoding: 'utf8',
      valueEncoding: 'utf8',
    });
    try {
      await db.open();
    } catch (err) {
      return levelFailure(err, dataDir, location, 'open');
    }

    const fail = async (failure: Failure): Promise<Failure> => {
      await db.close().catch(() => undefined);
      return failure;
    };
    let outcome: ReadOutcome;
    try {
      outcome = await readStoredState(db);
      if (outcome.kind === 'empty') {
        await db.batch(
          [
            { type: 'put', key: 'format', value: JSON.stringify(HARD_STATE_FORMAT) },
            { type: 'put', key: 'term', value: JSON.stringify(0) },
            { type: 'put', key: 'votedFor', value: JSON.stringify(null) },
            { type: 'put', key: 'incarnation', value: JSON.stringify(0) },
          ],
          { sync: true },
        );
      }
    } catch (err) {
      return fail(levelFailure(err, dataDir, location, 'read'));
    }
    if (outcome.kind === 'corrupt') {
      return fail({ ok: false, reason: 'corrupt', message: corruptMessage(dataDir, location, outcome.problem) });
    }
    if (outcome.kind === 'unsupported') {
      return fail({ ok: false, reason: 'unreadable', message: unsupportedMessage(dataDir, location, outcome.format) });
    }
    return { ok: true, store: new LevelHardStateStore(db, dataDir, location) };
  }

  /** Re-reads and re-validates the stored state; rejects (changing nothing) if it is corrupt. */
  load(): Promise<HardState> {
    return this.run(async () => (await this.readValid()).hardState);
  }

  /** Writes term and votedFor in one synced batch; resolves once it is on disk. */
  save(state: HardState): Promise<void> {
    return this.run(async () => {
      const problem = hardStateProblem(state.term, state.votedFor);
      if (problem !== undefined) {
        throw new Error(`refusing to save invalid hard state to ${this.location}: ${problem}`);
      }
      await this.db.batch(
        [
          { type: 'put', key: 'term', value: JSON.stringify(state.term) },
          { type: 'put', key: 'votedFor', value: JSON.stringify(state.votedFor) },
        ],
        { sync: true },
      );
    });
  }

  bumpIncarnation(): Promise<number> {
    return this.run(async () => {
      const next = (await this.readValid()).incarnation + 1;
      await this.db.put('incarnation', JSON.stringify(next), { sync: true });
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

  /** Runs operations one at a time, in call order (bumpIncarnation is a read-modify-write). */
  private run<T>(op: () => Promise<T>): Promise<T> {
    if (this.closing !== undefined) {
      return Promise.reject(new Error(`hard-state store ${this.location} is closed`));
    }
    const result = this.tail.then(op);
    this.tail = result.catch(() => undefined);
    return result;
  }

  private async readValid(): Promise<StoredState> {
    const outcome = await readStoredState(this.db);
    switch (outcome.kind) {
      case 'ok':
        return outcome.value;
      case 'empty':
        return this.corrupt('all keys are missing');
      case 'corrupt':
        return this.corrupt(outcome.problem);
      case 'unsupported':
        throw new Error(unsupportedMessage(this.dataDir, this.location, outcome.format));
    }
  }

  private corrupt(problem: string): never {
    throw new Error(corruptMessage(this.dataDir, this.location, problem));
  }
}

/**
 * Checks the directory before LevelDB touches it: over a directory whose CURRENT file is missing,
 * LevelDB would start a fresh manifest and may delete table files that manifest does not reference.
 * A damaged store is reported instead, and foreign files are never mixed with a new store.
 */
async function inspectDirectory(dataDir: string, location: string): Promise<Failure | undefined> {
  let entries: string[];
  try {
    await mkdir(location, { recursive: true });
    entries = await readdir(location);
  } catch (err) {
    return {
      ok: false,
      reason: 'unreadable',
      message:
        `data dir ${dataDir}: cannot use ${location} for the hard-state store (${errorText(err)}); ` +
        `make sure --data-dir names a directory this user can write to`,
    };
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
      return {
        ok: false,
        reason: 'corrupt',
        message: corruptMessage(dataDir, location, 'its CURRENT file does not name a LevelDB manifest'),
      };
    }
    return undefined;
  }
  const unexpected = entries.filter((name) => !EMPTY_STORE_LEFTOVERS.has(name));
  if (unexpected.length === 0) return undefined;
  const listed = unexpected.slice(0, 5).join(', ') + (unexpected.length > 5 ? ', …' : '');
  if (unexpected.some((name) => LEVELDB_FILE.test(name))) {
    return {
      ok: false,
      reason: 'corrupt',
      message: corruptMessage(dataDir, location, `it holds LevelDB files (${listed}) but no CURRENT file`),
    };
  }
  return {
    ok: false,
    reason: 'unreadable',
    message:
      `data dir ${dataDir}: ${location} is not a hard-state store (it contains ${listed} and no LevelDB ` +
      `database); it was NOT modified. Move those files away or choose another --data-dir`,
  };
}

async function readStoredState(db: Db): Promise<ReadOutcome> {
  const unknownKeys: string[] = [];
  for await (const key of db.keys()) {
    if (!(KEYS as readonly string[]).includes(key)) unknownKeys.push(key);
  }
  const [format, term, votedFor, incarnation] = await db.getMany([...KEYS]);
  if (unknownKeys.length > 0) {
    return { kind: 'corrupt', problem: `unexpected key(s) ${unknownKeys.slice(0, 5).map(show).join(', ')}` };
  }
  if (format === undefined && term === undefined && votedFor === undefined && incarnation === undefined) {
    return { kind: 'empty' };
  }
  const raw = { format, term, votedFor, incarnation };
  const parsed: Record<string, unknown> = {};
  for (const key of KEYS) {
    const text = raw[key];
    if (text === undefined) return { kind: 'corrupt', problem: `key ${show(key)} is missing` };
    try {
      parsed[key] = JSON.parse(text);
    } catch {
      return { kind: 'corrupt', problem: `${key} is ${show(text)}, which is not valid JSON` };
    }
  }
  if (parsed.format !== HARD_STATE_FORMAT) {
    if (isNonNegativeInteger(parsed.format)) return { kind: 'unsupported', format: parsed.format };
    return { kind: 'corrupt', problem: `format is ${show(parsed.format)}, expected ${HARD_STATE_FORMAT}` };
  }
  const problem =
    hardStateProblem(parsed.term, parsed.votedFor) ??
    (isNonNegativeInteger(parsed.incarnation)
      ? undefined
      : `incarnation is ${show(parsed.incarnation)}, expected a non-negative integer`);
  if (problem !== undefined) return { kind: 'corrupt', problem };
  return {
    kind: 'ok',
    value: {
      hardState: { term: parsed.term as number, votedFor: parsed.votedFor as NodeId | null },
      incarnation: parsed.incarnation as number,
    },
  };
}

function hardStateProblem(term: unknown, votedFor: unknown): string | undefined {
  if (!isNonNegativeInteger(term)) return `term is ${show(term)}, expected a non-negative integer`;
  if (votedFor !== null && !(typeof votedFor === 'string' && isValidId(votedFor))) {
    return `votedFor is ${show(votedFor)}, expected null or a valid node id`;
  }
  return undefined;
}

function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function levelFailure(err: unknown, dataDir: string, location: string, doing: 'open' | 'read'): Failure {
  const code = levelCode(err);
  if (code === 'LEVEL_LOCKED') {
    return {
      ok: false,
      reason: 'locked',
      message:
        `data dir ${dataDir} is in use by another process (LevelDB lock held on ${path.join(location, 'LOCK')}); ` +
        `stop that node or choose another --data-dir`,
    };
  }
  if (code === 'LEVEL_CORRUPTION') {
    return { ok: false, reason: 'corrupt', message: corruptMessage(dataDir, location, `LevelDB: ${causeText(err)}`) };
  }
  return {
    ok: false,
    reason: 'unreadable',
    message:
      `data dir ${dataDir}: cannot ${doing} the hard-state store ${location} (${causeText(err)}); ` +
      `it was NOT modified. Check the path, its permissions and free disk space`,
  };
}

function corruptMessage(dataDir: string, location: string, problem: string): string {
  return (
    `data dir ${dataDir}: the hard-state store ${location} is corrupt (${problem}); it was NOT modified. ` +
    `Restore it from a backup; deleting it makes this node forget its term and vote, ` +
    `which is only safe if the node is removed from the cluster and rejoins as a new member`
  );
}

function unsupportedMessage(dataDir: string, location: string, format: unknown): string {
  return (
    `data dir ${dataDir}: the hard-state store ${location} has format ${String(format)}, but this version ` +
    `only reads format ${HARD_STATE_FORMAT}; it was NOT modified. Run the heartbeat-cluster version that wrote it`
  );
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

/** A stored or parsed value as it should appear in a message: `-3`, `"bad id!"`, `null`. */
function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}
