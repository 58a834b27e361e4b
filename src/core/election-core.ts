import { assertNever } from './assert-never.ts';
import type { CoreEvent, ElectionLostReason, SafetyAlarm, StepDownReason } from './core-event.ts';
import { leaseDurationMs, type ElectionConfig } from './election-config.ts';
import type { HardState } from './hard-state.ts';
import type { NodeId } from './ids.ts';
import {
  maxTerm,
  maxTermLead,
  noRound,
  type Heartbeat,
  type HeartbeatAck,
  type OutboundMessage,
  type PeerMessage,
  type TimeoutNow,
  type VoteRequest,
  type VoteResponse,
} from './messages.ts';
import type { RandomSource } from './random-source.ts';
import type { Role } from './role.ts';

/**
 * The outcome of one step. The driver must persist `hardState` (when not null, synced) before it
 * sends any of `messages`: votes and term changes in them depend on it.
 */
export interface Ready {
  readonly hardState: HardState | null;
  readonly messages: readonly OutboundMessage[];
  readonly events: readonly CoreEvent[];
}

export type TransferRefusal =
  | { readonly ok: false; readonly reason: 'not-leader'; readonly leaderId: NodeId | null }
  | { readonly ok: false; readonly reason: 'unknown-target' | 'target-is-self' | 'target-not-responsive' | 'no-responsive-follower' };

export type TransferOutcome = { readonly ok: true; readonly target: NodeId } | TransferRefusal;

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

interface Campaign {
  readonly preVote: boolean;
  /** A campaign started by the leader's TimeoutNow; its voters stay loyal to it (see onVoteRequest). */
  readonly transfer: boolean;
  readonly startedAt: number;
  readonly granted: Set<NodeId>;
  readonly rejected: Set<NodeId>;
  /** When a pre-vote won but the real election waits for a rival (see `yieldToRivalUntil`). */
  preVoteWonAt: number | null;
}

interface LeaderState {
  round: number;
  /** Start time of every round that may still become the newest round acknowledged by a majority. */
  readonly roundStarts: Map<number, number>;
  readonly ackedRound: Map<NodeId, number>;
  readonly lastAckAt: Map<NodeId, number>;
  nextHeartbeatAt: number;
  /** Start of the newest round a majority acknowledged (the leader's election, before any). */
  quorumRoundStartedAt: number;
  quorumRound: number;
  leaseUntil: number;
  leaseAnnounced: boolean;
}

/**
 * Leader election, heartbeats and the leader lease as a deterministic state machine.
 *
 * Inputs are the local monotonic time plus a tick, an inbound message or a command; outputs are
 * a `Ready`. It reads no clock and draws no randomness of its own, so a seeded simulation replays
 * exactly. Safety rests on three rules, all enforced here:
 * - one vote per term, persisted before it is sent;
 * - stickiness: no vote or pre-vote for another node within the minimum election timeout of
 *   hearing from a live leader, or of starting up (a restarted node cannot know what it acked);
 * - the lease: a leader holds it until a majority-acknowledged round's start plus the minimum
 *   election timeout shortened by the drift bound, and drops it the moment it stops leading.
 */
export class ElectionCore {
  private readonly config: ElectionConfig;
  private readonly random: RandomSource;
  private readonly majority: number;
  private readonly leaseMs: number;

  private term: number;
  private votedFor: NodeId | null;
  private role: Role = 'follower';
  private leaderId: NodeId | null = null;
  /**
   * The node known to have won the current term (this node included), kept while campaigning
   * in the same term. Only one node can win a term, so a heartbeat of this term from anyone
   * else is a lie, and only this node may hand leadership over.
   */
  private termLeader: NodeId | null = null;
  /** The current term's leader has handed over to `target`, which may ask for transfer votes in the next term. */
  private handover: { readonly term: number; readonly target: NodeId } | null = null;
  /** Terms far above ours that peers have claimed (see `maxTermLead`), by peer. */
  private readonly termClaims = new Map<NodeId, number>();
  /** How many peers must vouch for a far-off term: more than the cluster can lose, so one is honest. */
  private readonly termVouchers: number;
  private leaderHeardAt: number | null = null;
  /** Votes and pre-votes for other nodes are refused before this time (unless for a transfer). */
  private loyalUntil: number;
  private readonly startupWaitUntil: number;
  private electionDeadline: number;
  private campaign: Campaign | null = null;
  /** After a detected stall, no campaign and no check-quorum step-down before this time. */
  private stallGraceUntil = -Infinity;
  /** Having granted a rival's pre-vote, this node starts no real election of its own before this time. */
  private yieldToRivalUntil = -Infinity;
  private leader: LeaderState | null = null;

