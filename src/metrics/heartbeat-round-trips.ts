import type { NodeId } from '../core/ids.ts';

/** Rounds per peer whose send time is remembered: acks older than this are too late to time. */
const roundsRemembered = 16;

interface PeerRounds {
  /** Rounds restart with each term of leadership, so a new term forgets the old rounds. */
  term: number;
  readonly sentAt: Map<number, number>;
}

/**
 * Times heartbeat round trips on the leader: when it sends round r to a peer, and when that peer's
 * ack naming round r comes back. Only the first ack of a round is timed, and memory stays bounded
 * by the number of peers.
 */
export class HeartbeatRoundTrips {
  private readonly peers = new Map<NodeId, PeerRounds>();

  sent(peer: NodeId, term: number, round: number, atMs: number): void {
    let rounds = this.peers.get(peer);
    if (rounds === undefined) {
      rounds = { term, sentAt: new Map() };
      this.peers.set(peer, rounds);
    } else if (rounds.term !== term) {
      rounds.term = term;
      rounds.sentAt.clear();
    }
    rounds.sentAt.set(round, atMs);
    if (rounds.sentAt.size > roundsRemembered) {
      const oldest = rounds.sentAt.keys().next();
      if (!oldest.done) rounds.sentAt.delete(oldest.value);
    }
  }

  /** The round trip in ms; null for an ack of a round not (or no longer) remembered, or a repeat. */
  acked(peer: NodeId, term: number, round: number, atMs: number): number | null {
    const rounds = this.peers.get(peer);
    if (rounds === undefined || rounds.term !== term) return null;
    const sentAt = rounds.sentAt.get(round);
    if (sentAt === undefined) return null;
    rounds.sentAt.delete(round);
    return atMs - sentAt;
  }
}
