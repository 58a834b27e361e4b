import type { NodeId } from '../core/ids.ts';
import type { LeaderView } from './admin-responses.ts';

/** One node's GetLeader answer, bracketed by when the question left and the answer arrived (the asker's clock). */
export interface LeaseObservation {
  readonly node: NodeId;
  readonly sentAt: number;
  readonly answeredAt: number;
  /** Null: no answer (the node is stopped, paused or was too slow). */
  readonly view: LeaderView | null;
}

/**
 * Pairs of observations in which two different nodes claimed the lease at what may have been the
 * same moment: each answer was given somewhere between its question and its arrival, so
 * overlapping windows cannot be told apart in time. A safe lease allows none.
 */
export function overlappingLeaseClaims<T extends LeaseObservation>(observations: readonly T[]): [T, T][] {
  const holding = observations.filter((o) => o.view?.holdsLease === true).sort((a, b) => a.sentAt - b.sentAt);
  const overlaps: [T, T][] = [];
  holding.forEach((first, index) => {
    for (const second of holding.slice(index + 1)) {
      if (second.sentAt > first.answeredAt) break;
      if (second.node !== first.node) overlaps.push([first, second]);
    }
  });
  return overlaps;
}
