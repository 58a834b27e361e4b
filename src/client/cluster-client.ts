import type { LeaderView, LinkFault, MembersView, NodeStatus, NodeTiming } from './admin-responses.ts';
import type { PartitionDirection } from './admin-client.ts';
import { AdminNode } from './admin-node.ts';
import type { ClientTlsMaterial } from '../tls/tls-channel.ts';
import { Backoff, defaultBackoff, type BackoffSettings } from './backoff.ts';
import { describeCallFailure, type CallFailure, type CallResult } from './call-failure.ts';
import { realClock, sleep, type ClientClock } from './client-clock.ts';
import type { AdminTarget } from './endpoints.ts';
import { keepLease, releaseOnAbort, runUnderLease, type Lease, type LeaseReading, type LeaseScope, type LeaseSource } from './lease.ts';
import { observeLeader, type LeaderChange, type ObserveLeaderOptions } from './observe-leader.ts';
import { locateLeader, type LocateLeaderResult } from './locate-leader.ts';

/** One node's answer to a call made to every node. */
export interface NodeAnswer<T> {
  readonly node: AdminNode;
  readonly result: CallResult<T>;
}

export interface ClusterClientOptions {
  /** The deadline of each call to a node (default 1500 ms). */
  readonly callTimeoutMs?: number;
  /** Delays between retries when no node answers or leadership is moving. */
  readonly backoff?: BackoffSettings;
  /** Time and randomness; real ones unless a test gives virtual ones. */
  readonly clock?: ClientClock;
  readonly random?: () => number;
  /** TLS to every node: the CA to trust and, for nodes that require one, the client certificate (read with `loadClientTls`). */
  readonly tls?: ClientTlsMaterial | null;
}

export interface AcquireLeaseOptions {
  /** Aborting it gives up: `acquireLease` rejects with its reason, a lease already held is released. */
  readonly signal?: AbortSignal;
  /** Only a lease held by this node (its id), e.g. the node running beside this process. Default: whichever node holds it. */
  readonly node?: string;
  /**
   * Taken off the lease's end: how long this process may need between the signal aborting and
   * its last action on the lease (default 10 ms).
   */
  readonly marginMs?: number;
  /** How often the lease is renewed (default: every two heartbeat intervals of the cluster). */
  readonly renewEveryMs?: number;
}

export interface HandOverOptions {
  readonly signal?: AbortSignal;
  /** Tries before giving up while the leader cannot be found or leadership moves (default 8). */
  readonly attempts?: number;
}

/** A completed hand-off: who led, and to whom it went (null: it just stepped down). */
export interface HandOver {
  readonly from: string;
  readonly to: string | null;
}

const defaultCallTimeoutMs = 1_500;
const defaultMarginMs = 10;
const defaultHandOverAttempts = 8;

/**
 * A client of the whole cluster through the nodes' admin API: any subset of the nodes, each
 * over its own channel. It finds and follows the leader, retries with backoff, and every
 * waiting call takes an AbortSignal. Close it when done so the process can exit.
 */
export class ClusterClient {
  readonly nodes: readonly AdminNode[];
  private readonly clock: ClientClock;
  private readonly random: () => number;
  private readonly backoffSettings: BackoffSettings;
  /** Timing each node reported (it never changes while a node runs). */
  private readonly timings = new Map<AdminNode, NodeTiming>();

  constructor(targets: readonly AdminTarget[], options: ClusterClientOptions = {}) {
    const callTimeoutMs = options.callTimeoutMs ?? defaultCallTimeoutMs;
    this.nodes = targets.map((target) => new AdminNode(target, callTimeoutMs, options.tls ?? null));
    this.clock = options.clock ?? realClock;
    this.random = options.random ?? Math.random;
    this.backoffSettings = options.backoff ?? defaultBackoff;
  }

