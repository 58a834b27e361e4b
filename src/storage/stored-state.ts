import type { HardState } from '../core/hard-state.ts';
import { isValidId } from '../core/ids.ts';

/** Everything the durable store keeps, as both the LevelDB store and its record hold it. */
export interface StoredState {
  /**
   * How many writes the store has taken: 1 once created, plus one per save and per incarnation
   * bump. It orders the LevelDB store against its record (see hard-state-reconciliation.ts).
   */
  readonly seq: number;
  readonly hardState: HardState;
  readonly incarnation: number;
}

export function hardStateProblem(term: unknown, votedFor: unknown): string | undefined {
  if (!isNonNegativeInteger(term)) return `term is ${show(term)}, expected a non-negative integer`;
  if (votedFor !== null && !(typeof votedFor === 'string' && isValidId(votedFor))) {
    return `votedFor is ${show(votedFor)}, expected null or a valid node id`;
  }
  return undefined;
}

export function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** `write 4: term 2, voted for n1, incarnation 3`, for messages that compare two states. */
export function describeStoredState(state: StoredState): string {
  const vote = state.hardState.votedFor === null ? 'no vote' : `voted for ${state.hardState.votedFor}`;
  return `write ${state.seq}: term ${state.hardState.term}, ${vote}, incarnation ${state.incarnation}`;
}

/** A stored or parsed value as it should appear in a message: `-3`, `"bad id!"`, `null`. */
export function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}
