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
import type { CoreStatus, Ready, StepDownOutcome, TransferOutcome } from './ready.ts';
import type { Role } from './role.ts';

interface Votes {
  readonly startedAt: number;
  readonly granted: Set<NodeId>;
  readonly rejected: Set<NodeId>;
}

interface PreVoteCampaign extends Votes {
  /** When the pre-vote won, if the real election waits for a rival (see `Deadlines.yieldToRival`). */
  wonAt: number | null;
}

interface VoteCampaign extends Votes {
  /** Started by the leader's TimeoutNow: its voters are bound to it (see `onVoteRequest`). */
  readonly transfer: boolean;
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

/** The role, carrying the state only that role has. */
type RoleState =
  | { readonly role: 'follower'; readonly leaderId: NodeId | null; readonly heardAt: number | null }
  | { readonly role: 'pre-candidate'; readonly campaign: PreVoteCampaign }
  | { readonly role: 'candidate'; readonly campaign: VoteCampaign }
  | { readonly role: 'leader'; readonly leader: LeaderState };

/** Every time limit of a node that is not the leader's own, on the local monotonic clock. */
interface Deadlines {
  /** A follower or candidate campaigns (again) at this time. */
  election: number;
  /** Votes and pre-votes for other nodes are refused before this time (stickiness and start-up wait). */
  loyalUntil: number;
  readonly startupWaitUntil: number;
  /** After a detected stall, no campaign and no check-quorum step-down before this time. */
  stallGraceUntil: number;
  /** Having granted a rival's pre-vote, this node starts no real election of its own before this time. */
  yieldToRival: number;
}

/** The transitions `become` allows: leaders come only from candidates, candidates never from leaders. */
const allowedFrom: Readonly<Record<Role, readonly Role[]>> = {
  follower: ['follower', 'pre-candidate', 'candidate', 'leader'],
  'pre-candidate': ['follower', 'pre-candidate', 'candidate'],
  candidate: ['follower', 'pre-candidate'],
  leader: ['candidate'],
};

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
 *
 * Its shape follows etcd-io/raft: an inbound message's term is dealt with once, at the top of
 * `receive`, and only then does the role it is in handle it; `become` is the one place the role
 * changes, and refuses a transition no correct run takes.
 */
export class ElectionCore {
  private readonly config: ElectionConfig;
  private readonly random: RandomSource;
  private readonly majority: number;
  private readonly leaseMs: number;
  /** How many peers must vouch for a far-off term: more than the cluster can lose, so one is honest. */
  private readonly termVouchers: number;

  private term: number;
  private votedFor: NodeId | null;
  private state: RoleState = { role: 'follower', leaderId: null, heardAt: null };
  private readonly deadlines: Deadlines;
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
    const startupWaitUntil = now + config.electionTimeoutMinMs;
    this.deadlines = {
      election: now + this.randomElectionTimeout(),
      loyalUntil: startupWaitUntil,
      startupWaitUntil,
      stallGraceUntil: -Infinity,
      yieldToRival: -Infinity,
    };
  }

  // ---- inputs ------------------------------------------------------------------------------

  /** Advances timers. Call it no later than `nextWakeAt()`; calling it early is harmless. */
  tick(now: number): Ready {
    const lateByMs = now - this.nextWakeAt();
    // Once per stall: the driver may have reported this one already (see `stalled`).
    if (lateByMs > this.config.heartbeatIntervalMs && now >= this.deadlines.stallGraceUntil) this.enterStallGrace(now, lateByMs);
    const inStallGrace = now < this.deadlines.stallGraceUntil;
    const state = this.state;
    switch (state.role) {
      case 'leader':
        this.tickLeader(now, state.leader, inStallGrace);
        break;
      case 'follower':
      case 'pre-candidate':
      case 'candidate':
        if (now >= this.deadlines.election && !inStallGrace) this.electionTimeout(now);
        break;
      default:
        assertNever(state);
    }
    return this.flush(null);
  }

  /**
   * Reports that this process was stalled for `lateByMs`, as a timer of the driver's that fires
   * every heartbeat interval saw. The core's own timer cannot always tell: a follower frozen from
   * just after a heartbeat until just past its election deadline wakes barely late, with the
   * leader's heartbeats from the freeze still unread.
   */
  stalled(now: number, lateByMs: number): Ready {
    if (now >= this.deadlines.stallGraceUntil) this.enterStallGrace(now, lateByMs);
    return this.flush(null);
  }