  private pendingHardState = false;
  private messages: OutboundMessage[] = [];
  private events: CoreEvent[] = [];

  constructor(config: ElectionConfig, persisted: HardState, now: number, random: RandomSource) {
    this.config = config;
    this.random = random;
    this.majority = Math.floor((config.peers.length + 1) / 2) + 1;
    this.termVouchers = config.peers.length + 1 - this.majority + 1;
    this.leaseMs = leaseDurationMs(config);
    this.term = persisted.term;
    this.votedFor = persisted.votedFor;
    this.startupWaitUntil = now + config.electionTimeoutMinMs;
    this.loyalUntil = this.startupWaitUntil;
    this.electionDeadline = now + this.randomElectionTimeout();
  }

  // ---- inputs ------------------------------------------------------------------------------

  /** Advances timers. Call it no later than `nextWakeAt()`; calling it early is harmless. */
  tick(now: number): Ready {
    const lateByMs = now - this.nextWakeAt();
    // Once per stall: the driver may have reported this one already (see `stalled`).
    if (lateByMs > this.config.heartbeatIntervalMs && now >= this.stallGraceUntil) this.enterStallGrace(now, lateByMs);
    const inStallGrace = now < this.stallGraceUntil;
    if (this.leader) {
      const leader = this.leader;
      if (this.quorumLost(now, leader) && !inStallGrace) {
        this.stepDown(now, 'check-quorum');
      } else {
        if (leader.leaseAnnounced && now >= leader.leaseUntil) {
          leader.leaseAnnounced = false;
          this.emit({ type: 'lease-lost', term: this.term, reason: 'expired' });
        }
        if (now >= leader.nextHeartbeatAt) this.startHeartbeatRound(now, leader);
      }
    } else if (now >= this.electionDeadline && !inStallGrace) {
      const campaign = this.campaign;
      if (now < this.yieldToRivalUntil) {
        this.electionDeadline = this.yieldToRivalUntil;
      } else if (campaign?.preVoteWonAt != null) {
        this.startElection(now, false, campaign.preVoteWonAt - campaign.startedAt);
      } else {
        if (campaign) this.emit({ type: 'election-lost', term: this.term, preVote: campaign.preVote, reason: 'timed-out' });
        this.startPreVote(now);
      }
    }
    return this.flush();
  }

  /**
   * Reports that this process was stalled for `lateByMs`, as a timer of the driver's that fires
   * every heartbeat interval saw. The core's own timer cannot always tell: a follower frozen from
   * just after a heartbeat until just past its election deadline wakes barely late, with the
   * leader's heartbeats from the freeze still unread.
   */
  stalled(now: number, lateByMs: number): Ready {
    if (now >= this.stallGraceUntil) this.enterStallGrace(now, lateByMs);
    return this.flush();
  }

  receive(now: number, from: NodeId, message: PeerMessage): Ready {
    if (from === this.config.self || !this.config.peers.includes(from)) return this.flush();
    if (message.term > Math.min(maxTerm, this.term + maxTermLead) && !this.acceptTermJump(now, from, message.term)) return this.flush();
    switch (message.kind) {
      case 'heartbeat':
        this.onHeartbeat(now, from, message);
        break;
      case 'heartbeat-ack':
        this.onHeartbeatAck(now, from, message);
        break;
      case 'vote-request':
        this.onVoteRequest(now, from, message);
        break;
      case 'vote-response':
        this.onVoteResponse(now, from, message);
        break;
      case 'timeout-now':
        this.onTimeoutNow(now, from, message);
        break;
      default:
        assertNever(message);
    }
    return this.flush();
  }

