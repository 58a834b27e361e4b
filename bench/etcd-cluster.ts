import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { asNodeId, type NodeId } from '../src/core/ids.ts';
import { freePorts } from '../src/util/free-ports.ts';
import { registerCleanup } from '../src/harness/cleanup-registry.ts';
import { ProcessGroup, type NodeProcesses, type ProcessSlot } from '../src/harness/process-group.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Timings } from '../src/harness/timings.ts';

/** One leadership line an etcd member logged: `<id> became leader at term N`. */
export interface EtcdLeaderLine {
  readonly node: NodeId;
  readonly wallMs: number;
  readonly term: number;
}

/** What `/v3/maintenance/status` says, with member ids mapped to node names. */
export interface EtcdStatus {
  readonly node: NodeId;
  readonly leads: boolean;
  readonly leaderId: NodeId | null;
  readonly term: number;
}

interface EtcdSlot extends ProcessSlot {
  readonly peerUrl: string;
  readonly clientPort: number;
  readonly dataDir: string;
  stderrTail: string[];
}

const startTimeoutMs = 60_000;
const statusTimeoutMs = 1000;
/** Kept alive between polls, as the admin client's gRPC channel is for the other system. */
const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

/** The etcd binary's version line, or null when `etcd` is not on PATH. */
export function etcdVersion(): string | null {
  const result = spawnSync('etcd', ['--version'], { encoding: 'utf8' });
  if (result.error !== undefined || result.status !== 0) return null;
  return /etcd Version: (\S+)/.exec(result.stdout)?.[1] ?? null;
}

/**
 * An etcd cluster of real processes on loopback, for side-by-side runs: the same sizes and
 * timings (`--heartbeat-interval`, `--election-timeout`), ports from the same free-port pool,
 * data dirs under one temp dir. Each member's zap JSON log is read for its own "became leader"
 * stamps, and its leadership is polled over the HTTP gateway's `/v3/maintenance/status`.
 */
export class EtcdCluster extends ProcessGroup<EtcdSlot> implements NodeProcesses {
  private readonly leaderLines: EtcdLeaderLine[] = [];
  private readonly listeners = new Set<() => void>();
  /** etcd's member ids (decimal, as the gateway prints them) to node names. */
  private readonly memberNames = new Map<string, NodeId>();
  private readonly unregister: () => void;
  private stopped: Promise<void> | null = null;

  private constructor(
    private readonly root: string,
    slots: readonly EtcdSlot[],
    readonly timings: Timings,
  ) {
    super(slots);
    this.unregister = registerCleanup(() => this.stop());
  }

