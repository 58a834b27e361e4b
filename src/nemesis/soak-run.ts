import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { asNodeId, type NodeId } from '../core/ids.ts';
import { overlappingLeaseClaims } from '../client/lease-observations.ts';
import { ClusterUnderTest } from '../harness/cluster-under-test.ts';
import { productTimings, type Timings } from '../harness/timings.ts';
import { checkHistory, type Verdict } from '../history/check-history.ts';
import { collectHistory } from '../history/collect-history.ts';
import type { ConnectivitySpan, FaultEvent } from '../history/history.ts';
import { ensureFaketime, ensureNetTools, libfaketimePath } from '../netfault/host-tools.ts';
import { linksOfCuts, type LinkFault } from '../netfault/link-faults.ts';
import { NodeNetwork } from '../netfault/node-network.ts';
import { hostMonotonicMs } from '../util/host-monotonic.ts';
import { SeededRandom } from '../util/seeded-random.ts';
import { majorityConnected } from './connectivity.ts';
import { LeaseWorkload, type WorkloadCounts } from './lease-workload.ts';
import { isolate } from './partition-shapes.ts';
import { describeFault, faultKind, planSoak, type Episode, type NemesisFault, type Target } from './soak-schedule.ts';

export interface SoakOptions {
  readonly durationMs: number;
  readonly seed: number;
  readonly nodes: number;
  readonly timings?: Timings;
  readonly maxClockDrift?: number;
  /** libfaketime clock rates by node id (1.05: 5% fast); nodes not named run on the real clock. */
  readonly clockRates?: ReadonlyMap<string, number>;
  /** Instead of the seeded plan: a drift run's scripted faults, say. */
  readonly episodes?: readonly Episode[];
  /** Overlaps up to this long are measurement error (see clock-mapping.ts); 0 on the real clock. */
  readonly toleranceMs?: number;
  readonly print: (line: string) => void;
  /** Aborted: no more faults; the run repairs everything and is judged as far as it went. */
  readonly signal?: AbortSignal;
  /** Keep the logs and data dirs (their paths are in the report). */
  readonly keepFiles?: boolean;
  /** Also ask every node GetLeader this often (ms) and count the moments two claimed the lease, seen from outside. */
  readonly sampleLeasesMs?: number;
}

export interface SoakReport {
  readonly seed: number;
  readonly nodes: number;
  readonly ranMs: number;
  readonly verdict: Verdict;
  readonly faultCounts: Readonly<Record<string, number>>;
  readonly client: WorkloadCounts;
  /** Actions that could not be carried out (a node that would not restart, say). */
  readonly problems: readonly string[];
  /** The logs and data, when kept. */
  readonly files: string | null;
  /** With `sampleLeasesMs`: GetLeader answers, and pairs of them in which two nodes claimed the lease at what may have been one moment. */
  readonly outside: { readonly samples: number; readonly overlappingClaims: number } | null;
}

export class SoakUnavailable extends Error {}

/**
 * A real cluster, each node in its own network namespace, under a seeded nemesis (kills,
 * restarts, pauses, the named partitions as kernel rules, delay and loss, leadership transfers)
 * while a client keeps asking for the lease; then the history checker's verdict on the nodes'
 * logs, the client's tokens and the stores. Throws SoakUnavailable without root or tools.
 */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const tools = await ensureNetTools();
  if (!tools.ok) throw new SoakUnavailable(tools.reason);
  if (options.clockRates !== undefined && options.clockRates.size > 0) {
    const faketime = await ensureFaketime();
    if (!faketime.ok) throw new SoakUnavailable(faketime.reason);
  }
  const ids = Array.from({ length: options.nodes }, (_, index) => asNodeId(`n${index + 1}`));
  const timings = options.timings ?? productTimings;
  const network = await NodeNetwork.create(ids, { handleSignals: false });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hbc-soak-'));
  let cluster: ClusterUnderTest | null = null;
  try {
    cluster = await ClusterUnderTest.start({
      size: ids.length,
      timings,
      network,
      logLevel: 'debug',
      logDir: path.join(dir, 'logs'),
      ...(options.maxClockDrift === undefined ? {} : { maxClockDrift: options.maxClockDrift }),
      environment: (id) => faketimeEnvironment(options.clockRates?.get(id)),
    });
    return await new SoakRun(cluster, network, ids, timings, options, dir).run();
  } finally {
    if (options.keepFiles) {
      await cluster?.stopProcesses();
      options.print(
        `kept the logs in ${dir}/logs and the data dirs under ${cluster === null ? '(none)' : path.dirname(cluster.dataDir(ids[0] ?? asNodeId('n1')))}`,
      );
    } else {
      await cluster?.stop();
      await rm(dir, { recursive: true, force: true });
    }
    await network.destroy();
  }
}

/** libfaketime's variables for a clock running at `rate` from the process's start (none for the real clock). */
export function faketimeEnvironment(rate: number | undefined): Record<string, string> {
  if (rate === undefined || rate === 1) return {};
  // "+0 xR": no offset, time (CLOCK_MONOTONIC included, which performance.now() reads) runs R times as fast.
  return { LD_PRELOAD: libfaketimePath, FAKETIME: `+0 x${rate}`, FAKETIME_DONT_FAKE_MONOTONIC: '0' };
}

