import type { NodeStatus } from './admin-responses.ts';

/** What one node says about leadership, from its Status. */
export interface LeaderClaim {
  readonly node: string;
  readonly role: string;
  readonly term: number;
  readonly leaderId: string | null;
}

export function claimOf(nodeName: string, status: NodeStatus): LeaderClaim {
  return { node: nodeName, role: status.role, term: status.term, leaderId: status.leaderId };
}

export type LeaderAgreement = { readonly ok: true; readonly leaderId: string; readonly term: number } | { readonly ok: false; readonly problem: string };

/**
 * The leader, if the nodes in the highest term that know a leader all name the same one. Nodes
 * in lower terms are only behind, and a node that knows no leader yet contradicts no one.
 */
export function agreeOnLeader(claims: readonly LeaderClaim[]): LeaderAgreement {
  if (claims.length === 0) return { ok: false, problem: 'no node answered' };
  const term = Math.max(...claims.map((claim) => claim.term));
  const current = claims.filter((claim) => claim.term === term);
  const named = current.filter((claim) => claim.leaderId !== null);
  const leaders = [...new Set(named.map((claim) => claim.leaderId))];
  const [leaderId] = leaders;
  if (leaderId === undefined || leaderId === null) {
    return { ok: false, problem: `no leader in term ${term} (${current.map((claim) => `${claim.node} is ${claim.role}`).join(', ')})` };
  }
  if (leaders.length > 1) {
    return {
      ok: false,
      problem: `the nodes disagree on the leader of term ${term} (${named.map((claim) => `${claim.node} says ${claim.leaderId}`).join(', ')})`,
    };
  }
  return { ok: true, leaderId, term };
}
