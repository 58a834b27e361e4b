import type { NodeId } from '../core/ids.ts';
import { PhiAccrualDetector, type PhiAccrualSettings } from './phi-accrual-detector.ts';
import type { ElectionConfig } from '../core/election-config.ts';

/**
 * `unknown`: this node has no reason to hear from the peer now (a follower never hears from its
 * fellow followers), or has not heard from it since it began to expect to. No evidence, no verdict.
 */
export type PeerState = 'alive' | 'suspect' | 'dead' | 'unknown';

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
  /** 0 for a peer in state `unknown`: no suspicion without an expectation. */
  readonly phi: number;
  /** Null if never heard from. */
  readonly lastSeenAgoMs: number | null;
  readonly incarnation: number | null;
  /** When the peer entered its current state. */
  readonly stateSinceMs: number;
}

interface Tracked {
  detector: PhiAccrualDetector;
  state: PeerState;
  stateSinceMs: number;
  incarnation: number | null;
  /** Since when this node expects to hear from the peer regularly; null while it does not. */
  expectedSinceMs: number | null;
}

/**
 * One node's view of its peers: a phi-accrual detector each, and the state that follows from it.
 * Only a peer this node expects to hear from is judged (the leader expects every follower's acks,
 * a follower its leader's heartbeats), and its silence is counted from its last message or from
 * when the expectation began, whichever is later: a node never calls a peer suspect or dead for
 * a silence it had no reason to expect otherwise. It only informs operators and metrics;
 * elections never consult it.
 */
export class PeerHealthTracker {
  private readonly peers = new Map<NodeId, Tracked>();

  constructor(
    private readonly settings: PeerHealthSettings,
    members: readonly NodeId[] = [],
    nowMs = 0,
  ) {
    for (const peer of members) this.track(peer, nowMs, null);
  }

  /** The peers this node should now hear from regularly; every other peer becomes `unknown`. */
  expect(expected: ReadonlySet<NodeId>, nowMs: number): PeerStateChange[] {
    const changes: PeerStateChange[] = [];
    for (const peer of expected) if (!this.peers.has(peer)) this.track(peer, nowMs, null);
    for (const [peer, tracked] of this.peers) {
      if (expected.has(peer)) {
        if (tracked.expectedSinceMs !== null) continue;
        tracked.expectedSinceMs = nowMs;
        // Heard from just now (the heartbeat that made this node its follower): alive already.
        const last = tracked.detector.lastArrival;
        if (tracked.state !== 'alive' && last !== null && tracked.detector.phiAfter(nowMs - last) < this.settings.suspectPhi) {
          changes.push(this.transition(peer, tracked, 'alive', nowMs, 0, false));
        }
      } else if (tracked.expectedSinceMs !== null) {
        tracked.expectedSinceMs = null;
        if (tracked.state !== 'unknown') changes.push(this.transition(peer, tracked, 'unknown', nowMs, 0, false));
      }
    }
    return changes;
  }

  /**
   * Records that `peer` was heard from. An expected peer that speaks is alive at once; one with a
   * higher incarnation restarted, so its old arrival history no longer describes it.
   */
  arrival(peer: NodeId, nowMs: number, incarnation: number | null): PeerStateChange[] {
    const tracked = this.peers.get(peer) ?? this.track(peer, nowMs, null);
    const restarted = incarnation !== null && tracked.incarnation !== null && incarnation > tracked.incarnation;
    if (restarted) tracked.detector = new PhiAccrualDetector(this.settings);
    if (incarnation !== null) tracked.incarnation = incarnation;
    tracked.detector.heartbeat(nowMs);
    if (tracked.expectedSinceMs === null) return [];
    return tracked.state === 'alive' && !restarted ? [] : [this.transition(peer, tracked, 'alive', nowMs, 0, restarted)];
  }

  /** Moves expected peers to suspect or dead as their silence grows; call it regularly. */
  evaluate(nowMs: number): PeerStateChange[] {
    const changes: PeerStateChange[] = [];
    for (const [peer, tracked] of this.peers) {
      if (tracked.expectedSinceMs === null) continue;
      const silence = this.silence(tracked, nowMs);
      const phi = tracked.detector.phiAfter(silence);
      const state: PeerState = silence >= this.settings.deadAfterMs ? 'dead' : phi >= this.settings.suspectPhi ? 'suspect' : tracked.state;
      if (state !== tracked.state) changes.push(this.transition(peer, tracked, state, nowMs, phi, false));
    }
    return changes;
  }

  view(nowMs: number): PeerHealth[] {
    return [...this.peers].map(([id, tracked]) => {
      const last = tracked.detector.lastArrival;
      return {
        id,
        state: tracked.state,
        phi: tracked.expectedSinceMs === null ? 0 : tracked.detector.phiAfter(this.silence(tracked, nowMs)),
        lastSeenAgoMs: last === null ? null : nowMs - last,
        incarnation: tracked.incarnation,
        stateSinceMs: tracked.stateSinceMs,
      };
    });
  }

  private silence(tracked: Tracked, nowMs: number): number {
    return nowMs - Math.max(tracked.detector.lastArrival ?? -Infinity, tracked.expectedSinceMs ?? -Infinity);
  }

  private track(peer: NodeId, nowMs: number, incarnation: number | null): Tracked {
    const tracked: Tracked = { detector: new PhiAccrualDetector(this.settings), state: 'unknown', stateSinceMs: nowMs, incarnation, expectedSinceMs: null };
    this.peers.set(peer, tracked);
    return tracked;
  }

  private transition(peer: NodeId, tracked: Tracked, to: PeerState, atMs: number, phi: number, restarted: boolean): PeerStateChange {
    const change = { peer, from: tracked.state, to, atMs, phi, restarted };
    tracked.state = to;
    tracked.stateSinceMs = atMs;
    return change;
  }
}

/**
 * Failure-detector settings derived from the election timing, so they need no tuning of their
 * own: suspicion starts once a peer is late by about half an election timeout beyond its usual
 * rhythm, and a peer silent for four election timeouts is dead.
 */
export function peerHealthSettings(config: ElectionConfig): PeerHealthSettings {
  return {
    windowSize: 100,
    minStdDeviationMs: Math.max(config.heartbeatIntervalMs / 2, 5),
    acceptablePauseMs: config.electionTimeoutMinMs / 2,
    firstIntervalEstimateMs: config.heartbeatIntervalMs,
    suspectPhi: 8,
    deadAfterMs: 4 * config.electionTimeoutMinMs,
    // A gap long enough to be called dead is an outage, not rhythm.
    maxIntervalMs: 4 * config.electionTimeoutMinMs,
  };
}
