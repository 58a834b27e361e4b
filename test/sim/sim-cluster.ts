import type { ElectionConfig } from '../../src/core/election-config.ts';
import { ElectionCore } from '../../src/core/election-core.ts';
import type { CoreStatus, Ready, StepDownOutcome, TransferOutcome } from '../../src/core/ready.ts';
import { initialHardState, type HardState } from '../../src/core/hard-state.ts';
import { asNodeId, type NodeId } from '../../src/core/ids.ts';
import type { PeerMessage } from '../../src/core/messages.ts';
import type { Role } from '../../src/core/role.ts';
import { SeededRandom } from '../../src/util/seeded-random.ts';
import { EventQueue } from './event-queue.ts';
import { InvariantChecker } from './invariant-checker.ts';

export interface SimTimings {
  readonly heartbeatIntervalMs: number;
  readonly electionTimeoutMinMs: number;
  readonly electionJitterMs: number;
  readonly maxClockDrift: number;
}

export interface SimNetwork {
  minDelayMs: number;
  maxDelayMs: number;
  dropRate: number;
  duplicateRate: number;
  /** Probability that a message takes `longDelayMs` extra: it may arrive after leases have come and gone. */
  longDelayRate: number;
  longDelayMs: number;
}

export interface SimOptions {
  readonly nodes: number;
  readonly seed: number;
  readonly timings: SimTimings;
  readonly network?: Partial<SimNetwork>;
  /** Each node's clock rate relative to true time; defaults to 1. */
  readonly clockRates?: readonly number[];
  /** Models a broken store that loses its state on a crash; only for proving the checker can fail. */
  readonly storeForgetsOnCrash?: boolean;
  /** Sees every node's Ready, after its hard state is stored and before its messages leave. */
  readonly onReady?: (id: NodeId, ready: Ready<unknown>) => void;
  /**
   * When set, messages that pass the link checks are handed here instead of to the network: the
   * test holds them and delivers each with `deliverNow` (or never).
   */
  readonly holdMessages?: (from: NodeId, to: NodeId, message: PeerMessage) => void;
}

/** What became of a message handed to a node with `deliverNow`. */
export type Arrival = 'received' | 'node-down' | 'link-cut' | 'buffered-while-paused';

type SimEvent =
  | { readonly kind: 'deliver'; readonly from: NodeId; readonly to: NodeId; readonly message: PeerMessage }
  | { readonly kind: 'wake'; readonly node: NodeId; readonly token: number }
  | { readonly kind: 'resume'; readonly node: NodeId };

interface SimNode {
  readonly id: NodeId;
  readonly config: ElectionConfig;
  readonly rate: number;
  /** Local clock at global time 0: clocks disagree on absolute values, as monotonic clocks do. */
  offset: number;
  core: ElectionCore | null;
  stored: HardState;
  pausedUntil: number;
  /** Global time the current pause began. */
  pausedAt: number;
  wakeToken: number;
  wakeAt: number;
}

export const defaultSimNetwork: SimNetwork = {
  minDelayMs: 0.5,
  maxDelayMs: 3,
  dropRate: 0,
  duplicateRate: 0,
  longDelayRate: 0,
  longDelayMs: 0,
};

/**
 * N election cores on a simulated network in virtual time. Everything random comes from one seed,
 * so a schedule replays exactly. After every event the invariant checker looks at every node.
 */
export class SimCluster {
  readonly ids: readonly NodeId[];
  readonly checker: InvariantChecker;
  readonly random: SeededRandom;
  network: SimNetwork;
  private readonly nodes = new Map<NodeId, SimNode>();
  private readonly queue = new EventQueue<SimEvent>();
  private readonly blocked = new Set<string>();
  private readonly coreRandom: SeededRandom;
  private readonly storeForgetsOnCrash: boolean;
  private readonly onReady: SimOptions['onReady'];
  private readonly holdMessages: SimOptions['holdMessages'];
  private globalNow = 0;