class SoakRun {
  private readonly startedAt = hostMonotonicMs();
  private readonly up: Set<string>;
  private readonly cut = new Set<string>();
  private readonly spans: ConnectivitySpan[] = [];
  private spanStart = hostMonotonicMs();
  private spanConnected = true;
  private readonly faults: FaultEvent[] = [];
  private readonly counts = new Map<string, number>();
  private readonly problems: string[] = [];
  private readonly killed = new Set<NodeId>();
  private readonly paused = new Set<NodeId>();
  private readonly targets: SeededRandom;

  constructor(
    private readonly cluster: ClusterUnderTest,
    private readonly network: NodeNetwork,
    private readonly ids: readonly NodeId[],
    private readonly timings: Timings,
    private readonly options: SoakOptions,
    private readonly dir: string,
  ) {
    this.up = new Set(ids);
    // Targets named "leader" or "follower" are chosen when the fault is made, from their own seed.
    this.targets = new SeededRandom(options.seed ^ 0x5eed5eed);
  }

  async run(): Promise<SoakReport> {
    const { cluster, options } = this;
    const unsubscribe = cluster.onLogEvent((line) => {
      if (line.event === 'election-won') this.print(`${line.node} won term ${String(line.fields.term)}`);
    });
    await cluster.waitForStableLeader();
    const startMs = hostMonotonicMs();
    this.spanStart = startMs;
    const sampler = options.sampleLeasesMs === undefined ? null : cluster.sampleLeases(options.sampleLeasesMs);
    const workload = new LeaseWorkload(new Map(this.ids.map((id) => [id, cluster.adminAddress(id)])), this.timings.electionTimeoutMs, this.timings.heartbeatMs);
    const episodes =
      options.episodes ?? planSoak({ nodes: this.ids, seed: options.seed, durationMs: options.durationMs, electionTimeoutMs: this.timings.electionTimeoutMs });
    const endAt = startMs + options.durationMs;
    for (const episode of episodes) {
      if (hostMonotonicMs() >= endAt || options.signal?.aborted) break;
      const repair = await this.perform(episode.fault);
      await this.wait(Math.min(episode.holdMs, endAt - hostMonotonicMs()));
      await repair();
      await this.wait(Math.min(episode.quietMs, endAt - hostMonotonicMs()));
    }
    if (options.signal?.aborted) this.print('interrupted: no more faults');
    await this.repairAll();
    try {
      const settled = await cluster.waitForStableLeader();
      this.print(`settled: ${settled.leader} leads term ${settled.term}`);
    } catch (error) {
      this.problems.push(`the cluster did not settle at the end: ${error instanceof Error ? error.message : String(error)}`);
    }
    const endMs = hostMonotonicMs();
    this.closeSpan(endMs);
    const client = await workload.stop();
    const samples = sampler === null ? null : await sampler.stop();
    unsubscribe();
    await cluster.stopProcesses();
    const history = await collectHistory(cluster, {
      tokens: workload.tokens,
      connectivity: this.spans,
      faults: this.faults,
      ...(options.clockRates === undefined ? {} : { clockRates: options.clockRates }),
      startMs,
      endMs,
    });
    const verdict = checkHistory(history, { toleranceMs: options.toleranceMs ?? 0 });
    return {
      seed: options.seed,
      nodes: this.ids.length,
      ranMs: endMs - startMs,
      verdict,
      faultCounts: Object.fromEntries(this.counts),
      client,
      problems: this.problems,
      files: options.keepFiles ? this.dir : null,
      outside: samples === null ? null : { samples: samples.length, overlappingClaims: overlappingLeaseClaims(samples).length },
    };
  }

