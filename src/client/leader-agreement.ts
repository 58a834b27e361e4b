import { asNodeId, type NodeId } from '../core/ids.ts';
import type { NodeStatus } from './admin-responses.ts';

/** What one node says about leadership: from its Status, or as followed from its log. */
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

/** One leader in one term, as every node asked agrees. */
export interface AgreedLeader {
  readonly leader: NodeId;
  readonly term: number;
}

/**
 * The leader every node follows, itself included, in one term: the strict agreement a test or a
 * fault script waits for after a change. Null while any node is missing (null: it did not
 * answer), in another term, follows another leader or none, or while the leader is not among them.
 * Each claim's `node` is the node's id here, for the leader's claim to name itself.
 */
export function unanimousLeader(claims: readonly (LeaderClaim | null)[]): AgreedLeader | null {
  const leaders = claims.filter((claim) => claim?.role === 'leader');
  const leader = leaders[0];
  if (leaders.length !== 1 || leader === undefined || leader === null) return null;
  const agreed = claims.every((claim) => claim !== null && claim.term === leader.term && claim.leaderId === leader.node);
  return agreed ? { leader: asNodeId(leader.node), term: leader.term } : null;
}

/**
 * The node that claims to lead in the highest term any leader claims, whatever the others say:
 * what an observer watching a cluster through a change sees leading (a deposed leader that has not
 * heard yet claims an older term and is passed over). Null while no node claims to lead.
 */
export function newestLeader(claims: readonly (LeaderClaim | null)[]): AgreedLeader | null {
  let newest: LeaderClaim | null = null;
  for (const claim of claims) {
    if (claim?.role === 'leader' && (newest === null || claim.term > newest.term)) newest = claim;
  }
  return newest === null ? null : { leader: asNodeId(newest.node), term: newest.term };
}