  constructor(options: SimOptions) {
    this.random = new SeededRandom(options.seed);
    this.coreRandom = this.random.fork();
    this.network = { ...defaultSimNetwork, ...options.network };
    this.storeForgetsOnCrash = options.storeForgetsOnCrash ?? false;
    this.onReady = options.onReady;
    this.holdMessages = options.holdMessages;
    this.ids = Array.from({ length: options.nodes }, (_, i) => asNodeId(`n${i + 1}`));
    this.checker = new InvariantChecker(this);
    this.ids.forEach((id, i) => {
      const config: ElectionConfig = { self: id, peers: this.ids.filter((p) => p !== id), ...options.timings };
      const node: SimNode = {
        id,
        config,
        rate: options.clockRates?.[i] ?? 1,
        offset: this.random.between(0, 1e6),
        core: null,
        stored: initialHardState,
        pausedUntil: -Infinity,
        pausedAt: -Infinity,
        wakeToken: 0,
        wakeAt: Infinity,
      };
      this.nodes.set(id, node);
      this.boot(node);
    });
  }

  get now(): number {
    return this.globalNow;
  }

  // ---- running -----------------------------------------------------------------------------

  /** Processes events up to and including global time `until`. */
  runUntil(until: number): void {
    while (this.queue.peekTime() <= until) this.step();
    this.globalNow = Math.max(this.globalNow, until);
  }

  runFor(ms: number): void {
    this.runUntil(this.globalNow + ms);
  }

  /** Runs until `predicate` holds (checked after every event) or `limitMs` passes; returns the time it held, or null. */
  runUntilTrue(predicate: () => boolean, limitMs: number): number | null {
    const deadline = this.globalNow + limitMs;
    if (predicate()) return this.globalNow;
    while (this.queue.peekTime() <= deadline) {
      this.step();
      if (predicate()) return this.globalNow;
    }
    this.globalNow = deadline;
    return null;
  }

  private step(): void {
    const next = this.queue.pop();
    if (!next) return;
    this.globalNow = next.at;
    const event = next.item;
    switch (event.kind) {
      case 'deliver':
        this.arrive(event.from, event.to, event.message);
        break;
      case 'wake': {
        const node = this.node(event.node);
        if (!node.core || event.token !== node.wakeToken) break;
        node.wakeAt = Infinity;
        if (this.globalNow < node.pausedUntil) break; // the resume event ticks it
        this.apply(node, node.core.tick(this.localTime(node)));
        break;
      }
      case 'resume': {
        const node = this.node(event.node);
        if (!node.core || this.globalNow < node.pausedUntil) break;
        // The driver's once-a-heartbeat timer comes due first and reports the stall.
        const hb = node.config.heartbeatIntervalMs;
        const lateByMs = node.rate * (this.globalNow - node.pausedAt) - hb;
        if (lateByMs > hb) this.apply(node, node.core.stalled(this.localTime(node), lateByMs));
        this.apply(node, node.core.tick(this.localTime(node)));
        break;
      }
    }
    this.checker.afterStep();
  }

  private arrive(from: NodeId, to: NodeId, message: PeerMessage): Arrival {
    const node = this.node(to);
    if (!node.core) return 'node-down';
    if (this.isBlocked(from, to)) return 'link-cut';
    if (this.globalNow < node.pausedUntil) {
      // A stopped process's socket buffers until it resumes.
      this.queue.push(node.pausedUntil, { kind: 'deliver', from, to, message });
      return 'buffered-while-paused';
    }
    this.apply(node, node.core.receive(this.localTime(node), from, message));
    return 'received';
  }

  /** Persist, then speak: the hard state is stored before any message of the same step leaves. */
  private apply(node: SimNode, ready: Ready<unknown>): void {
    if (ready.hardState) node.stored = ready.hardState;
    this.checker.onReady(node.id, ready, node.stored);
    this.onReady?.(node.id, ready);
    for (const out of ready.messages) this.transmit(node.id, out.to, out.message);
    this.scheduleWake(node);
  }