  /** Makes the fault and answers how to repair it. */
  private async perform(fault: NemesisFault): Promise<() => Promise<void>> {
    const { cluster, network } = this;
    const noRepair = async (): Promise<void> => undefined;
    switch (fault.kind) {
      case 'kill': {
        const id = this.resolve(fault.target);
        if (id === null) return noRepair;
        this.made(fault, `kill ${this.named(id)}`);
        cluster.signal(id, 'SIGKILL');
        await cluster.exited(id);
        this.killed.add(id);
        this.setUp(id, false);
        return async () => {
          this.killed.delete(id);
          try {
            await cluster.restart(id);
          } catch (error) {
            this.problems.push(`restart ${id}: ${error instanceof Error ? error.message : String(error)}`);
            // Tried again at the end.
            this.killed.add(id);
            return;
          }
          this.repaired('restart', `restart ${id}`);
          this.setUp(id, true);
        };
      }
      case 'pause': {
        const id = this.resolve(fault.target);
        if (id === null) return noRepair;
        this.made(fault, `pause ${this.named(id)}`);
        cluster.signal(id, 'SIGSTOP');
        this.paused.add(id);
        this.setUp(id, false);
        return async () => {
          this.paused.delete(id);
          cluster.signal(id, 'SIGCONT');
          this.repaired('resume', `resume ${id}`);
          this.setUp(id, true);
        };
      }
      case 'partition': {
        let plan = fault.plan;
        if (plan === null) {
          const leader = this.resolve('leader');
          const isolated = leader === null ? null : isolate(this.ids, leader);
          plan = isolated?.ok ? isolated.plan : null;
        }
        if (plan === null) return noRepair;
        const links = linksOfCuts(plan.cuts, fault.cut);
        this.made(fault, `${plan.label} (${fault.cut})`);
        await network.setFaults(links);
        for (const link of links) this.cut.add(`${link.from}>${link.to}`);
        this.noteConnectivity();
        return () => this.heal();
      }
      case 'delay':
      case 'loss': {
        const shape =
          fault.kind === 'delay'
            ? { delayMs: fault.delayMs, jitterMs: fault.jitterMs, reorderPct: fault.reorderPct }
            : { lossPct: fault.lossPct, duplicatePct: fault.duplicatePct };
        const links: LinkFault[] = this.ids.flatMap((from) =>
          this.ids.filter((to) => to !== from && (fault.scope === null || from === fault.scope || to === fault.scope)).map((to) => ({ from, to, ...shape })),
        );
        this.made(fault, describeFault(fault));
        await network.setFaults(links);
        return () => this.heal();
      }
      case 'transfer': {
        const leader = this.resolve('leader');
        if (leader === null) return noRepair;
        if (leader === fault.to) return noRepair;
        this.made(fault, `transfer from ${leader}${fault.to === undefined ? '' : ` to ${fault.to}`}`);
        const result = await cluster.client(leader).transferLeadership(fault.to ?? null);
        if (!result.ok) this.print(`  ${leader} refused the transfer: ${JSON.stringify(result.failure)}`);
        else this.print(`  handed to ${result.value ?? 'nobody'}`);
        return noRepair;
      }
    }
  }

  private async heal(): Promise<void> {
    await this.network.heal();
    this.cut.clear();
    this.repaired('heal', 'heal');
    this.noteConnectivity();
  }

  /** Everything back: paused nodes continued, killed ones restarted, every link healed. */
  private async repairAll(): Promise<void> {
    for (const id of this.paused) {
      this.cluster.signal(id, 'SIGCONT');
      this.setUp(id, true);
    }
    this.paused.clear();
    for (const id of this.killed) {
      await this.cluster.restart(id).catch((error: unknown) => this.problems.push(`restart ${id}: ${String(error)}`));
      this.setUp(id, true);
    }
    this.killed.clear();
    if (this.network.faults().length > 0 || this.cut.size > 0) await this.heal();
  }

  /** A running node: the leader the running nodes agree on (or the last to win), a follower, or any. */
  private resolve(target: Target): NodeId | null {
    const running = this.cluster.running().filter((id) => !this.paused.has(id));
    const leader = this.cluster.agreedLeader()?.leader ?? this.lastWinner(running);
    if (target === 'leader') return leader !== null && running.includes(leader) ? leader : null;
    const pool = target === 'follower' ? running.filter((id) => id !== leader) : running;
    return pool.length === 0 ? null : this.targets.pick(pool);
  }

  private lastWinner(among: readonly NodeId[]): NodeId | null {
    const won = this.cluster.logEvents().filter((line) => line.event === 'election-won' && among.includes(line.node));
    return won[won.length - 1]?.node ?? null;
  }

  private named(id: NodeId): string {
    return this.cluster.agreedLeader()?.leader === id ? `${id} (the leader)` : id;
  }

  private made(fault: NemesisFault, label: string): void {
    const kind = faultKind(fault);
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
    this.faults.push({ atMs: hostMonotonicMs(), kind, label, repair: false });
    this.print(label);
  }

  private repaired(kind: string, label: string): void {
    this.faults.push({ atMs: hostMonotonicMs(), kind, label, repair: true });
    this.print(label);
  }

  private setUp(id: string, up: boolean): void {
    if (up) this.up.add(id);
    else this.up.delete(id);
    this.noteConnectivity();
  }

  private noteConnectivity(): void {
    const connected = majorityConnected(this.ids, this.up, this.cut);
    if (connected === this.spanConnected) return;
    const now = hostMonotonicMs();
    this.closeSpan(now);
    this.spanStart = now;
    this.spanConnected = connected;
  }

  private closeSpan(atMs: number): void {
    if (atMs > this.spanStart) this.spans.push({ fromMs: this.spanStart, toMs: atMs, majorityConnected: this.spanConnected });
    this.spanStart = atMs;
  }

  private async wait(ms: number): Promise<void> {
    if (ms <= 0 || this.options.signal?.aborted) return;
    await delay(ms, undefined, { signal: this.options.signal }).catch(() => undefined);
  }

  private print(text: string): void {
    this.options.print(`${`+${((hostMonotonicMs() - this.startedAt) / 1000).toFixed(3)}s`.padStart(10)}  ${text}`);
  }
}
