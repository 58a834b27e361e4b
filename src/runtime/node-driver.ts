import type { Logger } from 'pino';
import { describeSafetyAlarm, type CoreEvent, type SafetyAlarm } from '../core/core-event.ts';
import type { ElectionConfig } from '../core/election-config.ts';
import { initialHardState, type HardState } from '../core/hard-state.ts';
import { ElectionCore } from '../core/election-core.ts';
import type { CoreStatus, Ready, StepDownOutcome, TransferOutcome } from '../core/ready.ts';
import type { NodeId } from '../core/ids.ts';
import type { PeerMessage } from '../core/messages.ts';
import type { RandomSource } from '../core/random-source.ts';
import type { Role } from '../core/role.ts';
import type { NodeLoad, NodeMetadata } from '../health/node-metadata.ts';
import { peerHealthSettings } from '../health/peer-health-tracker.ts';
import { PeerHealthTracker, type PeerHealthSettings, type PeerState, type PeerStateChange } from '../health/peer-health-tracker.ts';
import type { HardStateStore } from '../storage/hard-state-store.ts';
import { carriesMetadata, type Transport } from '../transport/transport.ts';
import { RateLimiter } from '../util/rate-limiter.ts';
import type { PeerTraffic } from './peer-traffic.ts';

/** Milliseconds from an arbitrary origin that never go backwards (performance.now in production). */
export interface MonotonicClock {
  now(): number;
}

/** A core event as watchers see it: which node, and when by the wall clock (for display only). */
export interface NodeEvent {
  readonly node: NodeId;
  readonly wallTimeMs: number;
  readonly event: CoreEvent;
}

/** Why a node stopped itself: it could not persist its state, or a step failed (a bug). */
export type FatalReason = 'persist-failed' | 'step-failed';

export interface NodeDriverOptions {
  readonly config: ElectionConfig;
  readonly store: HardStateStore;
  readonly transport: Transport;
  readonly clock: MonotonicClock;
  readonly random: RandomSource;
  readonly logger: Logger;
  /** Called once if the node must stop: it can no longer persist its state, or a step failed. */
  readonly onFatal: (reason: FatalReason, error: Error) => void;
  /** This node's own metadata, shown in `members()`; the transport piggybacks the same on heartbeats. */
  readonly localMetadata?: () => NodeMetadata;
}

/** One node as this node sees it. */
export interface MemberView {
  readonly id: NodeId;
  readonly isSelf: boolean;
  /** For a peer: `leader` if it is the leader this node follows, `follower` if it acks this leader, else `unknown`. */
  readonly role: Role | 'unknown';
  readonly state: PeerState;
  readonly phi: number;
  /** Null for this node itself. */
  readonly lastSeenAgoMs: number | null;
  readonly stateSinceAgoMs: number | null;
  readonly incarnation: number | null;
  readonly version: string | null;
  readonly load: NodeLoad | null;
}

type NotRunning = { readonly ok: false; readonly reason: 'stopped' };
const stopped: NotRunning = { ok: false, reason: 'stopped' };

type Step<T> = (core: ElectionCore, now: number) => Ready<T>;
interface StepDone<T> {
  readonly result: T;
  readonly replies: readonly PeerMessage[];
}

/**
 * Owns one election core and serializes everything through it: timer ticks, inbound messages and
 * commands. After each step it persists the hard state (synced) and only then sends messages, so
 * no vote or term leaves the node before it is on disk. A failed write stops the node.
 */
export class NodeDriver {
  private readonly options: NodeDriverOptions;
  private readonly logger: Logger;
  private core: ElectionCore | null = null;
  private tail: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Infinity;
  private running = false;
  private readonly listeners = new Set<(event: NodeEvent) => void>();
  private readonly trafficObservers = new Set<(traffic: PeerTraffic) => void>();
  /** Failure detection of the peers this node hears from (the leader's heartbeats, or followers' acks). */
  private readonly health: PeerHealthTracker;
  private readonly healthSettings: PeerHealthSettings;
  private readonly peerMetadata = new Map<NodeId, NodeMetadata>();
  private healthTimer: NodeJS.Timeout | null = null;
  private healthCheckDueAt = 0;
  /** The hard state on disk. */
  private durable: HardState = initialHardState;
  /**
   * While a step's new term or vote is being written, what may be shown of role and leader: as
   * they were before that step. Nothing is shown of a state that is not on disk yet.
   */
  private saving: { readonly role: Role; readonly leaderId: NodeId | null } | null = null;
  private readonly alarmLog = new RateLimiter(1000);
  /** The lease's end as last logged (`lease-extended`), so that a history can tell when it really ran out. */
  private loggedLeaseUntil = -Infinity;

