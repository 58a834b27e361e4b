import { assertNever } from './assert-never.ts';
import type { NodeId } from './ids.ts';
import type { Role } from './role.ts';

export type StepDownReason = 'higher-term' | 'check-quorum' | 'transfer' | 'step-down';
export type ElectionLostReason = 'rejected' | 'timed-out' | 'higher-term' | 'other-leader';
export type LeaseLostReason = 'expired' | 'stepped-down';

/**
 * Something a correct cluster never does, refused instead of obeyed: a peer is faulty, hostile,
 * or misconfigured. Operators should look at every one.
 */
export type SafetyAlarm =
  /** A heartbeat from `from` in a term that `leaderId` (perhaps this node) already leads. */
  | { readonly kind: 'second-leader'; readonly from: NodeId; readonly leaderId: NodeId }
  /** A TimeoutNow from a node not known to lead its term; only the leader may hand over. */
  | { readonly kind: 'timeout-now-refused'; readonly from: NodeId; readonly leaderId: NodeId | null }
  /** A term more than `maxTermLead` above ours that too few peers vouch for. */
  | { readonly kind: 'term-jump-refused'; readonly from: NodeId; readonly claimedTerm: number }
  /** This node's term has reached `maxTerm`: it cannot campaign again. */
  | { readonly kind: 'term-exhausted' };

export function describeSafetyAlarm(alarm: SafetyAlarm): string {
  switch (alarm.kind) {
    case 'second-leader':
      return `${alarm.from} sent a heartbeat as leader of a term that ${alarm.leaderId} leads; refused`;
    case 'timeout-now-refused':
      return `${alarm.from} asked for a leadership transfer but ${alarm.leaderId ?? 'no known node'} leads the term; refused`;
    case 'term-jump-refused':
      return `${alarm.from} claims term ${alarm.claimedTerm}, too far above ours for one peer's word; refused`;
    case 'term-exhausted':
      return 'this node has reached the highest term and cannot campaign';
    default:
      return assertNever(alarm);
  }
}

/** What happened inside the core during one step; the driver logs them and streams them to watchers. */
export type CoreEvent =
  | { readonly type: 'role-changed'; readonly term: number; readonly from: Role; readonly to: Role }
  | { readonly type: 'term-changed'; readonly from: number; readonly to: number }
  | { readonly type: 'leader-changed'; readonly term: number; readonly leaderId: NodeId | null }
  | { readonly type: 'election-started'; readonly term: number; readonly preVote: boolean; readonly transfer: boolean }
  | { readonly type: 'election-won'; readonly term: number }
  | { readonly type: 'election-lost'; readonly term: number; readonly preVote: boolean; readonly reason: ElectionLostReason }
  | { readonly type: 'stepped-down'; readonly term: number; readonly reason: StepDownReason }
  | { readonly type: 'vote-granted'; readonly term: number; readonly candidate: NodeId; readonly preVote: boolean }
  | { readonly type: 'lease-acquired'; readonly term: number; readonly untilMs: number }
  | { readonly type: 'lease-lost'; readonly term: number; readonly reason: LeaseLostReason }
  | { readonly type: 'safety-alarm'; readonly term: number; readonly alarm: SafetyAlarm }
  /** A timer fired this late: the process was paused or starved. */
  | { readonly type: 'stall-detected'; readonly term: number; readonly lateByMs: number };
