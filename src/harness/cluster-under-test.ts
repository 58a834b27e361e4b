import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import https from 'node:https';
import { AdminClient } from '../client/admin-client.ts';
import type { LeaderView, NodeStatus } from '../client/admin-responses.ts';
import { claimOf, unanimousLeader, type AgreedLeader } from '../client/leader-agreement.ts';
import { loadClientTls } from '../tls/client-tls.ts';
import { caName, certificatePaths, mintClusterCertificates } from '../tls/mint-certificates.ts';
import type { ClientTlsMaterial } from '../tls/tls-channel.ts';
import { nodeCommand, type NodeCommand } from './node-command.ts';
import { asClusterId, asNodeId, type ClusterId, type NodeId } from '../core/ids.ts';
import { registerCleanup } from './cleanup-registry.ts';
import { freePorts } from '../util/free-ports.ts';
import { LeaseSampler } from './lease-sampler.ts';
import { LeadershipView } from './leadership-view.ts';
import { parseNodeLogLine, stampReceipt, type NodeLogEvent } from './node-log-event.ts';
import { spawnNode, type NodeExit } from './node-process.ts';
import { ProcessGroup, type NodeProcesses, type ProcessSlot } from './process-group.ts';
import { setTimeout as delay } from 'node:timers/promises';
import type { NodeNetwork } from '../netfault/node-network.ts';
import type { LogLevel } from '../node/node-options.ts';
import type { Timings } from './timings.ts';

export const benchClusterId = asClusterId('bench');

export interface ClusterSpec {
  readonly size: number;
  readonly timings: Timings;
  /** A module every node imports before its entry point (an in-process probe); absolute path. */
  readonly preload?: string;
  /**
   * Runs each node in its own network namespace of this network, on its own address (fixed
   * ports: peers 7400, admin 7500, metrics 7600), so that kernel rules can cut or slow its links.
   * Without it, nodes share 127.0.0.1 on free ports.
   */
  readonly network?: NodeNetwork;
  /** Extra environment for a node's process (e.g. libfaketime's), by node. */
  readonly environment?: (id: NodeId) => Readonly<Record<string, string>>;
  readonly maxClockDrift?: number;
  /** `debug` adds the lease-extended lines a history checker needs; default `info`. */
  readonly logLevel?: LogLevel;
  /** Every line each node prints goes to `<logDir>/<id>.log` (appending across restarts); default: the cluster's temp dir. */
  readonly logDir?: string;
  /**
   * Every node with mutual TLS between peers and client-certificate auth on admin and metrics:
   * `true` mints the certificates into the cluster's temp dir (as `npm run cluster -- --tls`
   * does) and calls as the operator; or a certificates directory laid out as `npm run certs`
   * makes it, and what the harness presents to it.
   */
  readonly tls?: boolean | ClusterTls;
  /** Default `bench`. */
  readonly clusterId?: ClusterId;
  /** How long the waits for agreement give the nodes by default (`convergenceTimeoutMs`). */
  readonly convergenceTimeoutMs?: number;
  /** Leaves the temp dir (data dirs, logs) in place on `stop()`, and says where it is. */
  readonly keepFiles?: boolean;
}

/** A TLS cluster's certificates directory, and what the harness presents to it. */
export interface ClusterTls {
  readonly dir: string;
  readonly client: ClientTlsMaterial;
}

export type { NodeExit };

interface NodeSlot extends ProcessSlot {
  readonly peerAddress: string;
  readonly adminAddress: string;
  readonly metricsAddress: string;
  readonly dataDir: string;
  client: AdminClient;
  readonly logFile: string;
  /** The last lines of stderr, to explain a node that fails to start. */
  stderrTail: string[];
  log: WriteStream | null;
}

/**
 * Longer than the VM's freezes (up to ~2 s seen): a call that spans one should come back with
 * its answer, not fail because the bench's own clock jumped past the deadline.
 */
const adminCallTimeoutMs = 5000;
/** Generous: on a machine shared with other test runs, starting Node with tsx has taken 30 s. */
const startTimeoutMs = 120_000;
/**
 * How long to wait for the nodes to converge on a leader after a fault before giving up on the
 * whole benchmark. Generous: the VM's freezes have stretched single elections past 15 s.
 */
export const convergenceTimeoutMs = 120_000;
const stderrTailLines = 20;