  constructor(options: NodeDriverOptions) {
    this.options = options;
    this.logger = options.logger;
    this.healthSettings = peerHealthSettings(options.config);
    this.health = new PeerHealthTracker(this.healthSettings, options.config.peers, options.clock.now());
  }

  get id(): NodeId {
    return this.options.config.self;
  }

  get config(): ElectionConfig {
    return this.options.config;
  }

  /** Loads the persisted state, starts the core and begins accepting peer messages. */
  async start(): Promise<void> {
    const hardState = await this.options.store.load();
    this.durable = hardState;
    this.core = new ElectionCore(this.options.config, hardState, this.options.clock.now(), this.options.random);
    this.running = true;
    this.logger.info({ event: 'started', term: hardState.term, votedFor: hardState.votedFor, mono: this.options.clock.now() }, 'node started');
    await this.options.transport.start((from, message, metadata) => this.receive(from, message, metadata));
    this.armTimer();
    const interval = this.options.config.heartbeatIntervalMs;
    this.healthCheckDueAt = this.options.clock.now() + interval;
    this.healthTimer = setInterval(() => this.checkPeerHealth(), interval);
    this.healthTimer.unref();
  }

  /** Stops timers and the transport; the store is left for the caller to close. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.clearTimer();
    if (this.healthTimer) clearInterval(this.healthTimer);
    await this.tail.catch(() => undefined);
    await this.options.transport.close();
  }

  /** This node as it stands on disk: a term or vote still being written is not shown. */
  status(): CoreStatus {
    const status = this.requireCore().status(this.options.clock.now());
    const saving = this.saving;
    if (saving === null) return status;
    const { term, votedFor } = this.durable;
    return { ...status, term, votedFor, role: saving.role, leaderId: saving.leaderId, holdsLease: false, leaseRemainingMs: 0 };
  }

  /** A lease is held only in a term that is on disk: its term is the fencing token handed out. */
  leaseRemainingMs(): number {
    return this.core && this.running && this.saving === null ? this.core.leaseRemainingMs(this.options.clock.now()) : 0;
  }

  /** This node and every peer it has heard from, with failure-detector state and piggybacked metadata. */
  members(): MemberView[] {
    const now = this.options.clock.now();
    const status = this.status();
    const self = this.options.localMetadata?.() ?? null;
    const views: MemberView[] = [
      {
        id: this.id,
        isSelf: true,
        role: status.role,
        state: 'alive',
        phi: 0,
        lastSeenAgoMs: null,
        stateSinceAgoMs: null,
        incarnation: self?.incarnation ?? null,
        version: self?.version ?? null,
        load: self?.load ?? null,
      },
    ];
    for (const peer of this.health.view(now)) {
      const metadata = this.peerMetadata.get(peer.id);
      views.push({
        id: peer.id,
        isSelf: false,
        role: peer.id === status.leaderId ? 'leader' : status.role === 'leader' ? 'follower' : 'unknown',
        state: peer.state,
        phi: peer.phi,
        lastSeenAgoMs: peer.lastSeenAgoMs,
        stateSinceAgoMs: now - peer.stateSinceMs,
        incarnation: peer.incarnation,
        version: metadata?.version ?? null,
        load: metadata?.load ?? null,
      });
    }
    return views;
  }

