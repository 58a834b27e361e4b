import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AdminClient } from '../../src/client/admin-client.ts';
import type { LeaderView, NodeStatus } from '../../src/client/admin-responses.ts';
import type { LeaseObservation } from '../../src/client/lease-observations.ts';
import { nodeCommand } from '../../src/harness/node-command.ts';
import type { ClientTlsMaterial } from '../../src/tls/tls-channel.ts';
import { asClusterId, asNodeId, type NodeId } from '../../src/core/ids.ts';
import { freePorts } from '../../src/util/free-ports.ts';
import { waitFor } from '../support/wait-for.ts';

export interface RealClusterTimings {
  readonly heartbeatMs: number;
  readonly electionTimeoutMs: number;
  readonly electionJitterMs: number;
}

/** A running `sampleLeases`; `stop()` waits for the questions still out and answers everything observed. */
export interface LeaseSampling {
  /** What has been observed so far, in the order the answers came. */
  readonly observations: readonly LeaseObservation[];
  stop(): Promise<LeaseObservation[]>;
}

export interface ElectionWon {
  readonly node: NodeId;
  readonly term: number;
}

/** Short enough for quick tests, long enough to ride out a busy CI machine's scheduling hiccups. */
export const e2eTimings: RealClusterTimings = { heartbeatMs: 40, electionTimeoutMs: 400, electionJitterMs: 100 };

/**
 * Added to every "within X ms" bound a scenario defines: the test VM sometimes freezes every
 * process for up to ~900 ms, and a node that wakes from such a freeze rightly waits a little
 * for buffered messages before it acts.
 */
export const vmFreezeSlackMs = 1000;

/**
 * How long the nodes may take to agree on a leader before a test gives up. Generous: it only
 * bounds a failure, and this VM has been seen frozen for most of some seconds.
 */
const convergenceTimeoutMs = 30_000;

/**
 * A cluster whose nodes run with the certificates in `dir` (`npm run certs` layout: mutual TLS
 * between peers, TLS and client-certificate auth on admin and metrics); the test's own admin
 * calls go with `client`'s certificate.
 */
export interface RealClusterTls {
  readonly dir: string;
  readonly client: ClientTlsMaterial;
}

interface RunningNode {
  readonly id: NodeId;
  readonly peerAddress: string;
  readonly adminAddress: string;
  /** Prometheus metrics, on as shipped. */
  readonly metricsAddress: string;
  readonly dataDir: string;
  readonly logFile: string;
  process: ChildProcess | null;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }> | null;
}

/**
 * Real node processes on loopback, each with its own LevelDB data dir in a temp folder, driven
 * through the admin API. `stop()` kills everything and removes the folder, even after a failure.
 */
export class RealCluster {
  readonly ids: readonly NodeId[];
  private readonly nodes = new Map<NodeId, RunningNode>();
  private readonly clients = new Map<NodeId, AdminClient>();
  /** Stops each sampling still running, so that a failed test does not leave one asking forever. */
  private readonly samplingTimers = new Set<NodeJS.Timeout>();

  private constructor(
    private readonly root: string,
    nodes: RunningNode[],
    private readonly timings: RealClusterTimings,
    readonly tls: RealClusterTls | null,
  ) {
    this.ids = nodes.map((n) => n.id);
    for (const node of nodes) {
      this.nodes.set(node.id, node);
      // Generous: this VM sometimes freezes a process for over a second.
      this.clients.set(node.id, new AdminClient(node.adminAddress, 5000, tls?.client ?? null));
    }
  }

  static async start(size: number, timings: RealClusterTimings = e2eTimings, tls: RealClusterTls | null = null): Promise<RealCluster> {
    const root = await mkdtemp(path.join(os.tmpdir(), 'hbc-e2e-'));
    const ports = await freePorts(3 * size);
    const nodes: RunningNode[] = Array.from({ length: size }, (_, i) => {
      const id = asNodeId(`n${i + 1}`);
      return {
        id,
        peerAddress: `127.0.0.1:${ports[i]}`,
        adminAddress: `127.0.0.1:${ports[size + i]}`,
        metricsAddress: `127.0.0.1:${ports[2 * size + i]}`,
        dataDir: path.join(root, id),
        logFile: path.join(root, `${id}.log`),
        process: null,
        exit: null,
      };
    });
    const cluster = new RealCluster(root, nodes, timings, tls);
    const launches = await Promise.allSettled(cluster.ids.map((id) => cluster.launch(id)));
    const failure = launches.find((launch) => launch.status === 'rejected');
    if (failure) {
      // The caller never gets the cluster to stop, so the nodes that did start must not outlive the test.
      await cluster.stop();
      throw failure.reason;
    }
    return cluster;
  }

  get electionTimeoutMs(): number {
    return this.timings.electionTimeoutMs;
  }