  /**
   * Hands leadership to `target`, or to the most responsive follower when null. The leader drops
   * its lease and stops leading at once; the target campaigns without waiting for a timeout, and
   * the other followers learn that they may vote for it although they were loyal a moment ago.
   */
  transferLeadership(now: number, target: NodeId | null): { readonly outcome: TransferOutcome; readonly ready: Ready } {
    const outcome = this.chooseTransferTarget(now, target);
    if (outcome.ok) {
      for (const peer of this.config.peers) this.send(peer, { kind: 'timeout-now', term: this.term, target: outcome.target });
      this.stepDown(now, 'transfer');
    }
    return { outcome, ready: this.flush() };
  }

  /**
   * Gives up leadership: to the most responsive follower when there is one (so the cluster is
   * not left leaderless for an election timeout), otherwise simply by stepping down.
   */
  abdicate(now: number): { readonly outcome: TransferOutcome | { readonly ok: true; readonly target: null }; readonly ready: Ready } {
    if (!this.leader) {
      return { outcome: { ok: false, reason: 'not-leader', leaderId: this.leaderId }, ready: this.flush() };
    }
    const transfer = this.transferLeadership(now, null);
    if (transfer.outcome.ok) return transfer;
    this.stepDown(now, 'step-down');
    return { outcome: { ok: true, target: null }, ready: this.flush() };
  }

  // ---- queries -----------------------------------------------------------------------------

  get currentRole(): Role {
    return this.role;
  }

  get currentLeaderId(): NodeId | null {
    return this.leaderId;
  }

  /** The latest local time by which `tick` must be called. */
  nextWakeAt(): number {
    const leader = this.leader;
    if (!leader) return Math.max(this.electionDeadline, this.stallGraceUntil);
    let wake = leader.nextHeartbeatAt;
    if (this.config.peers.length > 0) wake = Math.min(wake, Math.max(this.quorumDeadline(leader), this.stallGraceUntil));
    if (leader.leaseAnnounced) wake = Math.min(wake, leader.leaseUntil);
    return wake;
  }

  /** Remaining lease in milliseconds at `now`; 0 when this node does not hold the lease. */
  leaseRemainingMs(now: number): number {
    const leader = this.leader;
    if (!leader || now >= leader.leaseUntil) return 0;
    return leader.leaseUntil - now;
  }

  status(now: number): CoreStatus {
    const leader = this.leader;
    const lease = this.leaseRemainingMs(now);
    return {
      role: this.role,
      term: this.term,
      votedFor: this.votedFor,
      leaderId: this.leaderId,
      leaderHeardAgoMs: this.leaderHeardAt === null || leader ? null : now - this.leaderHeardAt,
      holdsLease: lease > 0,
      leaseRemainingMs: lease,
      inStartupWait: now < this.startupWaitUntil,
      peers: leader
        ? this.config.peers.map((id) => {
            const at = leader.lastAckAt.get(id);
            return { id, lastAckAgoMs: at === undefined ? null : now - at };
          })
        : [],
    };
  }

  hardState(): HardState {
    return { term: this.term, votedFor: this.votedFor };
  }

  // ---- message handlers --------------------------------------------------------------------

  private onHeartbeat(now: number, from: NodeId, message: Heartbeat): void {
    if (message.term < this.term) {
      // Our higher term tells a stale leader to step down. The reply names no round: by the time
      // it arrives, the same node may lead our term, and must not take it for an ack of its own
      // round with that number, which we never received (it would extend its lease on nothing).
      this.send(from, { kind: 'heartbeat-ack', term: this.term, round: noRound });
      return;
    }
    if (message.term > this.term) this.adoptTerm(now, message.term);
    if (this.termLeader !== null && this.termLeader !== from) {
      this.alarm({ kind: 'second-leader', from, leaderId: this.termLeader });
      return;
    }
    if (this.role !== 'follower') {
      if (this.campaign) this.emit({ type: 'election-lost', term: this.term, preVote: this.campaign.preVote, reason: 'other-leader' });
      this.becomeFollower();
    }
    this.setLeader(from);
    this.termLeader = from;
    this.leaderHeardAt = now;
    this.loyalUntil = Math.max(this.loyalUntil, now + this.config.electionTimeoutMinMs);
    this.electionDeadline = now + this.randomElectionTimeout();
    this.send(from, { kind: 'heartbeat-ack', term: this.term, round: message.round });
  }