/**
 * A cluster of real node processes for a benchmark, the soak or an e2e test: free ports on
 * loopback (or a network namespace each), a LevelDB data dir per node under one temp dir, each
 * node's JSON log lines parsed as they arrive and appended to its log file. `stop()` kills every
 * process and removes the temp dir; so does Ctrl-C or an error, through the cleanup registry.
 */
export class ClusterUnderTest extends ProcessGroup<NodeSlot> implements NodeProcesses {
  private readonly events: NodeLogEvent[] = [];
  private readonly listeners = new Set<(entry: NodeLogEvent) => void>();
  private readonly view = new LeadershipView();
  private readonly samplers = new Set<LeaseSampler>();
  private readonly unregister: () => void;
  private stopped: Promise<void> | null = null;

  private constructor(
    private readonly root: string,
    slots: readonly NodeSlot[],
    readonly spec: ClusterSpec,
    readonly tls: ClusterTls | null,
  ) {
    super(slots);
    this.unregister = registerCleanup(() => this.stop());
  }

  static async start(spec: ClusterSpec): Promise<ClusterUnderTest> {
    const root = await mkdtemp(path.join(os.tmpdir(), 'hbc-bench-'));
    const network = spec.network;
    if (network !== undefined && network.ids.length < spec.size) throw new Error(`the network has ${network.ids.length} nodes, the cluster ${spec.size}`);
    const tls = spec.tls === true ? await mintBenchTls(path.join(root, 'tls'), spec.size) : spec.tls === false ? null : (spec.tls ?? null);
    const ports = network === undefined ? await freePorts(3 * spec.size) : [];
    const logDir = spec.logDir ?? root;
    await mkdir(logDir, { recursive: true });
    const slots = Array.from({ length: spec.size }, (_, index): NodeSlot => {
      const id = asNodeId(`n${index + 1}`);
      const at = (offset: number, fixedPort: number): string =>
        network === undefined ? `127.0.0.1:${ports[offset * spec.size + index]}` : `${network.address(id)}:${fixedPort}`;
      const adminAddress = at(1, 7500);
      return {
        id,
        peerAddress: at(0, 7400),
        adminAddress,
        metricsAddress: at(2, 7600),
        dataDir: path.join(root, id),
        logFile: path.join(logDir, `${id}.log`),
        child: null,
        exit: null,
        client: new AdminClient(adminAddress, adminCallTimeoutMs, tls?.client ?? null),
        stderrTail: [],
        log: null,
      };
    });
    const cluster = new ClusterUnderTest(root, slots, spec, tls);
    try {
      await Promise.all(cluster.ids.map((id) => cluster.launch(id)));
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  get timings(): Timings {
    return this.spec.timings;
  }

  get clusterId(): ClusterId {
    return this.spec.clusterId ?? benchClusterId;
  }

  private get convergenceTimeoutMs(): number {
    return this.spec.convergenceTimeoutMs ?? convergenceTimeoutMs;
  }

  // ---- processes and addresses -------------------------------------------------------------

  /** `host:port` the node serves its peers on. */
  peerAddress(id: NodeId): string {
    return this.slot(id).peerAddress;
  }

  /** `host:port` of the node's Prometheus endpoint. */
  metricsAddress(id: NodeId): string {
    return this.slot(id).metricsAddress;
  }

  /**
   * Starts a stopped node again on its own data dir and ports, and waits until it serves.
   * `extraArgs` override its flags for this run (the last of a repeated flag wins).
   */
  async restart(id: NodeId, extraArgs: readonly string[] = []): Promise<void> {
    const slot = this.slot(id);
    if (slot.child !== null) throw new Error(`cannot restart ${id}: it is still running`);
    // A fresh channel: the old one may be waiting out a reconnect backoff after the node died.
    slot.client.close();
    slot.client = new AdminClient(slot.adminAddress, adminCallTimeoutMs, this.tls?.client ?? null);
    await this.launch(id, extraArgs);
  }

  /** Sends the signal and waits for the process to be gone and its output read. */
  async kill(id: NodeId, signal: NodeJS.Signals = 'SIGKILL'): Promise<NodeExit> {
    this.signal(id, signal);
    return this.exited(id);
  }

  /**
   * Starts another process on `id`'s settings (and `extraArgs`) beside the cluster's own, not
   * waiting for it to serve and not reading its log: for tests of start-up refusals.
   */
  async spawnExtra(id: NodeId, extraArgs: readonly string[] = []): Promise<{ readonly exit: Promise<NodeExit>; readonly stderr: () => string }> {
    let stderr = '';
    const spawned = await spawnNode({
      id,
      command: this.command(this.slot(id), extraArgs),
      dataDir: this.slot(id).dataDir,
      output: { kind: 'lines', onStdout: () => undefined, onStderr: (line) => (stderr += `${line}\n`) },
    });
    if (!spawned.ok) throw new Error(spawned.problem);
    return { exit: spawned.node.exited, stderr: () => stderr };
  }

  /** Every node but `excluded`. */
  othersThan(excluded: NodeId): NodeId[] {
    return this.ids.filter((id) => id !== excluded);
  }

  /** The node's Prometheus text (over HTTPS with the bench's certificate for a TLS cluster); empty if it does not answer. */
  scrapeMetrics(id: NodeId): Promise<string> {
    const address = this.slot(id).metricsAddress;
    const tls = this.tls?.client;
    return new Promise<string>((resolve) => {
      const read = (response: http.IncomingMessage): void => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve(body));
      };
      const request =
        tls === undefined
          ? http.get(`http://${address}/metrics`, read)
          : https.get(`https://${address}/metrics`, { ca: tls.ca, cert: tls.cert, key: tls.key }, read);
      request.on('error', () => resolve(''));
    });
  }

