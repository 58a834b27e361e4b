import type { ReadRecordOutcome } from './hard-state-record.ts';
import { describeStoredState, type StoredState } from './stored-state.ts';

/** What the LevelDB store holds, as read (from a copy) before the real store is opened. */
export type StoreContent =
  | { readonly kind: 'empty' }
  /** Format 1, written before the record existed: no write sequence number. */
  | { readonly kind: 'legacy'; readonly value: Omit<StoredState, 'seq'> }
  | { readonly kind: 'current'; readonly value: StoredState };

export type RefusalReason = 'corrupt' | 'rolled-back' | 'unreadable';

export type Reconciliation =
  /** Neither exists: a new node. */
  | { readonly kind: 'create' }
  /** A store from before the record existed, and no record: number it and write its first record. */
  | { readonly kind: 'migrate' }
  | { readonly kind: 'in-step' }
  /** The store is exactly one write ahead: the node stopped between the two writes of one save. */
  | { readonly kind: 'repair-record' }
  /** `problem` says what is wrong, `advice` what to do about it. */
  | { readonly kind: 'refuse'; readonly reason: RefusalReason; readonly problem: string; readonly advice: string };

/** What to do about a damaged or rolled-back store. */
export const restoreAdvice =
  'Restore the whole data dir (state/ and hard-state.json together) from a backup taken while the node was stopped; ' +
  'deleting it makes this node forget its term and vote, which is only safe if the node is removed from the cluster ' +
  'and rejoins as a new member';
export const unsupportedAdvice = 'Run the heartbeat-cluster version that wrote it';

export interface StoreFiles {
  /** The LevelDB directory. */
  readonly location: string;
  readonly recordFile: string;
}

/**
 * Decides whether the store can be trusted, by comparing it with its record.
 *
 * Every write goes to LevelDB first (synced), then to the record, and the driver sends nothing
 * that depends on a write until both are done. So in a healthy data dir the two hold the same
 * write sequence number, or the store is exactly one write ahead when the node stopped between
 * the two writes; that state was never acted on, and it is kept (the record is brought up to it).
 * A store behind its record lost writes the node had acted on (votes it had sent): starting from
 * it could let the node vote twice in a term, so it is refused, as is any other disagreement.
 * A missing record counts as sequence number 0: a store at write 1 was created (or migrated)
 * and the node stopped before its first record; beyond that, a missing record was lost.
 */
export function reconcile(store: StoreContent, record: ReadRecordOutcome, files: StoreFiles): Reconciliation {
  const { recordFile } = files;
  switch (record.kind) {
    case 'unreadable':
      return refuse('unreadable', `cannot read the hard-state record ${recordFile} (${record.problem})`, 'Check its permissions');
    case 'unsupported':
      return refuse('unreadable', `the hard-state record ${recordFile} has format ${record.format}, which this version cannot read`, unsupportedAdvice);
    case 'damaged':
      return refuse('corrupt', `the hard-state record ${recordFile} is damaged (${record.problem})`);
    case 'missing':
      return withoutRecord(store, files);
    case 'ok':
      if (record.damagedSlot !== null) return withDamagedSlot(store, record.value, record.damagedSlot, files);
      return againstRecord(store, record.value, files);
  }
}

function withoutRecord(store: StoreContent, { location, recordFile }: StoreFiles): Reconciliation {
  switch (store.kind) {
    case 'empty':
      return { kind: 'create' };
    case 'legacy':
      return { kind: 'migrate' };
    case 'current':
      if (store.value.seq === 1) return { kind: 'repair-record' };
      return refuse(
        'corrupt',
        `the hard-state record ${recordFile} is missing, but the store ${location} is at ${describeStoredState(store.value)}: ` +
          'without the record nothing shows whether the store lost writes',
      );
  }
}

/**
 * One slot is damaged and the other holds a good write. A crash while a save wrote the record
 * tears only the slot it wrote, after the store took that write: the store is then exactly one
 * write ahead of the good slot, and that is accepted like any save cut short. Anything else is
 * damage no crash explains, refused.
 */
function withDamagedSlot(store: StoreContent, good: StoredState, problem: string, files: StoreFiles): Reconciliation {
  if (store.kind === 'current' && store.value.seq === good.seq + 1) return againstRecord(store, good, files);
  return refuse('corrupt', `the hard-state record ${files.recordFile} is damaged (${problem})`);
}

function againstRecord(store: StoreContent, expected: StoredState, { location, recordFile }: StoreFiles): Reconciliation {
  const recorded = `its record ${recordFile} is at ${describeStoredState(expected)}`;
  switch (store.kind) {
    case 'empty':
      return refuse('rolled-back', `the hard-state store ${location} is missing or empty, but ${recorded}: the store was deleted or wiped`);
    case 'legacy':
      return refuse(
        'rolled-back',
        `the hard-state store ${location} was written by an earlier version (it has no write sequence number), but ${recorded}: ` +
          'the store was replaced by an old copy',
      );
    case 'current':
      break;
  }
  const actual = store.value;
  const stored = `the hard-state store ${location} is at ${describeStoredState(actual)}`;
  if (actual.seq < expected.seq) {
    return refuse(
      'rolled-back',
      `${stored}, behind ${recorded}: the store lost writes this node had acted on (a truncated or damaged LevelDB ` +
        'write-ahead log, or an older copy of the store put back), and starting from it could let this node vote twice in a term',
    );
  }
  if (actual.seq > expected.seq + 1) {
    return refuse('rolled-back', `${stored}, but ${recorded}: the record is more than one write behind, so it was replaced by an old copy`);
  }
  if (actual.seq === expected.seq) {
    return sameState(actual, expected) ? { kind: 'in-step' } : refuse('corrupt', `${stored}, but ${recorded}: same write, different contents`);
  }
  return followsFrom(actual, expected)
    ? { kind: 'repair-record' }
    : refuse('corrupt', `${stored}, but ${recorded}: the store's newer write goes back in term, vote or incarnation`);
}

function refuse(reason: RefusalReason, problem: string, advice = restoreAdvice): Reconciliation {
  return { kind: 'refuse', reason, problem, advice };
}

export function sameState(a: StoredState, b: StoredState): boolean {
  return a.seq === b.seq && a.incarnation === b.incarnation && a.hardState.term === b.hardState.term && a.hardState.votedFor === b.hardState.votedFor;
}

/** Whether `next` can be the write after `previous`: terms never fall, a vote is never changed within a term. */
function followsFrom(next: StoredState, previous: StoredState): boolean {
  if (next.incarnation < previous.incarnation) return false;
  if (next.hardState.term !== previous.hardState.term) return next.hardState.term > previous.hardState.term;
  return previous.hardState.votedFor === null || previous.hardState.votedFor === next.hardState.votedFor;
}