  private onHeartbeatAck(now: number, from: NodeId, message: HeartbeatAck): void {
    if (message.term > this.term) {
      this.adoptTerm(now, message.term);
      return;
    }
    const leader = this.leader;
    if (!leader || message.term < this.term || message.round === noRound || message.round > leader.round) return;
    leader.lastAckAt.set(from, now);
    if (message.round > (leader.ackedRound.get(from) ?? 0)) {
      leader.ackedRound.set(from, message.round);
      this.updateQuorumRound(now, leader);
    }
  }

  private onVoteRequest(now: number, from: NodeId, message: VoteRequest): void {
    const refuse = (): void => this.send(from, { kind: 'vote-response', term: this.term, preVote: message.preVote, granted: false });
    if (message.term < this.term) return refuse();
    // Loyalty to a live leader (or the startup wait) comes before anything else: a candidate
    // that cannot win must not even raise our term, or it would unseat a healthy leader.
    const loyal = this.leader !== null || now < this.loyalUntil;
    if (loyal && !this.isHandedOverTo(from, message)) return refuse();

    if (message.preVote) {
      // A pre-vote changes nothing here; it only reports whether a real vote would be granted.
      if (message.term > this.term) {
        // Two nodes whose timers fire within a round trip of each other both pass pre-vote and
        // split the real vote, costing a retry. So a node that grants a rival's pre-vote lets the
        // rival ask for the real vote first: always when it was idle (the rival is ahead; it does
        // not even start its own campaign meanwhile), and by node id when both are campaigning.
        // Only a campaigner with a lower id than its rival goes on, so nobody waits in a circle.
        if (this.campaign === null || from < this.config.self) {
          this.yieldToRivalUntil = now + this.config.heartbeatIntervalMs;
        }
        this.emit({ type: 'vote-granted', term: message.term, candidate: from, preVote: true });
        this.send(from, { kind: 'vote-response', term: message.term, preVote: true, granted: true });
      } else {
        refuse();
      }
      return;
    }
    if (message.term > this.term) this.adoptTerm(now, message.term);
    if (this.votedFor !== null && this.votedFor !== from) return refuse();
    if (this.votedFor === null) {
      this.votedFor = from;
      this.pendingHardState = true;
    }
    this.electionDeadline = now + this.randomElectionTimeout();
    // A vote in a leadership transfer binds like a heartbeat: no vote or pre-vote for anyone else
    // for a minimum election timeout (other transfers excepted, which only a leader that has
    // dropped its lease starts). So the transfer target may count its lease from the moment it
    // asked, and hold it the moment it wins, without waiting for a first heartbeat round.
    if (message.transfer) this.loyalUntil = Math.max(this.loyalUntil, now + this.config.electionTimeoutMinMs);
    this.emit({ type: 'vote-granted', term: this.term, candidate: from, preVote: false });
    this.send(from, { kind: 'vote-response', term: this.term, preVote: false, granted: true });
  }

  private onVoteResponse(now: number, from: NodeId, message: VoteResponse): void {
    // A granted pre-vote carries the proposed term, which nobody has entered: not a term to adopt.
    if (message.term > this.term && !(message.preVote && message.granted)) {
      this.adoptTerm(now, message.term);
      return;
    }
    const campaign = this.campaign;
    if (!campaign || campaign.preVote !== message.preVote) return;
    const current = campaign.preVote
      ? message.term === this.term + 1 || (!message.granted && message.term <= this.term)
      : message.term === this.term;
    if (!current) return;
    (message.granted ? campaign.granted : campaign.rejected).add(from);
    if (campaign.preVoteWonAt !== null) return;
    if (campaign.granted.size >= this.majority) {
      if (campaign.preVote) {
        campaign.preVoteWonAt = now;
        this.startElectionUnlessYielding(now, now - campaign.startedAt);
      } else {
        this.becomeLeader(now, campaign.transfer ? campaign.startedAt : null);
      }
    } else if (campaign.rejected.size >= this.majority) {
      this.emit({ type: 'election-lost', term: this.term, preVote: campaign.preVote, reason: 'rejected' });
      this.becomeFollower();
    }
  }

  /**
   * Obeyed only from the node known to lead the current term. A later term is not one we know a
   * leader of (a lagging follower's notice), an earlier one is stale: both are ignored.
   */
  private onTimeoutNow(now: number, from: NodeId, message: TimeoutNow): void {
    if (message.term !== this.term) return;
    if (from !== this.termLeader || this.leader) {
      this.alarm({ kind: 'timeout-now-refused', from, leaderId: this.termLeader });
      return;
    }
    if (message.target === this.config.self) this.startElection(now, true, null);
    else if (this.config.peers.includes(message.target)) this.handover = { term: message.term, target: message.target };
  }

