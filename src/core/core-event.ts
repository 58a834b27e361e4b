import type { NodeId } from './ids.ts';
import type { Role } from './role.ts';

export type StepDownReason = 'higher-term' | 'check-quorum' | 'transfer' | 'step-down';
export type ElectionLostReason = 'rejected' | 'timed-out' | 'higher-term' | 'other-leader';
export type LeaseLostReason = 'expired' | 'stepped-down';

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
  /** A timer fired this late: the process was paused or starved. */
  | { readonly type: 'stall-detected'; readonly term: number; readonly lateByMs: number };
