import type { NodeId } from '../core/ids.ts';
import { PhiAccrualDetector, type PhiAccrualSettings } from './phi-accrual-detector.ts';

export type PeerState = 'alive' | 'suspect' | 'dead';

export interface PeerHealthSettings extends PhiAccrualSettings {
  /** Phi at or above this makes a peer suspect (8, as in Cassandra and Akka). */
  readonly suspectPhi: number;
  /** Silence at least this long makes a peer dead. */
  readonly deadAfterMs: number;
}

export interface PeerStateChange {
  readonly peer: NodeId;
  readonly from: PeerState;
  readonly to: PeerState;
  readonly atMs: number;
  readonly phi: number;
  /** Set when the peer came back with a higher incarnation: it restarted rather than slowed down. */
  readonly restarted: boolean;
}

export interface PeerHealth {
  readonly id: NodeId;
  readonly state: PeerState;
  readonly phi: number;
  readonly lastSeenAgoMs: number;
  readonly incarnation: number | null;
  /** When the peer entered its current state. */
  readonly stateSinceMs: number;
}

interface Tracked {
  detector: PhiAccrualDetector;
  state: PeerState;
  stateSinceMs: number;
  incarnation: number | null;
}

/**
 * One node's view of the peers it hears from: a phi-accrual detector each, and the state that
 * follows from it. It only informs operators and metrics; elections never consult it.
 */
export class PeerHealthTracker {
  private readonly peers = new Map<NodeId, Tracked>();

  constructor(private readonly settings: PeerHealthSettings) {}

  /**
   * Records that `peer` was heard from. A suspect or dead peer that speaks is alive at once; one
   * with a higher incarnation restarted, so its old arrival history no longer describes it.
   */
  arrival(peer: NodeId, nowMs: number, incarnation: number | null): PeerStateChange[] {
    let tracked = this.peers.get(peer);
    const restarted = tracked !== undefined && incarnation !== null && tracked.incarnation !== null && incarnation > tracked.incarnation;
    if (!tracked || restarted) {
      const detector = new PhiAccrualDetector(this.settings);
      if (!tracked) {
        tracked = { detector, state: 'alive', stateSinceMs: nowMs, incarnation };
        this.peers.set(peer, tracked);
      } else {
        tracked.detector = detector;
      }
    }
    if (incarnation !== null) tracked.incarnation = incarnation;
    tracked.detector.heartbeat(nowMs);
    return tracked.state === 'alive' && !restarted ? [] : [this.transition(peer, tracked, 'alive', nowMs, 0, restarted)];
  }

  /** Moves peers to suspect or dead as their silence grows; call it regularly. */
  evaluate(nowMs: number): PeerStateChange[] {
    const changes: PeerStateChange[] = [];
    for (const [peer, tracked] of this.peers) {
      const phi = tracked.detector.phi(nowMs);
      const silence = nowMs - (tracked.detector.lastArrival ?? nowMs);
      const state: PeerState = silence >= this.settings.deadAfterMs ? 'dead' : phi >= this.settings.suspectPhi ? 'suspect' : tracked.state === 'alive' ? 'alive' : tracked.state;
      if (state !== tracked.state) changes.push(this.transition(peer, tracked, state, nowMs, phi, false));
    }
    return changes;
  }

  view(nowMs: number): PeerHealth[] {
    return [...this.peers].map(([id, tracked]) => ({
      id,
      state: tracked.state,
      phi: tracked.detector.phi(nowMs),
      lastSeenAgoMs: nowMs - (tracked.detector.lastArrival ?? nowMs),
      incarnation: tracked.incarnation,
      stateSinceMs: tracked.stateSinceMs,
    }));
  }

  private transition(peer: NodeId, tracked: Tracked, to: PeerState, atMs: number, phi: number, restarted: boolean): PeerStateChange {
    const change = { peer, from: tracked.state, to, atMs, phi, restarted };
    tracked.state = to;
    tracked.stateSinceMs = atMs;
    return change;
  }
}
