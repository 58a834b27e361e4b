import type { CoreEvent } from './core-event.ts';
import type { HardState } from './hard-state.ts';
import type { NodeId } from './ids.ts';
import type { OutboundMessage } from './messages.ts';
import type { Role } from './role.ts';

/**
 * The outcome of one step, of any input. The driver must persist `hardState` (when not null,
 * synced) before it sends any of `messages`: votes and term changes in them depend on it.
 * `outcome` answers a command (a transfer, a step-down); it is null for ticks and messages.
 */
export interface Ready<Outcome = null> {
  readonly hardState: HardState | null;
  readonly messages: readonly OutboundMessage[];
  readonly events: readonly CoreEvent[];
  readonly outcome: Outcome;
}

export type TransferRefusal =
  | { readonly ok: false; readonly reason: 'not-leader'; readonly leaderId: NodeId | null }
  | { readonly ok: false; readonly reason: 'unknown-target' | 'target-is-self' | 'target-not-responsive' | 'no-responsive-follower' };

export type TransferOutcome = { readonly ok: true; readonly target: NodeId } | TransferRefusal;

/** A leader gives up leadership: to `target`, or, with no follower to hand it to, by stepping down (`null`). */
export type StepDownOutcome = { readonly ok: true; readonly target: NodeId | null } | TransferRefusal;

export interface PeerProgress {
  readonly id: NodeId;
  /** Milliseconds since this peer last acknowledged a heartbeat of this leader, null if never. */
  readonly lastAckAgoMs: number | null;
}

export interface CoreStatus {
  readonly role: Role;
  readonly term: number;
  readonly votedFor: NodeId | null;
  readonly leaderId: NodeId | null;
  /** On a follower: milliseconds since the leader was last heard from, null if no leader is known. */
  readonly leaderHeardAgoMs: number | null;
  readonly holdsLease: boolean;
  readonly leaseRemainingMs: number;
  /** True while this node, having (re)started, still refuses to vote. */
  readonly inStartupWait: boolean;
  /** On the leader: one entry per peer. Empty elsewhere. */
  readonly peers: readonly PeerProgress[];
}
