import type { NodeId } from '../core/ids.ts';
import type { Role } from '../core/role.ts';
import { unanimousLeader, type AgreedLeader, type LeaderClaim } from '../client/leader-agreement.ts';
import type { NodeLogEvent } from './node-log-event.ts';

/** What one node believes, as followed from its own log, and the wall time of the line that last changed it. */
interface Belief {
  readonly claim: LeaderClaim;
  readonly sinceWallMs: number;
}

/**
 * Follows every node's role, term and leader from its `started`, `role-changed`, `term-changed`
 * and `leader-changed` lines. Lines of one node arrive in order through its pipe, so each belief
 * is exact as of that node's latest line; no polling is needed to see agreement form.
 */
export class LeadershipView {
  private readonly beliefs = new Map<NodeId, Belief>();

  observe(entry: NodeLogEvent): void {
    const current = this.beliefs.get(entry.node)?.claim ?? { node: entry.node, role: 'follower', term: 0, leaderId: null };
    const line = entry.line;
    const believe = (claim: LeaderClaim): void => void this.beliefs.set(entry.node, { claim, sinceWallMs: entry.wallMs });
    switch (line.type) {
      case 'started':
        believe({ node: entry.node, role: 'follower' satisfies Role, term: line.term, leaderId: null });
        return;
      case 'role-changed':
        believe({ ...current, role: line.to, term: line.term });
        return;
      case 'term-changed':
        // A node that enters a new term always forgets its leader (the core sets it to null right after).
        believe({ ...current, term: line.to, leaderId: null });
        return;
      case 'leader-changed':
        believe({ ...current, term: line.term, leaderId: line.leaderId });
        return;
      default:
        return;
    }
  }

  /** The leader every node of `among` follows (itself included) in one term, and when the last of them came to believe it; or null. */
  agreedLeader(among: readonly NodeId[]): (AgreedLeader & { readonly agreedAtWallMs: number }) | null {
    const beliefs = among.map((id) => this.beliefs.get(id) ?? null);
    const agreed = unanimousLeader(beliefs.map((belief) => belief?.claim ?? null));
    if (agreed === null) return null;
    return { ...agreed, agreedAtWallMs: Math.max(...beliefs.map((belief) => belief?.sinceWallMs ?? -Infinity)) };
  }
}