  /** Starts (or restarts) a node on its own data dir; `extraArgs` override its flags (the last of a repeated flag wins). */
  async launch(id: NodeId, extraArgs: readonly string[] = []): Promise<void> {
    const node = this.node(id);
    await mkdir(node.dataDir, { recursive: true });
    const child = this.spawnNode(node, 'log', extraArgs);
    node.process = child;
    node.exit = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    // Loading a node from source takes seconds, and many more while the machine is busy: ask every
    // 100 ms rather than spin on refused connections and take CPU from the nodes still loading.
    await waitFor(
      async () => {
        const answered = (await this.status(id)) !== null;
        if (!answered) await new Promise((resolve) => setTimeout(resolve, 100));
        return answered;
      },
      60_000,
      `${id} to answer on its admin address`,
    );
  }

  /** Spawns a node process on `id`'s settings (and `extraArgs`) without waiting for it; for tests of start-up failures. */
  spawnExtra(id: NodeId, extraArgs: readonly string[] = []): { exit: Promise<{ code: number | null; stderr: string }> } {
    const child = this.spawnNode(this.node(id), 'pipe', extraArgs);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    return { exit: new Promise((resolve) => child.once('exit', (code) => resolve({ code, stderr }))) };
  }

  signal(id: NodeId, signal: NodeJS.Signals): void {
    this.node(id).process?.kill(signal);
  }