  /** A transfer vote may override loyalty only for the target the term's leader handed over to. */
  private isHandedOverTo(candidate: NodeId, request: VoteRequest): boolean {
    const handover = this.handover;
    return request.transfer && !request.preVote && handover !== null && handover.target === candidate && request.term === handover.term + 1;
  }

  /**
   * A term more than `maxTermLead` above ours is adopted only once `termVouchers` peers claim at
   * least that much; until then the message is refused. Returns whether the message may now be
   * handled.
   */
  private acceptTermJump(now: number, from: NodeId, term: number): boolean {
    if (term > maxTerm) {
      this.alarm({ kind: 'term-jump-refused', from, claimedTerm: term });
      return false;
    }
    if (!this.termClaims.has(from)) this.alarm({ kind: 'term-jump-refused', from, claimedTerm: term });
    this.termClaims.set(from, Math.max(term, this.termClaims.get(from) ?? 0));
    const claims = [...this.termClaims.values()].filter((claim) => claim > this.term).sort((a, b) => b - a);
    const vouched = claims[this.termVouchers - 1];
    if (vouched === undefined) return false;
    this.termClaims.clear();
    this.adoptTerm(now, vouched);
    return term <= this.term + maxTermLead;
  }

  // ---- transitions -------------------------------------------------------------------------

  private startPreVote(now: number): void {
    if (this.termExhausted(now)) return;
    this.setRole('pre-candidate');
    this.setLeader(null);
    this.leaderHeardAt = null;
    this.electionDeadline = now + this.randomElectionTimeout();
    this.campaign = { preVote: true, transfer: false, startedAt: now, granted: new Set([this.config.self]), rejected: new Set(), preVoteWonAt: null };
    this.emit({ type: 'election-started', term: this.term + 1, preVote: true, transfer: false });
    if (this.campaign.granted.size >= this.majority) {
      this.startElection(now, false, 0);
      return;
    }
    for (const peer of this.config.peers) {
      this.send(peer, { kind: 'vote-request', term: this.term + 1, preVote: true, transfer: false });
    }
  }

  /**
   * After a won pre-vote: the real election, unless a rival's pre-vote was granted moments ago.
   * Then the election waits (as a pre-candidate) for the rival's vote request, which makes this
   * node its follower, and starts only if none comes by then (see `tick`).
   */
  private startElectionUnlessYielding(now: number, preVoteRoundTripMs: number): void {
    if (now < this.yieldToRivalUntil) {
      this.electionDeadline = this.yieldToRivalUntil;
      return;
    }
    this.startElection(now, false, preVoteRoundTripMs);
  }

  /**
   * `preVoteRoundTripMs`: how long a majority took to grant the pre-vote, or null when there was
   * no pre-vote (a transfer); the vote round is expected to take about as long.
   */
  private startElection(now: number, transfer: boolean, preVoteRoundTripMs: number | null): void {
    if (this.termExhausted(now)) {
      this.becomeFollower();
      return;
    }
    this.setTerm(this.term + 1);
    this.votedFor = this.config.self;
    this.pendingHardState = true;
    this.setRole('candidate');
    this.setLeader(null);
    this.leaderHeardAt = null;
    this.electionDeadline = now + (preVoteRoundTripMs === null ? this.randomElectionTimeout() : this.splitVoteRetryTimeout(preVoteRoundTripMs));
    this.campaign = { preVote: false, transfer, startedAt: now, granted: new Set([this.config.self]), rejected: new Set(), preVoteWonAt: null };
    this.emit({ type: 'election-started', term: this.term, preVote: false, transfer });
    if (this.campaign.granted.size >= this.majority) {
      this.becomeLeader(now, null);
      return;
    }
    for (const peer of this.config.peers) {
      this.send(peer, { kind: 'vote-request', term: this.term, preVote: false, transfer });
    }
  }