  subscribe(listener: (event: NodeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Every peer message this node sends or receives; for counters and round-trip times. */
  observeTraffic(observer: (traffic: PeerTraffic) => void): () => void {
    this.trafficObservers.add(observer);
    return () => this.trafficObservers.delete(observer);
  }

  transferLeadership(target: NodeId | null): Promise<TransferOutcome | NotRunning> {
    return this.enqueue((core, now) => core.transferLeadership(now, target), null).then((done) => done?.result ?? stopped);
  }

  /** Gives up leadership, handing it to the most responsive follower when there is one. */
  stepDown(): Promise<StepDownOutcome | NotRunning> {
    return this.enqueue((core, now) => core.abdicate(now), null).then((done) => done?.result ?? stopped);
  }

  // ---- the serialized step loop ------------------------------------------------------------

  private async receive(from: NodeId, message: PeerMessage, metadata: NodeMetadata | null): Promise<readonly PeerMessage[]> {
    if (carriesMetadata(message)) this.observePeer(from, metadata);
    this.noteTraffic('received', from, message);
    const done = await this.enqueue((core, now) => core.receive(now, from, message), from);
    return done?.replies ?? [];
  }

  /**
   * Runs one step after all earlier ones; resolves with null if the node is not running.
   * Messages addressed to `replyTo` are handed back to the caller (a transport answers them on
   * the same exchange) instead of being sent separately.
   */
  private enqueue<T>(step: Step<T>, replyTo: NodeId | null): Promise<StepDone<T> | null> {
    const run = this.tail.then(() => this.process(step, replyTo));
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async process<T>(step: Step<T>, replyTo: NodeId | null): Promise<StepDone<T> | null> {
    const core = this.core;
    if (!core || !this.running) return null;
    const role = core.currentRole;
    const leaderId = core.currentLeaderId;
    const now = this.options.clock.now();
    let ready: Ready<T>;
    try {
      ready = step(core, now);
    } catch (error) {
      this.fail('step-failed', error);
      return null;
    }
    const result = ready.outcome;
    if (ready.hardState) {
      this.saving = { role, leaderId };
      try {
        await this.options.store.save(ready.hardState);
      } catch (error) {
        this.fail('persist-failed', error);
        return null;
      }
      this.durable = ready.hardState;
      this.saving = null;
    }
    try {
      this.publish(ready.events, now);
      this.logLeaseEnd(core, now);
      const replies: PeerMessage[] = [];
      for (const { to, message } of ready.messages) {
        this.noteTraffic('sent', to, message);
        if (to === replyTo) replies.push(message);
        else this.options.transport.send(to, message);
      }
      this.armTimer();
      return { result, replies };
    } catch (error) {
      this.fail('step-failed', error);
      return null;
    }
  }

  private tick(): void {
    this.timer = null;
    this.timerAt = Infinity;
    void this.enqueue((core, now) => core.tick(now), null);
  }

  private armTimer(): void {
    const core = this.core;
    if (!core || !this.running) return;
    const at = core.nextWakeAt();
    if (this.timer && at === this.timerAt) return;
    this.clearTimer();
    this.timerAt = at;
    this.timer = setTimeout(() => this.tick(), Math.max(0, at - this.options.clock.now()));
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = Infinity;
  }

  private noteTraffic(direction: PeerTraffic['direction'], peer: NodeId, message: PeerMessage): void {
    if (this.trafficObservers.size === 0) return;
    const traffic: PeerTraffic = { direction, peer, message, atMs: this.options.clock.now() };
    for (const observer of this.trafficObservers) observer(traffic);
  }

  private observePeer(peer: NodeId, metadata: NodeMetadata | null): void {
    if (metadata) this.peerMetadata.set(peer, metadata);
    this.logPeerChanges(this.health.arrival(peer, this.options.clock.now(), metadata?.incarnation ?? null));
  }

  private checkPeerHealth(): void {
    const now = this.options.clock.now();
    const lateBy = now - this.healthCheckDueAt;
    this.healthCheckDueAt = now + this.options.config.heartbeatIntervalMs;
    // This timer is due every heartbeat, so it runs before an election timer that came due at the
    // end of a freeze, and tells the core of the freeze first.
    if (lateBy > this.options.config.heartbeatIntervalMs) void this.enqueue((core, at) => core.stalled(at, lateBy), null);
    // After a stall of this process longer than the detector forgives, peers' messages are still
    // queued: judging them now would call every peer suspect. The next, timely check judges them.
    // Shorter stalls (frequent on a busy VM) must not skip checks, or a peer's suspect phase is missed.
    if (lateBy > this.healthSettings.acceptablePauseMs) return;
    this.logPeerChanges(this.health.evaluate(now));
  }

  /** A leader hears from every follower; a follower from its leader; anyone else from nobody regularly. */
  private expectPeers(): void {
    const core = this.requireCore();
    const leaderId = core.currentLeaderId;
    const expected: ReadonlySet<NodeId> =
      core.currentRole === 'leader' ? new Set(this.options.config.peers) : leaderId !== null && leaderId !== this.id ? new Set([leaderId]) : new Set();
    this.logPeerChanges(this.health.expect(expected, this.options.clock.now()));
  }

  private logPeerChanges(changes: readonly PeerStateChange[]): void {
    for (const change of changes) {
      this.logger.info({ event: 'peer-state-changed', ...change }, `${change.peer} is ${change.to}${change.restarted ? ' (restarted)' : ''}`);
    }
  }

  private fail(reason: FatalReason, error: unknown): void {
    if (!this.running) return;
    const err = error instanceof Error ? error : new Error(String(error));
    const message =
      reason === 'persist-failed'
        ? 'could not persist hard state; stopping so this node never votes on unsaved state'
        : 'a step of the election core failed; stopping rather than run on a state nobody checked';
    this.logger.fatal({ event: reason, err }, message);
    this.running = false;
    this.clearTimer();
    if (this.healthTimer) clearInterval(this.healthTimer);
    this.healthTimer = null;
    void this.options.transport.close();
    this.options.onFatal(reason, err);
  }

  /**
   * Every move of the lease's end, at debug level: with the `mono` stamp of each event, a history
   * checker knows each lease's interval exactly, even when the node dies holding it.
   */
  private logLeaseEnd(core: ElectionCore, now: number): void {
    const remaining = core.leaseRemainingMs(now);
    if (remaining <= 0) return;
    const untilMs = now + remaining;
    if (untilMs === this.loggedLeaseUntil) return;
    this.loggedLeaseUntil = untilMs;
    this.logger.debug({ event: 'lease-extended', term: core.status(now).term, untilMs, mono: now }, 'lease-extended');
  }

  /** `now`: the step's monotonic time, logged as `mono` beside pino's wall-clock `time`. */
  private publish(events: readonly CoreEvent[], now: number): void {
    if (events.length === 0) return;
    const wallTimeMs = Date.now();
    if (events.some((event) => event.type === 'role-changed' || event.type === 'leader-changed')) this.expectPeers();
    for (const event of events) {
      if (event.type === 'safety-alarm') this.logAlarm(event.alarm, event.term);
      else this.logEvent(event, now);
      for (const listener of this.listeners) listener({ node: this.id, wallTimeMs, event });
    }
  }

  private logEvent(event: Exclude<CoreEvent, { type: 'safety-alarm' }>, now: number): void {
    const { type, ...fields } = event;
    const level = type === 'stall-detected' ? 'warn' : type === 'vote-granted' && event.preVote ? 'debug' : 'info';
    this.logger[level]({ event: type, ...fields, mono: now }, type);
  }

  /** A faulty or hostile peer can repeat its lie many times a second: one line per kind and peer per second. */
  private logAlarm(alarm: SafetyAlarm, term: number): void {
    const peer = alarm.kind === 'term-exhausted' ? null : alarm.from;
    const suppressed = this.alarmLog.allow(`${alarm.kind}/${peer}`, this.options.clock.now());
    if (suppressed === null) return;
    this.logger.error({ event: 'safety-alarm', term, ...alarm, suppressed }, `safety alarm: ${describeSafetyAlarm(alarm)}`);
  }

  private requireCore(): ElectionCore {
    if (!this.core) throw new Error('node driver used before start()');
    return this.core;
  }
}