  /** Sends the signal and waits for the process to be gone. */
  async kill(id: NodeId, signal: NodeJS.Signals = 'SIGKILL'): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    const node = this.node(id);
    node.process?.kill(signal);
    const exit = (await node.exit) ?? { code: null, signal: null };
    node.process = null;
    return exit;
  }

  pid(id: NodeId): number | undefined {
    return this.node(id).process?.pid;
  }

  client(id: NodeId): AdminClient {
    const client = this.clients.get(id);
    if (!client) throw new Error(`no node ${id}`);
    return client;
  }

  adminAddress(id: NodeId): string {
    return this.node(id).adminAddress;
  }

  metricsUrl(id: NodeId): string {
    return `${this.tls === null ? 'http' : 'https'}://${this.node(id).metricsAddress}/metrics`;
  }

  peerAddress(id: NodeId): string {
    return this.node(id).peerAddress;
  }

  adminEndpoints(): string {
    return this.ids.map((id) => this.node(id).adminAddress).join(',');
  }

  async status(id: NodeId): Promise<NodeStatus | null> {
    if (!this.node(id).process) return null;
    const result = await this.client(id).status();
    return result.ok ? result.value : null;
  }

  async statuses(): Promise<(NodeStatus | null)[]> {
    return Promise.all(this.ids.map((id) => this.status(id)));
  }

  async getLeader(id: NodeId): Promise<LeaderView | null> {
    if (!this.node(id).process) return null;
    const result = await this.client(id).getLeader();
    return result.ok ? result.value : null;
  }

  /** Waits until exactly one of `among` reports holding the lease. */
  async waitForLeaseHolder(timeoutMs = convergenceTimeoutMs, among: readonly NodeId[] = this.running()): Promise<{ holder: NodeId; term: number }> {
    return waitFor(
      async () => {
        const views = await Promise.all(among.map((id) => this.getLeader(id)));
        const holders = views.filter((v) => v?.holdsLease === true);
        const holder = holders[0];
        return holders.length === 1 && holder ? { holder: asNodeId(holder.id), term: holder.term } : null;
      },
      timeoutMs,
      'one lease holder',
    );
  }

  /**
   * Asks every running node GetLeader every `intervalMs`, each node on its own schedule: a node
   * that does not answer (paused, say) is asked again only once its last question is settled,
   * so it never holds up the sampling of the others.
   */
  sampleLeases(intervalMs: number): LeaseSampling {
    const observations: LeaseObservation[] = [];
    const outstanding = new Map<NodeId, Promise<void>>();
    const ask = (id: NodeId): void => {
      const sentAt = performance.now();
      const question = this.getLeader(id).then((view) => {
        observations.push({ node: id, sentAt, answeredAt: performance.now(), view });
        outstanding.delete(id);
      });
      outstanding.set(id, question);
    };
    const timer = setInterval(() => {
      for (const id of this.running()) if (!outstanding.has(id)) ask(id);
    }, intervalMs);
    this.samplingTimers.add(timer);
    return {
      observations,
      stop: async () => {
        clearInterval(timer);
        this.samplingTimers.delete(timer);
        await Promise.all(outstanding.values());
        return [...observations].sort((a, b) => a.sentAt - b.sentAt);
      },
    };
  }

  /** Cuts every link between the two groups, in both directions, on both sides. */
  async disconnect(groupA: readonly NodeId[], groupB: readonly NodeId[]): Promise<void> {
    const cut = async (from: readonly NodeId[], to: readonly NodeId[]): Promise<void> => {
      await Promise.all(
        from.map(async (id) => {
          const result = await this.client(id).partition(to, 'both');
          if (!result.ok) throw new Error(`partition on ${id} failed: ${JSON.stringify(result.failure)}`);
        }),
      );
    };
    await Promise.all([cut(groupA, groupB), cut(groupB, groupA)]);
  }

  /** Removes every injected fault on every running node. */
  async healAll(): Promise<void> {
    await Promise.all(
      this.running().map(async (id) => {
        const result = await this.client(id).heal([]);
        if (!result.ok) throw new Error(`heal on ${id} failed: ${JSON.stringify(result.failure)}`);
      }),
    );
  }

  /** Every `election-won` in every node's log, across all its incarnations (logs are appended to). */
  async electionsWon(): Promise<ElectionWon[]> {
    const perNode = await Promise.all(
      this.ids.map(async (node) => (await this.events(node)).filter((e) => e.event === 'election-won').map((e) => ({ node, term: Number(e.term) }))),
    );
    return perNode.flat();
  }

  /** Waits until the running nodes agree on one leader in one term. */
  async waitForAgreedLeader(timeoutMs = convergenceTimeoutMs, among: readonly NodeId[] = this.running()): Promise<{ leader: NodeId; term: number }> {
    return waitFor(
      async () => {
        const statuses = await Promise.all(among.map((id) => this.status(id)));
        const leaders = statuses.filter((s) => s?.role === 'leader');
        const leader = leaders[0];
        if (leaders.length !== 1 || !leader) return null;
        const agreed = statuses.every((s) => s !== null && s.term === leader.term && s.leaderId === leader.id);
        return agreed ? { leader: asNodeId(leader.id), term: leader.term } : null;
      },
      timeoutMs,
      'an agreed leader',
    );
  }

  /** Every node but `excluded`. */
  othersThan(excluded: NodeId): NodeId[] {
    return this.ids.filter((id) => id !== excluded);
  }

  running(): NodeId[] {
    return this.ids.filter((id) => this.node(id).process !== null);
  }

  /** The JSON log lines a node wrote that carry an `event` field, in order. */
  async events(id: NodeId): Promise<Record<string, unknown>[]> {
    const text = await readFile(this.node(id).logFile, 'utf8').catch(() => '');
    return text
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((entry) => typeof entry.event === 'string');
  }

  /**
   * Whether any of `nodes` logged a stall (a timer that fired far too late: its process was
   * frozen) since `sinceWallMs`. This VM sometimes freezes one process for longer than an election
   * timeout; a leader change after that is correct, and tests of stability allow for it.
   */
  async stalledSince(sinceWallMs: number, nodes: readonly NodeId[] = this.ids): Promise<boolean> {
    const events = await Promise.all(nodes.map((id) => this.events(id)));
    return events.flat().some((e) => e.event === 'stall-detected' && Number(e.time) >= sinceWallMs);
  }

  async stop(): Promise<void> {
    for (const timer of this.samplingTimers) clearInterval(timer);
    for (const client of this.clients.values()) client.close();
    await Promise.all(this.running().map((id) => this.kill(id, 'SIGKILL')));
    // E2E_KEEP=1 keeps the data dirs and logs for a post-mortem.
    if (process.env.E2E_KEEP) console.log(`e2e cluster files kept in ${this.root}`);
    else await rm(this.root, { recursive: true, force: true });
  }

  private spawnNode(node: RunningNode, stdio: 'pipe' | 'log', extraArgs: readonly string[]): ChildProcess {
    const members = new Map([...this.nodes.values()].map((n) => [n.id, n.peerAddress]));
    const command = nodeCommand({
      id: node.id,
      clusterId: asClusterId('e2e'),
      listen: node.peerAddress,
      adminListen: node.adminAddress,
      members,
      dataDir: node.dataDir,
      heartbeatMs: this.timings.heartbeatMs,
      electionTimeoutMs: this.timings.electionTimeoutMs,
      electionJitterMs: this.timings.electionJitterMs,
      ...(this.tls === null ? {} : { tlsDir: this.tls.dir }),
    });
    // Metrics would default to the peer port + 200, which the free ports picked here do not reserve.
    const args = [...command.args, '--metrics-listen', node.metricsAddress, ...extraArgs];
    const child = spawn(command.command, args, { cwd: command.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    if (stdio === 'log') {
      const log = createWriteStream(node.logFile, { flags: 'a' });
      child.stdout?.pipe(log);
      child.stderr?.pipe(log);
    }
    return child;
  }

  private node(id: NodeId): RunningNode {
    const node = this.nodes.get(id);
    if (!node) throw new Error(`no node ${id}`);
    return node;
  }
}