  /** Every node's Status, asked in parallel, in the nodes' order. Nodes that answer have their ids learned. */
  status(): Promise<readonly NodeAnswer<NodeStatus>[]> {
    return this.everyNode(
      (node) => node.client.status(),
      (node, status) => this.learn(node, status),
    );
  }

  /** Every node's GetLeader, asked in parallel, in the nodes' order. */
  getLeaderAll(): Promise<readonly NodeAnswer<LeaderView>[]> {
    return this.everyNode(
      (node) => node.client.getLeader(),
      (node, view) => node.learnId(view.id),
    );
  }

  /** Every node's Members view, asked in parallel, in the nodes' order. */
  membersAll(): Promise<readonly NodeAnswer<MembersView>[]> {
    return this.everyNode(
      (node) => node.client.members(),
      (node, view) => node.learnId(view.id),
    );
  }

  /** The node the others agree leads, from every node's Status (see `agreeOnLeader`). */
  leader(): Promise<LocateLeaderResult> {
    return locateLeader(this);
  }

  /** One node's view of the membership: `from` (an id), or the leader's, which hears from everyone. */
  async members(options: { readonly from?: string } = {}): Promise<CallResult<MembersView>> {
    const node = await this.nodeOrLeader(options.from);
    return node.ok ? node.value.client.members() : node;
  }

  /** Hands leadership to `to` (null or absent: the most responsive follower), following the leader if it moves meanwhile. */
  transfer(options: HandOverOptions & { readonly to?: string | null } = {}): Promise<CallResult<HandOver>> {
    return this.handOver((leader) => leader.client.transferLeadership(options.to ?? null), options);
  }

  /** The leader hands leadership to its most responsive follower (or simply steps down). */
  stepDown(options: HandOverOptions = {}): Promise<CallResult<HandOver>> {
    return this.handOver((leader) => leader.client.stepDown(), options);
  }

  /** Cuts `node`'s links to `peers` (ids) in `direction`; answers the faults now on its links. */
  async partition(node: string, peers: readonly string[], direction: PartitionDirection = 'both'): Promise<CallResult<readonly LinkFault[]>> {
    const found = await this.named(node);
    return found.ok ? found.value.client.partition(peers, direction) : found;
  }

  /** Removes cuts and delays on `node`'s links to `peers` (every link when empty). */
  async heal(node: string, peers: readonly string[] = []): Promise<CallResult<readonly LinkFault[]>> {
    const found = await this.named(node);
    return found.ok ? found.value.client.heal(peers) : found;
  }

  /** Removes every injected fault on every node. */
  healAll(): Promise<readonly NodeAnswer<readonly LinkFault[]>[]> {
    return this.everyNode((node) => node.client.heal([]));
  }

  /** Delays `node`'s messages to `peers` by `delayMs` (± `jitterMs`). */
  async setDelay(node: string, peers: readonly string[], delayMs: number, jitterMs = 0): Promise<CallResult<readonly LinkFault[]>> {
    const found = await this.named(node);
    return found.ok ? found.value.client.setDelay(peers, delayMs, jitterMs) : found;
  }

  /**
   * The leader now, then every change of leader, with its term, in term order; see
   * observe-leader.ts for how no change is missed. Ends with the signal's reason when it aborts;
   * a `break` out of the loop stops it too.
   */
  observeLeader(options: ObserveLeaderOptions = {}): AsyncIterableIterator<LeaderChange> {
    return observeLeader(this.nodes, this.clock, () => new Backoff(this.backoffSettings, this.random), options);
  }

