import type { NodeId } from './ids.ts';

/**
 * Peer-to-peer messages, as the core sees them: already validated, plain numbers.
 * Every message carries the sender's term (for a pre-vote request, the term it would campaign in).
 */
export type PeerMessage = Heartbeat | HeartbeatAck | VoteRequest | VoteResponse | TimeoutNow;

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

/**
 * Leadership transfer: the leader of `term` hands over to `target`. Sent to every follower: the
 * target campaigns at once; the others may then vote for it in the next term although they were
 * loyal to the leader a moment ago. Obeyed only from the node known to lead `term`.
 */
export interface TimeoutNow {
  readonly kind: 'timeout-now';
  readonly term: number;
  readonly target: NodeId;
}

/**
 * The highest term any node enters or accepts. Terms are plain numbers, exact up to 2^53 - 1, and
 * this leaves that much again as headroom: every term accepted can still be incremented, stored
 * and sent exactly. A cluster holding one election per millisecond would need 142,000 years to
 * reach it; a node at this term refuses to campaign rather than overflow.
 */
export const maxTerm = 2 ** 52;

/**
 * How far above its own term a node follows a single peer. Beyond it, one peer's word is not
 * enough (it may be faulty or hostile, and adopting a term near `maxTerm` would wedge the
 * cluster): the node adopts such a term only when more peers than the cluster can lose claim it.
 * Honest nodes differ by one term per election they missed; 2^24 is far beyond any real lag.
 */
export const maxTermLead = 2 ** 24;

export interface OutboundMessage {
  readonly to: NodeId;
  readonly message: PeerMessage;
}
