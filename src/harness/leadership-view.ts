import type { NodeId } from '../core/ids.ts';
import { numberField, stringField, type NodeLogEvent } from './node-log-event.ts';

/** What one node believes, as followed from its own log: its term and the leader it follows. */
interface Belief {
  readonly term: number;
  readonly leaderId: string | null;
  /** Wall time of the log line that last changed this belief. */
  readonly sinceWallMs: number;
}

export interface AgreedLeader {
  readonly leader: NodeId;
  readonly term: number;
  /** When the last of the nodes came to this belief (its own log stamp). */
  readonly agreedAtWallMs: number;
}

/**
 * Follows every node's term and leader from its `started`, `term-changed` and `leader-changed`
 * lines. Lines of one node arrive in order through its pipe, so each belief is exact as of that
 * node's latest line; no polling is needed to see agreement form.
 */
export class LeadershipView {
  private readonly beliefs = new Map<NodeId, Belief>();

  observe(entry: NodeLogEvent): void {
    const current = this.beliefs.get(entry.node);
    if (entry.event === 'started') {
      this.beliefs.set(entry.node, { term: numberField(entry, 'term') ?? 0, leaderId: null, sinceWallMs: entry.wallMs });
    } else if (entry.event === 'term-changed') {
      // A node that enters a new term always forgets its leader (the core sets it to null right after).
      this.beliefs.set(entry.node, { term: numberField(entry, 'to') ?? current?.term ?? 0, leaderId: null, sinceWallMs: entry.wallMs });
    } else if (entry.event === 'leader-changed') {
      this.beliefs.set(entry.node, {
        term: numberField(entry, 'term') ?? current?.term ?? 0,
        leaderId: stringField(entry, 'leaderId'),
        sinceWallMs: entry.wallMs,
      });
    }
  }

  /** The leader every node of `among` follows (itself included) in one term, or null. */
  agreedLeader(among: readonly NodeId[]): AgreedLeader | null {
    const first = this.beliefs.get(among[0] ?? ('' as NodeId));
    const leader = first?.leaderId;
    if (first === undefined || leader === null || leader === undefined || !among.includes(leader as NodeId)) return null;
    let agreedAtWallMs = -Infinity;
    for (const id of among) {
      const belief = this.beliefs.get(id);
      if (belief === undefined || belief.leaderId !== leader || belief.term !== first.term) return null;
      agreedAtWallMs = Math.max(agreedAtWallMs, belief.sinceWallMs);
    }
    return { leader: leader as NodeId, term: first.term, agreedAtWallMs };
  }
}
