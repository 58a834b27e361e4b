import type { NodeId } from './ids.ts';

/**
 * Peer-to-peer messages, as the core sees them: already validated, plain numbers.
 * Every message carries the sender's term (for a pre-vote request, the term it would campaign in).
 */
export type PeerMessage =
  | Heartbeat
  | HeartbeatAck
  | VoteRequest
  | VoteResponse
  | TimeoutNow;

/** Sent by the leader to every peer once per heartbeat round. */
export interface Heartbeat {
  readonly kind: 'heartbeat';
  readonly term: number;
  /** Increases by one per round from 1; acks name it so the leader knows when the round started. */
  readonly round: number;
}

/** Names no round: the answer to a heartbeat from an older term, which acknowledges nothing. */
export const noRound = 0;

/** A follower's answer to a heartbeat. A term above the leader's tells it to step down. */
export interface HeartbeatAck {
  readonly kind: 'heartbeat-ack';
  readonly term: number;
  /** The acknowledged round, or `noRound` when refusing a heartbeat from an older term. */
  readonly round: number;
}

export interface VoteRequest {
  readonly kind: 'vote-request';
  readonly term: number;
  /** A pre-vote asks "would you vote for me in `term`?" without anyone changing state. */
  readonly preVote: boolean;
  /** Set by a leadership transfer: voters may ignore their loyalty to the current leader. */
  readonly transfer: boolean;
}

export interface VoteResponse {
  readonly kind: 'vote-response';
  readonly term: number;
  readonly preVote: boolean;
  readonly granted: boolean;
}

/** The leader tells a chosen follower to campaign at once (leadership transfer). */
export interface TimeoutNow {
  readonly kind: 'timeout-now';
  readonly term: number;
}

export interface OutboundMessage {
  readonly to: NodeId;
  readonly message: PeerMessage;
}