  private transmit(from: NodeId, to: NodeId, message: PeerMessage): void {
    const net = this.network;
    if (this.isBlocked(from, to)) return;
    if (this.holdMessages) {
      this.holdMessages(from, to, message);
      return;
    }
    if (this.random.chance(net.dropRate)) return;
    const copies = this.random.chance(net.duplicateRate) ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      let delay = this.random.between(net.minDelayMs, net.maxDelayMs);
      if (this.random.chance(net.longDelayRate)) delay += this.random.between(0, net.longDelayMs);
      this.queue.push(this.globalNow + delay, { kind: 'deliver', from, to, message });
    }
  }

  private scheduleWake(node: SimNode): void {
    if (!node.core) return;
    const at = Math.max(this.globalNow, this.globalTime(node, node.core.nextWakeAt()));
    if (at >= node.wakeAt) return;
    node.wakeAt = at;
    node.wakeToken += 1;
    this.queue.push(at, { kind: 'wake', node: node.id, token: node.wakeToken });
  }

  private boot(node: SimNode): void {
    node.core = new ElectionCore(node.config, node.stored, this.localTime(node), this.coreRandom.fork());
    node.wakeAt = Infinity;
    node.wakeToken += 1;
    this.scheduleWake(node);
  }

  // ---- commands and faults -----------------------------------------------------------------

  /** Asks `id` to hand leadership to `target` (or its most responsive follower); a no-op on a non-leader. */
  transferLeadership(id: NodeId, target: NodeId | null): boolean {
    return this.requestTransfer(id, target)?.ok ?? false;
  }

  /** Like `transferLeadership`, with the core's answer; null when the node is down or paused. */
  requestTransfer(id: NodeId, target: NodeId | null): TransferOutcome | null {
    const node = this.node(id);
    if (!node.core || this.isPaused(id)) return null;
    const ready = node.core.transferLeadership(this.localTime(node), target);
    this.apply(node, ready);
    this.checker.afterStep();
    return ready.outcome;
  }

  /** Asks `id` to give up leadership (to a responsive follower if any); null when down or paused. */
  stepDown(id: NodeId): StepDownOutcome | null {
    const node = this.node(id);
    if (!node.core || this.isPaused(id)) return null;
    const ready = node.core.abdicate(this.localTime(node));
    this.apply(node, ready);
    this.checker.afterStep();
    return ready.outcome;
  }

  /** Hands `message` to `to` now, as if it had just arrived from `from` (held or forged). */
  deliverNow(from: NodeId, to: NodeId, message: PeerMessage): Arrival {
    const arrival = this.arrive(from, to, message);
    this.checker.afterStep();
    return arrival;
  }

  /**
   * Fires the node's next timer now (a follower's election timer, a leader's heartbeat), as if
   * its clock had jumped ahead to it; the clock stays that far ahead. No-op when down or paused.
   */
  fireTimerNow(id: NodeId): void {
    const node = this.node(id);
    if (!node.core || this.isPaused(id)) return;
    const wake = node.core.nextWakeAt();
    node.offset += Math.max(0, wake - this.localTime(node));
    while (this.localTime(node) < wake) node.offset += Math.max(Math.abs(node.offset) * Number.EPSILON * 4, 1e-12);
    this.apply(node, node.core.tick(this.localTime(node)));
    this.checker.afterStep();
  }

  crash(id: NodeId): void {
    const node = this.node(id);
    if (!node.core) return;
    node.core = null;
    node.pausedUntil = -Infinity;
    node.wakeToken += 1;
    if (this.storeForgetsOnCrash) node.stored = initialHardState;
    this.checker.onCrash(id);
  }

  restart(id: NodeId): void {
    const node = this.node(id);
    if (node.core) return;
    this.boot(node);
  }

  /** Like SIGSTOP for `ms`: no timers fire and inbound messages wait, while every clock runs on. */
  pause(id: NodeId, ms: number): void {
    const node = this.node(id);
    if (!node.core) return;
    if (this.globalNow >= node.pausedUntil) node.pausedAt = this.globalNow;
    node.pausedUntil = Math.max(node.pausedUntil, this.globalNow + ms);
    this.queue.push(node.pausedUntil, { kind: 'resume', node: id });
  }

  /** Cuts the link from `from` to `to` (one direction). */
  block(from: NodeId, to: NodeId): void {
    this.blocked.add(`${from}>${to}`);
  }

  cut(a: NodeId, b: NodeId): void {
    this.block(a, b);
    this.block(b, a);
  }

  /** Cuts every link between the two groups, both ways. */
  partition(groupA: readonly NodeId[], groupB: readonly NodeId[]): void {
    for (const a of groupA) for (const b of groupB) this.cut(a, b);
  }

  isolate(id: NodeId): void {
    this.partition(
      [id],
      this.ids.filter((other) => other !== id),
    );
  }

  heal(): void {
    this.blocked.clear();
  }

  isBlocked(from: NodeId, to: NodeId): boolean {
    return this.blocked.has(`${from}>${to}`);
  }

  // ---- observation -------------------------------------------------------------------------

  isUp(id: NodeId): boolean {
    return this.node(id).core !== null;
  }

  isPaused(id: NodeId): boolean {
    return this.globalNow < this.node(id).pausedUntil;
  }

  stored(id: NodeId): HardState {
    return this.node(id).stored;
  }

  role(id: NodeId): Role | null {
    const node = this.node(id);
    return node.core ? node.core.status(this.localTime(node)).role : null;
  }

  term(id: NodeId): number {
    const node = this.node(id);
    return node.core ? node.core.hardState().term : node.stored.term;
  }

  status(id: NodeId): CoreStatus | null {
    const node = this.node(id);
    return node.core ? node.core.status(this.localTime(node)) : null;
  }

  leaderOf(id: NodeId): NodeId | null {
    const node = this.node(id);
    return node.core ? node.core.status(this.localTime(node)).leaderId : null;
  }

  /** Whether the node, reading its own clock now, believes it holds the lease. */
  holdsLease(id: NodeId): boolean {
    const node = this.node(id);
    return node.core !== null && node.core.leaseRemainingMs(this.localTime(node)) > 0;
  }

  leaders(): NodeId[] {
    return this.ids.filter((id) => this.role(id) === 'leader');
  }

  /** Exactly one leader, every node up, unpaused, in its term and following it. */
  agreedLeader(): NodeId | null {
    const leaders = this.leaders();
    const leader = leaders[0];
    if (leaders.length !== 1 || leader === undefined) return null;
    const term = this.term(leader);
    for (const id of this.ids) {
      if (!this.isUp(id) || this.isPaused(id) || this.term(id) !== term || this.leaderOf(id) !== leader) return null;
    }
    return leader;
  }

  maxTerm(): number {
    return Math.max(...this.ids.map((id) => this.term(id)));
  }

  /** The node's own monotonic clock now (the times its core sees). */
  clock(id: NodeId): number {
    return this.localTime(this.node(id));
  }

  private localTime(node: SimNode): number {
    return node.offset + node.rate * this.globalNow;
  }

  /** The earliest global time at which the node's clock reads at least `local` (rounding must not wake it early, or it would spin). */
  private globalTime(node: SimNode, local: number): number {
    let global = (local - node.offset) / node.rate;
    while (node.offset + node.rate * global < local) global += Math.max(Math.abs(global) * Number.EPSILON * 4, 1e-12);
    return global;
  }

  private node(id: NodeId): SimNode {
    const node = this.nodes.get(id);
    if (!node) throw new Error(`no simulated node ${id}`);
    return node;
  }
}