  /** The node's metrics URL (https for a TLS cluster). */
  metricsUrl(id: NodeId): string {
    return `${this.tls === null ? 'http' : 'https'}://${this.slot(id).metricsAddress}/metrics`;
  }

  client(id: NodeId): AdminClient {
    return this.slot(id).client;
  }

  adminAddress(id: NodeId): string {
    return this.slot(id).adminAddress;
  }

  /** Every node's admin address, comma-separated, as hbctl's `--endpoints` takes them. */
  adminEndpoints(): string {
    return this.ids.map((id) => this.adminAddress(id)).join(',');
  }

  /** The node's LevelDB data dir (it outlives `stopProcesses()`, not `stop()`). */
  dataDir(id: NodeId): string {
    return this.slot(id).dataDir;
  }

  /** Where the node's lines are written. */
  logFile(id: NodeId): string {
    return this.slot(id).logFile;
  }

  // ---- asking the nodes --------------------------------------------------------------------

  /** The node's Status; null when it is not running or does not answer. */
  async status(id: NodeId): Promise<NodeStatus | null> {
    if (!this.isRunning(id)) return null;
    const result = await this.client(id).status();
    return result.ok ? result.value : null;
  }

  async statuses(): Promise<(NodeStatus | null)[]> {
    return Promise.all(this.ids.map((id) => this.status(id)));
  }

  /** The node's GetLeader; null when it is not running or does not answer (its channel closed under it included). */
  async getLeader(id: NodeId): Promise<LeaderView | null> {
    if (!this.isRunning(id)) return null;
    const result = await this.client(id)
      .getLeader()
      .catch(() => null);
    return result?.ok === true ? result.value : null;
  }

  /** Asks every running node GetLeader every `intervalMs` until stopped (see LeaseSampler); `stop()` stops it too. */
  sampleLeases(intervalMs: number): LeaseSampler {
    const sampler = new LeaseSampler(this, intervalMs, () => this.samplers.delete(sampler));
    this.samplers.add(sampler);
    return sampler;
  }

  /** Waits until the running nodes (or `among`) all answer Status with one leader in one term. */
  waitForAgreedLeader(timeoutMs = this.convergenceTimeoutMs, among: readonly NodeId[] = this.running()): Promise<AgreedLeader> {
    return poll(
      async () => unanimousLeader((await Promise.all(among.map((id) => this.status(id)))).map((status) => status && claimOf(status.id, status))),
      timeoutMs,
      'an agreed leader',
    );
  }