  /**
   * Resolves once the lease is held (by `options.node`, or by whichever node leads), with the
   * fencing token and a signal that aborts before any other node can hold the lease. Waits and
   * retries for as long as it takes; rejects only with the reason of `options.signal`.
   */
  async acquireLease(options: AcquireLeaseOptions = {}): Promise<Lease> {
    const { signal } = options;
    const marginMs = options.marginMs ?? defaultMarginMs;
    const backoff = new Backoff(this.backoffSettings, this.random);
    for (;;) {
      signal?.throwIfAborted();
      const candidate = options.node === undefined ? await this.leaseCandidate() : await this.findNode(options.node);
      const timing = candidate === undefined ? undefined : await this.timingOf(candidate);
      signal?.throwIfAborted();
      if (candidate !== undefined && timing !== undefined) {
        // A fixed node is waited on for longer; otherwise the leader may move and is looked for again.
        const waitMs = timing.electionTimeoutMs * (options.node === undefined ? 1 : 4);
        const source = this.leaseSource(candidate, timing);
        const reading = await source.read(waitMs, signal);
        signal?.throwIfAborted();
        if (reading.kind === 'held' && reading.validUntil - marginMs > this.clock.now()) {
          return releaseOnAbort(
            keepLease(reading, source, { clock: this.clock, marginMs, renewEveryMs: options.renewEveryMs ?? 2 * timing.heartbeatMs }),
            signal,
          );
        }
      }
      await sleep(this.clock, backoff.nextDelayMs(), signal);
    }
  }

  /**
   * Runs `job` under the lease (see `acquireLease`) and releases the lease only once the job has
   * settled; answers what the job answers. The job must stop acting when its signal aborts, and
   * send the term with each action so that a resource can refuse a late one. Releasing only stops
   * this client from renewing: the node keeps leading (see docs/design.md, "The client library's guarantees", for why).
   */
  async withLease<T>(job: (scope: LeaseScope) => Promise<T> | T, options: AcquireLeaseOptions = {}): Promise<T> {
    return runUnderLease(await this.acquireLease(options), job);
  }

  /** The node with this id; asks every node its id first if some are not known yet (with endpoints only). */
  async findNode(id: string): Promise<AdminNode | undefined> {
    const known = this.nodes.find((node) => node.id === id);
    if (known !== undefined || this.nodes.every((node) => node.id !== null)) return known;
    await this.status();
    return this.nodes.find((node) => node.id === id);
  }

  /** Ids where known, endpoints otherwise: for messages naming the nodes one could have meant. */
  names(): string {
    return this.nodes.map((node) => node.name).join(', ');
  }

  close(): void {
    for (const node of this.nodes) node.client.close();
  }

  /** `call` on every node in parallel, in the nodes' order; `learn` sees each answer first. */
  private async everyNode<T>(
    call: (node: AdminNode) => Promise<CallResult<T>>,
    learn: (node: AdminNode, value: T) => void = () => undefined,
  ): Promise<readonly NodeAnswer<T>[]> {
    return Promise.all(
      this.nodes.map(async (node) => {
        const result = await call(node);
        if (result.ok) learn(node, result.value);
        return { node, result };
      }),
    );
  }

  private learn(node: AdminNode, status: NodeStatus): void {
    node.learnId(status.id);
    if (status.timing !== null) this.timings.set(node, status.timing);
  }

  private async timingOf(node: AdminNode): Promise<NodeTiming | undefined> {
    const known = this.timings.get(node);
    if (known !== undefined) return known;
    const status = await node.client.status();
    if (status.ok) this.learn(node, status.value);
    return this.timings.get(node);
  }

  private async named(id: string): Promise<CallResult<AdminNode>> {
    const node = await this.findNode(id);
    return node === undefined ? { ok: false, failure: noSuchNode(id, this.names()) } : { ok: true, value: node };
  }

  private async nodeOrLeader(id: string | undefined): Promise<CallResult<AdminNode>> {
    if (id !== undefined) return this.named(id);
    const leader = await this.leader();
    return leader.ok ? { ok: true, value: leader.node } : { ok: false, failure: { kind: 'unreachable', reason: `cannot find the leader: ${leader.problem}` } };
  }