  receive(now: number, from: NodeId, message: PeerMessage): Ready {
    if (from === this.config.self || !this.config.peers.includes(from)) return this.flush(null);
    if (message.term > Math.min(maxTerm, this.term + maxTermLead) && !this.acceptTermJump(now, from, message.term)) return this.flush(null);
    if (this.handleTerm(now, from, message)) this.step(now, from, message);
    return this.flush(null);
  }

  /**
   * Hands leadership to `target`, or to the most responsive follower when null. The leader drops
   * its lease and stops leading at once; the target campaigns without waiting for a timeout, and
   * the other followers learn that they may vote for it although they were loyal a moment ago.
   */
  transferLeadership(now: number, target: NodeId | null): Ready<TransferOutcome> {
    return this.flush(this.transfer(now, target));
  }

  /**
   * Gives up leadership: to the most responsive follower when there is one (so the cluster is
   * not left leaderless for an election timeout), otherwise simply by stepping down.
   */
  abdicate(now: number): Ready<StepDownOutcome> {
    const state = this.state;
    if (state.role !== 'leader') return this.flush({ ok: false, reason: 'not-leader', leaderId: this.leaderId() });
    const transferred = this.transfer(now, null);
    if (transferred.ok) return this.flush(transferred);
    this.stepDown(now, 'step-down');
    return this.flush({ ok: true, target: null });
  }

  // ---- queries -----------------------------------------------------------------------------

  get currentRole(): Role {
    return this.state.role;
  }

  get currentLeaderId(): NodeId | null {
    return this.leaderId();
  }

  /** The latest local time by which `tick` must be called. */
  nextWakeAt(): number {
    const state = this.state;
    if (state.role !== 'leader') return Math.max(this.deadlines.election, this.deadlines.stallGraceUntil);
    const leader = state.leader;
    let wake = leader.nextHeartbeatAt;
    if (this.config.peers.length > 0) wake = Math.min(wake, Math.max(this.quorumDeadline(leader), this.deadlines.stallGraceUntil));
    if (leader.leaseAnnounced) wake = Math.min(wake, leader.leaseUntil);
    return wake;
  }

  /** Remaining lease in milliseconds at `now`; 0 when this node does not hold the lease. */
  leaseRemainingMs(now: number): number {
    const state = this.state;
    if (state.role !== 'leader' || now >= state.leader.leaseUntil) return 0;
    return state.leader.leaseUntil - now;
  }

  status(now: number): CoreStatus {
    const state = this.state;
    const lease = this.leaseRemainingMs(now);
    return {
      role: state.role,
      term: this.term,
      votedFor: this.votedFor,
      leaderId: this.leaderId(),
      leaderHeardAgoMs: state.role === 'follower' && state.heardAt !== null ? now - state.heardAt : null,
      holdsLease: lease > 0,
      leaseRemainingMs: lease,
      inStartupWait: now < this.deadlines.startupWaitUntil,
      peers:
        state.role === 'leader'
          ? this.config.peers.map((id) => {
              const at = state.leader.lastAckAt.get(id);
              return { id, lastAckAgoMs: at === undefined ? null : now - at };
            })
          : [],
    };
  }

  hardState(): HardState {
    return { term: this.term, votedFor: this.votedFor };
  }

  // ---- the term of an inbound message, handled once ------------------------------------------