  /** `leaseFrom`: when a transfer campaign asked for the votes that bound its voters, else null. */
  private becomeLeader(now: number, leaseFrom: number | null): void {
    this.campaign = null;
    this.setRole('leader');
    this.setLeader(this.config.self);
    this.termLeader = this.config.self;
    this.leaderHeardAt = null;
    this.leader = {
      round: 0,
      roundStarts: new Map(),
      ackedRound: new Map(),
      lastAckAt: new Map(),
      nextHeartbeatAt: now,
      quorumRoundStartedAt: now,
      quorumRound: 0,
      leaseUntil: -Infinity,
      leaseAnnounced: false,
    };
    this.emit({ type: 'election-won', term: this.term });
    if (leaseFrom !== null && now < leaseFrom + this.leaseMs) {
      this.leader.leaseUntil = leaseFrom + this.leaseMs;
      this.leader.leaseAnnounced = true;
      this.emit({ type: 'lease-acquired', term: this.term, untilMs: this.leader.leaseUntil });
    }
    this.startHeartbeatRound(now, this.leader);
  }

  private startHeartbeatRound(now: number, leader: LeaderState): void {
    leader.round += 1;
    leader.roundStarts.set(leader.round, now);
    leader.nextHeartbeatAt = now + this.config.heartbeatIntervalMs;
    for (const peer of this.config.peers) {
      this.send(peer, { kind: 'heartbeat', term: this.term, round: leader.round });
    }
    this.updateQuorumRound(now, leader);
  }

  /** Finds the newest round a majority (this node included) has acknowledged and extends the lease from its start. */
  private updateQuorumRound(now: number, leader: LeaderState): void {
    const rounds = [leader.round];
    for (const peer of this.config.peers) rounds.push(leader.ackedRound.get(peer) ?? 0);
    rounds.sort((a, b) => b - a);
    const quorumRound = rounds[this.majority - 1] ?? 0;
    if (quorumRound <= leader.quorumRound) return;
    const startedAt = leader.roundStarts.get(quorumRound);
    if (startedAt === undefined) return;
    leader.quorumRound = quorumRound;
    leader.quorumRoundStartedAt = startedAt;
    for (const round of leader.roundStarts.keys()) {
      if (round < quorumRound) leader.roundStarts.delete(round);
    }
    leader.leaseUntil = startedAt + this.leaseMs;
    if (!leader.leaseAnnounced && now < leader.leaseUntil) {
      leader.leaseAnnounced = true;
      this.emit({ type: 'lease-acquired', term: this.term, untilMs: leader.leaseUntil });
    }
  }

  /** Check-quorum: a leader that no majority has acknowledged for an election timeout steps down. A lone node is its own quorum. */
  private quorumLost(now: number, leader: LeaderState): boolean {
    return this.config.peers.length > 0 && now >= this.quorumDeadline(leader);
  }

  private quorumDeadline(leader: LeaderState): number {
    return leader.quorumRoundStartedAt + this.config.electionTimeoutMinMs;
  }

  /** Only ever called on the leader. */
  private stepDown(now: number, reason: StepDownReason): void {
    this.emit({ type: 'stepped-down', term: this.term, reason });
    this.becomeFollower();
    this.setLeader(null);
    this.electionDeadline = now + this.randomElectionTimeout();
  }

  /** Adopts a higher term: forget the vote, stop leading or campaigning. */
  private adoptTerm(now: number, term: number): void {
    if (this.leader) {
      this.stepDown(now, 'higher-term');
    } else if (this.campaign) {
      this.emit({ type: 'election-lost', term: this.term, preVote: this.campaign.preVote, reason: 'higher-term' });
      this.becomeFollower();
    }
    this.setTerm(term);
    this.votedFor = null;
    this.pendingHardState = true;
    this.setLeader(null);
  }

  private becomeFollower(): void {
    if (this.leader?.leaseAnnounced) {
      this.emit({ type: 'lease-lost', term: this.term, reason: 'stepped-down' });
    }
    this.leader = null;
    this.campaign = null;
    this.setRole('follower');
  }