  /**
   * The node holding the lease now, as soon as one says so (a paused node's silence holds up
   * nothing); else, once every node answered or failed, the one named leader in the highest term,
   * which may get the lease soon.
   */
  private leaseCandidate(): Promise<AdminNode | undefined> {
    return new Promise((resolve) => {
      const views: { readonly node: AdminNode; readonly view: LeaderView }[] = [];
      let unsettled = this.nodes.length;
      let found = false;
      const settled = (): void => {
        unsettled -= 1;
        if (found || unsettled > 0) return;
        const newest = views.filter(({ view }) => view.leaderId !== null).sort((a, b) => b.view.term - a.view.term)[0]?.view.leaderId;
        void (newest === undefined || newest === null ? Promise.resolve(undefined) : this.findNode(newest)).then(resolve);
      };
      if (unsettled === 0) resolve(undefined);
      for (const node of this.nodes) {
        void node.client.getLeader().then((result) => {
          if (result.ok) {
            node.learnId(result.value.id);
            views.push({ node, view: result.value });
            if (result.value.holdsLease && !found) {
              found = true;
              resolve(node);
            }
          }
          settled();
        });
      }
    });
  }

  /**
   * A node's lease as this client may count on it: the node answers "valid for V ms" at some
   * moment after the question left, so the lease holds at least until the question left plus V,
   * shortened by the drift bound because this client's clock may run slower than the node's.
   */
  private leaseSource(node: AdminNode, timing: NodeTiming): RemoteLeaseSource {
    const clock = this.clock;
    return {
      read: async (waitMs: number = 0, signal?: AbortSignal): Promise<LeaseReading> => {
        const askedAt = clock.now();
        const result = await node.client.waitForLease(waitMs, signal === undefined ? {} : { signal });
        if (result.ok) {
          const { holder, term, validForMs } = result.value;
          return { kind: 'held', holder, term, validUntil: askedAt + validForMs * (1 - timing.maxClockDrift) };
        }
        const { failure } = result;
        if (failure.kind === 'rejected' && failure.code === 'FAILED_PRECONDITION') return { kind: 'not-held', detail: failure.details };
        return { kind: 'no-answer', detail: describeCallFailure(failure) };
      },
      watch: (term, ended) => {
        const stream = node.client.watchLease({
          state: (state) => {
            if (!state.holdsLease || state.term !== term) ended('lost', `${node.label} says it holds no lease in term ${term}`);
          },
          ended: (failure) => ended('disconnected', `the lease watch on ${node.label} ended: ${describeCallFailure(failure)}`),
        });
        return () => stream.cancel();
      },
    };
  }

  private async handOver(handOff: (leader: AdminNode) => Promise<CallResult<string | null>>, options: HandOverOptions): Promise<CallResult<HandOver>> {
    const backoff = new Backoff(this.backoffSettings, this.random);
    const attempts = options.attempts ?? defaultHandOverAttempts;
    let last: CallFailure = { kind: 'unreachable', reason: 'no attempt was made' };
    for (let attempt = 0; attempt < attempts; attempt += 1) {
      options.signal?.throwIfAborted();
      if (attempt > 0) await sleep(this.clock, backoff.nextDelayMs(), options.signal);
      const leader = await this.leader();
      if (!leader.ok) {
        last = { kind: 'unreachable', reason: `cannot find the leader: ${leader.problem}` };
        continue;
      }
      const result = await handOff(leader.node);
      if (result.ok) return { ok: true, value: { from: leader.node.name, to: result.value } };
      last = result.failure;
      // Only a leader that is no longer one is worth asking again; any other refusal stands.
      if (!(last.kind === 'unreachable' || (last.kind === 'rejected' && last.code === 'FAILED_PRECONDITION' && last.details.startsWith('not the leader'))))
        break;
    }
    return { ok: false, failure: last };
  }
}

/** A node's lease over gRPC; its first reading may wait for the node to gain the lease. */
interface RemoteLeaseSource extends LeaseSource {
  read(waitMs?: number, signal?: AbortSignal): Promise<LeaseReading>;
}

function noSuchNode(id: string, names: string): CallFailure {
  return { kind: 'rejected', code: 'NOT_FOUND', details: `no node ${id} among ${names}` };
}