  /**
   * Deals with a message's term before any role sees it, and says whether the role's step should
   * handle it. A higher term is adopted (a real leader or candidate is ahead of us), except from
   * a vote request refused by loyalty (a candidate that cannot win must not even raise our term,
   * or it would unseat a healthy leader), a pre-vote (which changes nothing), a granted pre-vote
   * (which carries the term its candidate proposes) and a TimeoutNow (from a term we know no
   * leader of). A lower term is stale news: a stale leader learns ours, a stale candidate is
   * refused, and anything else is dropped.
   */
  private handleTerm(now: number, from: NodeId, message: PeerMessage): boolean {
    if (message.kind === 'vote-request' && message.term >= this.term && this.isLoyal(now) && !this.isHandedOverTo(from, message)) {
      this.refuseVote(from, message);
      return false;
    }
    if (message.term > this.term) {
      switch (message.kind) {
        case 'heartbeat':
          this.adoptTerm(now, message.term);
          return true;
        case 'vote-request':
          if (!message.preVote) this.adoptTerm(now, message.term);
          return true;
        case 'vote-response':
          if (message.preVote && message.granted) return true;
          this.adoptTerm(now, message.term);
          return false;
        case 'heartbeat-ack':
          this.adoptTerm(now, message.term);
          return false;
        case 'timeout-now':
          return false;
        default:
          return assertNever(message);
      }
    }
    if (message.term < this.term) {
      switch (message.kind) {
        case 'heartbeat':
          // Our higher term tells a stale leader to step down. The reply names no round: by the time
          // it arrives, the same node may lead our term, and must not take it for an ack of its own
          // round with that number, which we never received (it would extend its lease on nothing).
          this.send(from, { kind: 'heartbeat-ack', term: this.term, round: noRound });
          return false;
        case 'vote-request':
          this.refuseVote(from, message);
          return false;
        case 'vote-response':
          // A voter that refuses our pre-vote may name an older term: it still refuses.
          return message.preVote && !message.granted;
        case 'heartbeat-ack':
        case 'timeout-now':
          return false;
        default:
          return assertNever(message);
      }
    }
    return true;
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

  // ---- each role's step --------------------------------------------------------------------

  /** A message of the current term (or one `handleTerm` let through), as the current role sees it. */
  private step(now: number, from: NodeId, message: PeerMessage): void {
    const state = this.state;
    switch (state.role) {
      case 'leader':
        return this.stepLeader(now, from, message, state.leader);
      case 'pre-candidate':
      case 'candidate':
        return this.stepCampaigner(now, from, message);
      case 'follower':
        return this.stepFollower(now, from, message);
      default:
        return assertNever(state);
    }
  }

  private stepLeader(now: number, from: NodeId, message: PeerMessage, leader: LeaderState): void {
    switch (message.kind) {
      case 'heartbeat':
        return this.alarm({ kind: 'second-leader', from, leaderId: this.config.self });
      case 'heartbeat-ack':
        return this.onHeartbeatAck(now, from, message, leader);
      case 'vote-request':
        return this.onVoteRequest(now, from, message);
      case 'vote-response':
        return;
      case 'timeout-now':
        return this.alarm({ kind: 'timeout-now-refused', from, leaderId: this.termLeader });
      default:
        return assertNever(message);
    }
  }

  private stepCampaigner(now: number, from: NodeId, message: PeerMessage): void {
    switch (message.kind) {
      case 'heartbeat':
        return this.onHeartbeat(now, from, message);
      case 'vote-response':
        return this.onVoteResponse(now, from, message);
      case 'vote-request':
        return this.onVoteRequest(now, from, message);
      case 'timeout-now':
        return this.onTimeoutNow(now, from, message);
      case 'heartbeat-ack':
        return;
      default:
        return assertNever(message);
    }
  }

  private stepFollower(now: number, from: NodeId, message: PeerMessage): void {
    switch (message.kind) {
      case 'heartbeat':
        return this.onHeartbeat(now, from, message);
      case 'vote-request':
        return this.onVoteRequest(now, from, message);
      case 'timeout-now':
        return this.onTimeoutNow(now, from, message);
      case 'heartbeat-ack':
      case 'vote-response':
        return;
      default:
        return assertNever(message);
    }
  }

  private tickLeader(now: number, leader: LeaderState, inStallGrace: boolean): void {
    if (this.quorumLost(now, leader) && !inStallGrace) {
      this.stepDown(now, 'check-quorum');
      return;
    }
    if (leader.leaseAnnounced && now >= leader.leaseUntil) {
      leader.leaseAnnounced = false;
      this.emit({ type: 'lease-lost', term: this.term, reason: 'expired' });
    }
    if (now >= leader.nextHeartbeatAt) this.startHeartbeatRound(now, leader);
  }

  /** A follower's or candidate's election deadline has passed (and no stall holds it back). */
  private electionTimeout(now: number): void {
    const state = this.state;
    if (now < this.deadlines.yieldToRival) {
      this.deadlines.election = this.deadlines.yieldToRival;
    } else if (state.role === 'pre-candidate' && state.campaign.wonAt !== null) {
      this.startElection(now, false, state.campaign.wonAt - state.campaign.startedAt);
    } else {
      if (state.role !== 'follower') this.lose(state.role === 'pre-candidate', 'timed-out');
      this.startPreVote(now);
    }
  }

  // ---- message handlers (current term) -------------------------------------------------------

  private onHeartbeat(now: number, from: NodeId, message: Heartbeat): void {
    if (this.termLeader !== null && this.termLeader !== from) {
      this.alarm({ kind: 'second-leader', from, leaderId: this.termLeader });
      return;
    }
    const state = this.state;
    if (state.role !== 'follower') this.lose(state.role === 'pre-candidate', 'other-leader');
    this.become({ role: 'follower', leaderId: from, heardAt: now });
    this.termLeader = from;
    this.deadlines.loyalUntil = Math.max(this.deadlines.loyalUntil, now + this.config.electionTimeoutMinMs);
    this.deadlines.election = now + this.randomElectionTimeout();
    this.send(from, { kind: 'heartbeat-ack', term: this.term, round: message.round });
  }

  private onHeartbeatAck(now: number, from: NodeId, message: HeartbeatAck, leader: LeaderState): void {
    if (message.round === noRound || message.round > leader.round) return;
    leader.lastAckAt.set(from, now);
    if (message.round > (leader.ackedRound.get(from) ?? 0)) {
      leader.ackedRound.set(from, message.round);
      this.updateQuorumRound(now, leader);
    }
  }

  /** A vote request that loyalty did not refuse (see `handleTerm`). */
  private onVoteRequest(now: number, from: NodeId, message: VoteRequest): void {
    if (message.preVote) {
      // A pre-vote changes nothing here; it only reports whether a real vote would be granted.
      if (message.term <= this.term) return this.refuseVote(from, message);
      // Two nodes whose timers fire within a round trip of each other both pass pre-vote and
      // split the real vote, costing a retry. So a node that grants a rival's pre-vote lets the
      // rival ask for the real vote first: always when it was idle (the rival is ahead; it does
      // not even start its own campaign meanwhile), and by node id when both are campaigning.
      // Only a campaigner with a lower id than its rival goes on, so nobody waits in a circle.
      if (this.state.role === 'follower' || from < this.config.self) {
        this.deadlines.yieldToRival = now + this.config.heartbeatIntervalMs;
      }
      this.emit({ type: 'vote-granted', term: message.term, candidate: from, preVote: true });
      this.send(from, { kind: 'vote-response', term: message.term, preVote: true, granted: true });
      return;
    }
    if (this.votedFor !== null && this.votedFor !== from) return this.refuseVote(from, message);
    if (this.votedFor === null) {
      this.votedFor = from;
      this.pendingHardState = true;
    }
    this.deadlines.election = now + this.randomElectionTimeout();
    // A vote in a leadership transfer binds like a heartbeat: no vote or pre-vote for anyone else
    // for a minimum election timeout (other transfers excepted, which only a leader that has
    // dropped its lease starts). So the transfer target may count its lease from the moment it
    // asked, and hold it the moment it wins, without waiting for a first heartbeat round.
    if (message.transfer) this.deadlines.loyalUntil = Math.max(this.deadlines.loyalUntil, now + this.config.electionTimeoutMinMs);
    this.emit({ type: 'vote-granted', term: this.term, candidate: from, preVote: false });
    this.send(from, { kind: 'vote-response', term: this.term, preVote: false, granted: true });
  }

  private onVoteResponse(now: number, from: NodeId, message: VoteResponse): void {
    const state = this.state;
    if (state.role === 'pre-candidate') {
      if (!message.preVote || !(message.term === this.term + 1 || (!message.granted && message.term <= this.term))) return;
      const campaign = state.campaign;
      (message.granted ? campaign.granted : campaign.rejected).add(from);
      if (campaign.wonAt !== null) return;
      if (campaign.granted.size >= this.majority) {
        campaign.wonAt = now;
        this.startElectionUnlessYielding(now, now - campaign.startedAt);
      } else if (campaign.rejected.size >= this.majority) {
        this.lose(true, 'rejected');
        this.becomeFollower();
      }
    } else if (state.role === 'candidate') {
      if (message.preVote || message.term !== this.term) return;
      const campaign = state.campaign;
      (message.granted ? campaign.granted : campaign.rejected).add(from);
      if (campaign.granted.size >= this.majority) {
        this.becomeLeader(now, campaign.transfer ? campaign.startedAt : null);
      } else if (campaign.rejected.size >= this.majority) {
        this.lose(false, 'rejected');
        this.becomeFollower();
      }
    }
  }

  /** Obeyed only from the node known to lead the current term. */
  private onTimeoutNow(now: number, from: NodeId, message: TimeoutNow): void {
    if (from !== this.termLeader) {
      this.alarm({ kind: 'timeout-now-refused', from, leaderId: this.termLeader });
      return;
    }
    if (message.target === this.config.self) this.startElection(now, true, null);
    else if (this.config.peers.includes(message.target)) this.handover = { term: message.term, target: message.target };
  }

  // ---- transitions -------------------------------------------------------------------------

  /**
   * The one place the role changes: emits role-changed and leader-changed as they apply, and
   * refuses a transition a correct run never takes (a bug, which stops the node).
   */
  private become(next: RoleState): void {
    const from = this.state.role;
    if (!allowedFrom[next.role].includes(from)) throw new Error(`election core: no transition from ${from} to ${next.role}`);
    const leaderBefore = this.leaderId();
    this.state = next;
    if (from !== next.role) this.emit({ type: 'role-changed', term: this.term, from, to: next.role });
    const leaderAfter = this.leaderId();
    if (leaderAfter !== leaderBefore) this.emit({ type: 'leader-changed', term: this.term, leaderId: leaderAfter });
  }

  private startPreVote(now: number): void {
    if (this.termExhausted(now)) return;
    const campaign: PreVoteCampaign = { startedAt: now, granted: new Set([this.config.self]), rejected: new Set(), wonAt: null };
    this.become({ role: 'pre-candidate', campaign });
    this.deadlines.election = now + this.randomElectionTimeout();
    this.emit({ type: 'election-started', term: this.term + 1, preVote: true, transfer: false });
    if (campaign.granted.size >= this.majority) {
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
   * node its follower, and starts only if none comes by then (see `electionTimeout`).
   */
  private startElectionUnlessYielding(now: number, preVoteRoundTripMs: number): void {
    if (now < this.deadlines.yieldToRival) {
      this.deadlines.election = this.deadlines.yieldToRival;
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
    const campaign: VoteCampaign = { transfer, startedAt: now, granted: new Set([this.config.self]), rejected: new Set() };
    this.become({ role: 'candidate', campaign });
    this.deadlines.election = now + (preVoteRoundTripMs === null ? this.randomElectionTimeout() : this.splitVoteRetryTimeout(preVoteRoundTripMs));
    this.emit({ type: 'election-started', term: this.term, preVote: false, transfer });
    if (campaign.granted.size >= this.majority) {
      this.becomeLeader(now, null);
      return;
    }
    for (const peer of this.config.peers) {
      this.send(peer, { kind: 'vote-request', term: this.term, preVote: false, transfer });
    }
  }

  /** `leaseFrom`: when a transfer campaign asked for the votes that bound its voters, else null. */
  private becomeLeader(now: number, leaseFrom: number | null): void {
    const leader: LeaderState = {
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
    this.become({ role: 'leader', leader });
    this.termLeader = this.config.self;
    this.emit({ type: 'election-won', term: this.term });
    if (leaseFrom !== null && now < leaseFrom + this.leaseMs) {
      leader.leaseUntil = leaseFrom + this.leaseMs;
      leader.leaseAnnounced = true;
      this.emit({ type: 'lease-acquired', term: this.term, untilMs: leader.leaseUntil });
    }
    this.startHeartbeatRound(now, leader);
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
    this.deadlines.election = now + this.randomElectionTimeout();
  }

  /** Adopts a higher term: forget the vote, stop leading or campaigning, follow nobody yet. */
  private adoptTerm(now: number, term: number): void {
    const state = this.state;
    if (state.role === 'leader') {
      this.stepDown(now, 'higher-term');
    } else if (state.role !== 'follower') {
      this.lose(state.role === 'pre-candidate', 'higher-term');
      this.becomeFollower();
    }
    this.setTerm(term);
    this.votedFor = null;
    this.pendingHardState = true;
    this.becomeFollower();
  }

  /** A follower of nobody (yet); a leader leaving drops its lease, and says so. */
  private becomeFollower(): void {
    const state = this.state;
    if (state.role === 'leader' && state.leader.leaseAnnounced) this.emit({ type: 'lease-lost', term: this.term, reason: 'stepped-down' });
    this.become({ role: 'follower', leaderId: null, heardAt: null });
  }

  private lose(preVote: boolean, reason: ElectionLostReason): void {
    this.emit({ type: 'election-lost', term: this.term, preVote, reason });
  }

  private transfer(now: number, target: NodeId | null): TransferOutcome {
    const outcome = this.chooseTransferTarget(now, target);
    if (outcome.ok) {
      for (const peer of this.config.peers) this.send(peer, { kind: 'timeout-now', term: this.term, target: outcome.target });
      this.stepDown(now, 'transfer');
    }
    return outcome;
  }

  private chooseTransferTarget(now: number, requested: NodeId | null): TransferOutcome {
    const state = this.state;
    if (state.role !== 'leader') return { ok: false, reason: 'not-leader', leaderId: this.leaderId() };
    const leader = state.leader;
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

  /** Who this node believes leads: itself as leader, the leader it follows, or nobody while campaigning. */
  private leaderId(): NodeId | null {
    const state = this.state;
    switch (state.role) {
      case 'leader':
        return this.config.self;
      case 'follower':
        return state.leaderId;
      case 'pre-candidate':
      case 'candidate':
        return null;
      default:
        return assertNever(state);
    }
  }

  /** Stickiness: a leader votes for nobody, and a follower for nobody else soon after hearing a leader (or starting). */
  private isLoyal(now: number): boolean {
    return this.state.role === 'leader' || now < this.deadlines.loyalUntil;
  }

  /** A transfer vote may override loyalty only for the target the term's leader handed over to. */
  private isHandedOverTo(candidate: NodeId, request: VoteRequest): boolean {
    const handover = this.handover;
    return request.transfer && !request.preVote && handover !== null && handover.target === candidate && request.term === handover.term + 1;
  }

  private refuseVote(to: NodeId, request: VoteRequest): void {
    this.send(to, { kind: 'vote-response', term: this.term, preVote: request.preVote, granted: false });
  }

  /**
   * This process was stalled (paused, or its machine froze): messages that arrived meanwhile are
   * still unread. Give them a moment before concluding that the leader or the quorum is gone.
   * Acting later is always safe; acting on stale news flaps. The grace is jittered: a freeze of the
   * whole machine wakes every follower at once, and equal graces would make them all campaign at
   * once and split the vote.
   */
  private enterStallGrace(now: number, lateByMs: number): void {
    this.deadlines.stallGraceUntil = now + 2 * this.config.heartbeatIntervalMs + this.random.next() * this.config.electionJitterMs;
    this.emit({ type: 'stall-detected', term: this.term, lateByMs });
  }

  /** At `maxTerm` a node cannot campaign: it says so and waits, as a follower, for another election timeout. */
  private termExhausted(now: number): boolean {
    if (this.term < maxTerm) return false;
    this.alarm({ kind: 'term-exhausted' });
    this.deadlines.election = now + this.randomElectionTimeout();
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

  private setTerm(term: number): void {
    this.emit({ type: 'term-changed', from: this.term, to: term });
    this.term = term;
    this.termLeader = null;
    this.handover = null;
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

  private flush<Outcome>(outcome: Outcome): Ready<Outcome> {
    const ready: Ready<Outcome> = {
      hardState: this.pendingHardState ? this.hardState() : null,
      messages: this.messages,
      events: this.events,
      outcome,
    };
    this.pendingHardState = false;
    this.messages = [];
    this.events = [];
    return ready;
  }
}