  private chooseTransferTarget(now: number, requested: NodeId | null): TransferOutcome {
    const leader = this.leader;
    if (!leader) return { ok: false, reason: 'not-leader', leaderId: this.leaderId };
    const responsive = (id: NodeId): boolean => {
      const at = leader.lastAckAt.get(id);
      return at !== undefined && now - at < this.config.electionTimeoutMinMs;
    };
    if (requested !== null) {
      if (requested === this.config.self) return { ok: false, reason: 'target-is-self' };
      if (!this.config.peers.includes(requested)) return { ok: false, reason: 'unknown-target' };
      return responsive(requested) ? { ok: true, target: requested } : { ok: false, reason: 'target-not-responsive' };
    }
    let best: NodeId | null = null;
    for (const peer of this.config.peers) {
      if (!responsive(peer)) continue;
      if (best === null || this.isMoreResponsive(leader, peer, best)) best = peer;
    }
    return best === null ? { ok: false, reason: 'no-responsive-follower' } : { ok: true, target: best };
  }

  /** Newer acknowledged round first, then the more recent ack. */
  private isMoreResponsive(leader: LeaderState, a: NodeId, b: NodeId): boolean {
    const roundA = leader.ackedRound.get(a) ?? 0;
    const roundB = leader.ackedRound.get(b) ?? 0;
    if (roundA !== roundB) return roundA > roundB;
    return (leader.lastAckAt.get(a) ?? -Infinity) > (leader.lastAckAt.get(b) ?? -Infinity);
  }

  // ---- small helpers -----------------------------------------------------------------------

  /**
   * This process was stalled (paused, or its machine froze): messages that arrived meanwhile are
   * still unread. Give them a moment before concluding that the leader or the quorum is gone.
   * Acting later is always safe; acting on stale news flaps. The grace is jittered: a freeze of the
   * whole machine wakes every follower at once, and equal graces would make them all campaign at
   * once and split the vote.
   */
  private enterStallGrace(now: number, lateByMs: number): void {
    this.stallGraceUntil = now + 2 * this.config.heartbeatIntervalMs + this.random.next() * this.config.electionJitterMs;
    this.emit({ type: 'stall-detected', term: this.term, lateByMs });
  }

  /** At `maxTerm` a node cannot campaign: it says so and waits, as a follower, for another election timeout. */
  private termExhausted(now: number): boolean {
    if (this.term < maxTerm) return false;
    this.alarm({ kind: 'term-exhausted' });
    this.electionDeadline = now + this.randomElectionTimeout();
    return true;
  }

  private randomElectionTimeout(): number {
    return this.config.electionTimeoutMinMs + this.random.next() * this.config.electionJitterMs;
  }

  /**
   * How long a candidate waits for votes before trying again. A candidate got past pre-vote, so a
   * majority was reachable and loyal to no leader: if its election splits, nobody leads and no
   * lease is in force, and waiting a whole election timeout again would only prolong the outage.
   * Lease safety does not rest on this timer but on voters' stickiness, which still refuses any
   * candidate within the minimum election timeout of a leader's heartbeat. The wait covers two
   * heartbeat intervals and twice the pre-vote's round trip, so the votes (and the voters'
   * synced writes) have time to come back even on a slow network; the jitter separates split
   * candidates, as in the first round. It is never longer than a normal election timeout.
   */
  private splitVoteRetryTimeout(preVoteRoundTripMs: number): number {
    const wait = Math.max(2 * this.config.heartbeatIntervalMs, 2 * preVoteRoundTripMs);
    return Math.min(wait, this.config.electionTimeoutMinMs) + this.random.next() * this.config.electionJitterMs;
  }

  private setRole(role: Role): void {
    if (role === this.role) return;
    this.emit({ type: 'role-changed', term: this.term, from: this.role, to: role });
    this.role = role;
  }

  private setTerm(term: number): void {
    this.emit({ type: 'term-changed', from: this.term, to: term });
    this.term = term;
    this.termLeader = null;
    this.handover = null;
  }

  private setLeader(leaderId: NodeId | null): void {
    if (leaderId === this.leaderId) return;
    this.leaderId = leaderId;
    this.emit({ type: 'leader-changed', term: this.term, leaderId });
  }

  private send(to: NodeId, message: PeerMessage): void {
    this.messages.push({ to, message });
  }

  private emit(event: CoreEvent): void {
    this.events.push(event);
  }

  private alarm(alarm: SafetyAlarm): void {
    this.emit({ type: 'safety-alarm', term: this.term, alarm });
  }

  private flush(): Ready {
    const ready: Ready = {
      hardState: this.pendingHardState ? this.hardState() : null,
      messages: this.messages,
      events: this.events,
    };
    this.pendingHardState = false;
    this.messages = [];
    this.events = [];
    return ready;
  }
}