  static async start(size: number, timings: Timings): Promise<EtcdCluster> {
    const root = await mkdtemp(path.join(os.tmpdir(), 'hbc-bench-etcd-'));
    const ports = await freePorts(2 * size);
    const slots = Array.from({ length: size }, (_, index): EtcdSlot => {
      const id = asNodeId(`e${index + 1}`);
      return {
        id,
        peerUrl: `http://127.0.0.1:${ports[index]}`,
        clientPort: ports[size + index]!,
        dataDir: path.join(root, id),
        child: null,
        exit: null,
        stderrTail: [],
      };
    });
    const cluster = new EtcdCluster(root, slots, timings);
    try {
      await Promise.all(cluster.ids.map((id) => cluster.launch(id)));
      await cluster.learnMemberIds();
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  /** Starts a stopped member again on its data dir; resolves once its client port answers. */
  async restart(id: NodeId): Promise<void> {
    await this.launch(id);
  }

  leaderLinesSince(wallMs: number): EtcdLeaderLine[] {
    return this.leaderLines.filter((line) => line.wallMs >= wallMs);
  }

  /** Resolves with `check`'s first non-null value, evaluated now and after each leadership line. */
  waitUntil<T>(check: () => T | null, timeoutMs: number, what: string): Promise<T> {
    const immediate = check();
    if (immediate !== null) return Promise.resolve(immediate);
    return new Promise((resolve, reject) => {
      const listener = (): void => {
        const value = check();
        if (value === null) return;
        clearTimeout(timer);
        this.listeners.delete(listener);
        resolve(value);
      };
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.listeners.add(listener);
    });
  }

  /** The member's own view: does it lead, whom does it follow. Null if it does not answer. */
  status(id: NodeId): Promise<EtcdStatus | null> {
    const slot = this.slot(id);
    return new Promise((resolve) => {
      const request = http.request(
        {
          host: '127.0.0.1',
          port: slot.clientPort,
          path: '/v3/maintenance/status',
          method: 'POST',
          agent,
          timeout: statusTimeoutMs,
          headers: { 'content-type': 'application/json' },
        },
        (response) => {
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (body += chunk));
          response.on('end', () => resolve(this.parseStatus(id, body)));
          response.on('error', () => resolve(null));
        },
      );
      request.on('timeout', () => request.destroy());
      request.on('error', () => resolve(null));
      request.end('{}');
    });
  }

  /** Polls until every running member names the same leader in the same term; then one more election timeout. */
  async waitForStableLeader(timeoutMs = 120_000): Promise<{ readonly leader: NodeId; readonly term: number }> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const statuses = await Promise.all(this.running().map((id) => this.status(id)));
      const first = statuses[0];
      if (
        first !== null &&
        first !== undefined &&
        first.leaderId !== null &&
        statuses.every((status) => status !== null && status.leaderId === first.leaderId && status.term === first.term)
      ) {
        await sleep(this.timings.electionTimeoutMs);
        const again = await this.status(first.leaderId);
        if (again?.leads === true && again.term === first.term) return { leader: first.leaderId, term: first.term };
      }
      if (performance.now() > deadline) throw new Error('etcd members did not agree on a leader');
      await sleep(this.timings.heartbeatMs);
    }
  }

  async stop(): Promise<void> {
    this.stopped ??= this.stopEverything();
    return this.stopped;
  }

  private parseStatus(id: NodeId, body: string): EtcdStatus | null {
    try {
      const parsed = JSON.parse(body) as { header?: { member_id?: string }; leader?: string; raftTerm?: string };
      const self = parsed.header?.member_id;
      if (self === undefined) return null;
      const leader = parsed.leader === undefined || parsed.leader === '0' ? null : (this.memberNames.get(parsed.leader) ?? null);
      return { node: id, leads: parsed.leader === self, leaderId: leader, term: Number(parsed.raftTerm ?? 0) };
    } catch {
      return null;
    }
  }

  private async learnMemberIds(): Promise<void> {
    for (const id of this.ids) {
      const slot = this.slot(id);
      for (let attempt = 0; ; attempt++) {
        const body = await new Promise<string>((resolve) => {
          const request = http.request({ host: '127.0.0.1', port: slot.clientPort, path: '/v3/maintenance/status', method: 'POST', agent }, (response) => {
            let text = '';
            response.on('data', (chunk: Buffer) => (text += chunk.toString()));
            response.on('end', () => resolve(text));
          });
          request.on('error', () => resolve(''));
          request.end('{}');
        });
        const member = /"member_id":"(\d+)"/.exec(body)?.[1];
        if (member !== undefined) {
          this.memberNames.set(member, id);
          break;
        }
        if (attempt > 200) throw new Error(`etcd member ${id} never answered its status`);
        await sleep(50);
      }
    }
  }

  private args(slot: EtcdSlot): string[] {
    const initialCluster = this.all()
      .map((other) => `${other.id}=${other.peerUrl}`)
      .join(',');
    return [
      '--name',
      slot.id,
      '--data-dir',
      slot.dataDir,
      '--listen-peer-urls',
      slot.peerUrl,
      '--initial-advertise-peer-urls',
      slot.peerUrl,
      '--listen-client-urls',
      `http://127.0.0.1:${slot.clientPort}`,
      '--advertise-client-urls',
      `http://127.0.0.1:${slot.clientPort}`,
      '--initial-cluster',
      initialCluster,
      '--initial-cluster-state',
      'new',
      '--initial-cluster-token',
      'hbc-bench',
      '--heartbeat-interval',
      String(this.timings.heartbeatMs),
      '--election-timeout',
      String(this.timings.electionTimeoutMs),
      '--logger',
      'zap',
      '--log-outputs',
      'stderr',
    ];
  }

  private async launch(id: NodeId): Promise<void> {
    const slot = this.slot(id);
    await mkdir(slot.dataDir, { recursive: true });
    const child = await this.spawn(id, 'etcd', this.args(slot), { stdio: ['ignore', 'ignore', 'pipe'] });
    slot.stderrTail = [];
    if (child.stderr) createInterface({ input: child.stderr, crlfDelay: Infinity }).on('line', (line) => this.record(slot, line));
    const deadline = performance.now() + startTimeoutMs;
    for (;;) {
      if (slot.child !== child) throw new Error(`etcd ${id} exited while starting:\n${slot.stderrTail.join('\n')}`);
      if ((await this.rawStatusAnswers(slot)) === true) return;
      if (performance.now() > deadline) throw new Error(`etcd ${id} did not answer within ${startTimeoutMs} ms:\n${slot.stderrTail.join('\n')}`);
      await sleep(10);
    }
  }

  private rawStatusAnswers(slot: EtcdSlot): Promise<boolean> {
    return new Promise((resolve) => {
      const request = http.request(
        { host: '127.0.0.1', port: slot.clientPort, path: '/health', method: 'GET', agent, timeout: statusTimeoutMs },
        (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode !== undefined));
        },
      );
      request.on('timeout', () => request.destroy());
      request.on('error', () => resolve(false));
      request.end();
    });
  }

  private record(slot: EtcdSlot, line: string): void {
    slot.stderrTail.push(line);
    if (slot.stderrTail.length > 20) slot.stderrTail.shift();
    if (!line.includes('became leader at term')) return;
    try {
      const entry = JSON.parse(line) as { ts?: string; msg?: string };
      const term = /became leader at term (\d+)/.exec(entry.msg ?? '')?.[1];
      const wallMs = entry.ts === undefined ? Number.NaN : Date.parse(entry.ts);
      if (term === undefined || Number.isNaN(wallMs)) return;
      this.leaderLines.push({ node: slot.id, wallMs, term: Number(term) });
      for (const listener of [...this.listeners]) listener();
    } catch {
      // Not a JSON line: etcd printed something else.
    }
  }

  private async stopEverything(): Promise<void> {
    this.unregister();
    await this.killAll();
    await rm(this.root, { recursive: true, force: true });
  }
}