  /** Waits until exactly one of the running nodes (or `among`) says it holds the lease. */
  waitForLeaseHolder(timeoutMs = this.convergenceTimeoutMs, among: readonly NodeId[] = this.running()): Promise<{ holder: NodeId; term: number }> {
    return poll(
      async () => {
        const holders = (await Promise.all(among.map((id) => this.getLeader(id)))).filter((view) => view?.holdsLease === true);
        const holder = holders[0];
        return holders.length === 1 && holder ? { holder: asNodeId(holder.id), term: holder.term } : null;
      },
      timeoutMs,
      'one lease holder',
    );
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

  // ---- what the nodes logged ---------------------------------------------------------------

  logEvents(): readonly NodeLogEvent[] {
    return this.events;
  }

  /** What one node logged, across all its incarnations, in order. */
  nodeEvents(id: NodeId): NodeLogEvent[] {
    return this.events.filter((entry) => entry.node === id);
  }

  /** Every election won, by whom and for which term, across all incarnations. */
  electionsWon(): { readonly node: NodeId; readonly term: number }[] {
    return this.events.flatMap(({ node, line }) => (line.type === 'election-won' ? [{ node, term: line.term }] : []));
  }

  /**
   * Whether any of `nodes` logged a stall (a timer that fired far too late: its process was
   * frozen) since `sinceWallMs`. This VM sometimes freezes one process for longer than an election
   * timeout; a leader change after that is correct, and tests of stability allow for it.
   */
  stalledSince(sinceWallMs: number, nodes: readonly NodeId[] = this.ids): boolean {
    return this.events.some((entry) => entry.line.type === 'stall-detected' && nodes.includes(entry.node) && entry.wallMs >= sinceWallMs);
  }

  onLogEvent(listener: (entry: NodeLogEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The leader the running nodes (or `among`) all follow in one term, from their logs. */
  agreedLeader(among: readonly NodeId[] = this.running()): (AgreedLeader & { readonly agreedAtWallMs: number }) | null {
    return this.view.agreedLeader(among);
  }

  /** Evaluates `check` now and after every log line until it answers a value. */
  waitUntil<T>(check: () => T | null, timeoutMs: number, what: string): Promise<T> {
    const immediate = check();
    if (immediate !== null) return Promise.resolve(immediate);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        unsubscribe();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const unsubscribe = this.onLogEvent(() => {
        const value = check();
        if (value === null) return;
        clearTimeout(timer);
        unsubscribe();
        resolve(value);
      });
    });
  }

  /**
   * Waits until the running nodes agree on a leader that holds the lease, confirmed over the
   * admin API, and then one more minimum election timeout: a node restarted just before has
   * left its start-up wait by then (it could not vote during it), so the next fault meets a
   * cluster in its steady state.
   */
  async waitForStableLeader(): Promise<AgreedLeader & { readonly agreedAtWallMs: number }> {
    const { electionTimeoutMs, heartbeatMs } = this.timings;
    for (let attempt = 1; ; attempt++) {
      const agreed = await this.waitUntil(() => this.agreedLeader(), this.convergenceTimeoutMs, 'the running nodes to agree on a leader');
      await delay(electionTimeoutMs + 2 * heartbeatMs);
      // This VM freezes for up to ~900 ms about once a second, which rightly lets the lease lapse
      // until the next acked round: ask a few times, as long as the leader stays the same.
      const deadline = performance.now() + 4 * electionTimeoutMs;
      while (performance.now() < deadline) {
        const still = this.agreedLeader();
        if (still?.leader !== agreed.leader || still.term !== agreed.term) break;
        if (await this.confirmedByStatus(agreed)) return agreed;
        await delay(heartbeatMs);
      }
      if (attempt === 10) throw new Error('the cluster did not settle on one leader holding the lease (10 attempts)');
    }
  }

  async stop(): Promise<void> {
    this.stopped ??= this.stopEverything();
    return this.stopped;
  }

  /** Kills every node and waits until its output is read, keeping data dirs and logs (for a checker); `stop()` later removes them. */
  async stopProcesses(): Promise<void> {
    await this.killAll();
    await Promise.all(this.all().map((slot) => new Promise<void>((resolve) => (slot.log === null ? resolve() : slot.log.end(resolve)))));
    for (const slot of this.all()) slot.log = null;
  }

  // ---- internals ---------------------------------------------------------------------------

  /** Every running node answers Status with the agreed leader and term, and the leader holds the lease. */
  private async confirmedByStatus(agreed: AgreedLeader): Promise<boolean> {
    const statuses = await Promise.all(this.running().map((id) => this.client(id).status()));
    return statuses.every(
      (result) =>
        result.ok &&
        result.value.leaderId === agreed.leader &&
        result.value.term === agreed.term &&
        (result.value.id !== agreed.leader || result.value.holdsLease),
    );
  }

  private async launch(id: NodeId, extraArgs: readonly string[] = []): Promise<void> {
    const slot = this.slot(id);
    const command = this.command(slot, extraArgs);
    slot.log ??= createWriteStream(slot.logFile, { flags: 'a' });
    slot.stderrTail = [];
    const spawned = await spawnNode({
      id,
      command: { ...command, ...this.spec.network?.wrap(id, command.command, command.args) },
      dataDir: slot.dataDir,
      ...(this.spec.environment === undefined ? {} : { env: this.spec.environment(id) }),
      output: {
        kind: 'lines',
        onStdout: (line, receivedAtMs) => {
          slot.log?.write(`${stampReceipt(line, receivedAtMs)}\n`);
          this.record(id, line, receivedAtMs);
        },
        onStderr: (line) => {
          slot.log?.write(`${line}\n`);
          slot.stderrTail.push(line);
          if (slot.stderrTail.length > stderrTailLines) slot.stderrTail.shift();
        },
      },
    });
    if (!spawned.ok) throw new Error(spawned.problem);
    this.adopt(id, spawned.node);
    const pid = spawned.node.pid;
    const listening = this.waitUntil(
      () => (this.events.some((entry) => entry.node === id && entry.line.type === 'listening' && entry.pid === pid) ? true : null),
      startTimeoutMs,
      `${id} to start listening`,
    );
    const outcome = await Promise.race([
      listening.then(
        () => null,
        (error: unknown) => {
          throw new Error(`${error instanceof Error ? error.message : String(error)}; its stderr so far:\n${slot.stderrTail.join('\n')}`);
        },
      ),
      spawned.node.exited,
    ]);
    if (outcome !== null) {
      throw new Error(`${id} exited while starting (code ${outcome.code}, signal ${outcome.signal}):\n${slot.stderrTail.join('\n')}`);
    }
  }

  private command(slot: NodeSlot, extraArgs: readonly string[]): NodeCommand {
    const command = nodeCommand({
      id: slot.id,
      clusterId: this.clusterId,
      listen: slot.peerAddress,
      adminListen: slot.adminAddress,
      members: new Map(this.all().map((other) => [other.id, other.peerAddress])),
      dataDir: slot.dataDir,
      heartbeatMs: this.timings.heartbeatMs,
      electionTimeoutMs: this.timings.electionTimeoutMs,
      electionJitterMs: this.timings.electionJitterMs,
      ...(this.spec.maxClockDrift === undefined ? {} : { maxClockDrift: this.spec.maxClockDrift }),
      logLevel: this.spec.logLevel ?? 'info',
      ...(this.tls === null ? {} : { tlsDir: this.tls.dir }),
    });
    // Metrics stay on, as shipped, on a reserved port: the default (peer port + 200) is not among
    // the free ports reserved here and may be taken by another cluster on this machine.
    const args = [...command.args, '--metrics-listen', slot.metricsAddress, ...extraArgs];
    const preload = this.spec.preload;
    if (preload === undefined) return { ...command, args };
    // A TypeScript probe is loaded by tsx (and only it; the node itself is JavaScript).
    const loader = preload.endsWith('.ts') ? ['--import', 'tsx'] : [];
    return { ...command, args: [...loader, '--import', preload, ...args] };
  }

  private record(id: NodeId, line: string, receivedAtMs: number): void {
    const entry = parseNodeLogLine(id, line, receivedAtMs);
    if (entry === null) return;
    this.events.push(entry);
    this.view.observe(entry);
    for (const listener of [...this.listeners]) listener(entry);
  }

  private async stopEverything(): Promise<void> {
    this.unregister();
    // Closed channels answer every question at once: the samplers' loops end quickly.
    for (const slot of this.all()) slot.client.close();
    await Promise.all([...this.samplers].map((sampler) => sampler.stop()));
    await this.stopProcesses();
    if (this.spec.keepFiles === true) console.log(`cluster files kept in ${this.root}`);
    else await rm(this.root, { recursive: true, force: true });
  }
}

/** Asks `check` again every 5 ms (after its answer) until it answers a value. */
async function poll<T>(check: () => Promise<T | null>, timeoutMs: number, what: string): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== null) return value;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(5);
  }
}

async function mintBenchTls(dir: string, size: number): Promise<ClusterTls> {
  const nodes = new Map(Array.from({ length: size }, (_, index) => [`n${index + 1}`, []] as const));
  await mintClusterCertificates({ dir, clusterId: benchClusterId, nodes });
  const operator = certificatePaths(dir, 'operator');
  const loaded = loadClientTls({ cacert: certificatePaths(dir, caName).cert, cert: operator.cert, key: operator.key });
  if (!loaded.ok) throw new Error(loaded.problems.join('; '));
  return { dir, client: loaded.material };
}
