import { describeCallFailure } from '../../src/client/call-failure.ts';
import { exitCodes, type CliIo } from '../../src/command-line/program.ts';
import type { ChaosAction, ChaosStep } from './chaos-schedule.ts';
import type { FaultCluster } from './fault-cluster.ts';
import { killProcess } from '../../src/util/process-signals.ts';
import type { AgreedLeader } from '../../src/client/leader-agreement.ts';
import { LeaderObserver, type LeaderSighting } from './leader-observer.ts';
import { applyPartition, healLinks, type LinkFaultsOutcome } from './link-faults.ts';
import type { PartitionPlan } from '../../src/nemesis/partition-shapes.ts';
import type { PausedProcesses } from './paused-processes.ts';
import { restartNode, type RestartSettings } from './restart-node.ts';
import { setTimeout as delay } from 'node:timers/promises';

export interface ChaosRunOptions {
  readonly cluster: FaultCluster;
  readonly steps: readonly ChaosStep[];
  readonly durationMs: number;
  readonly seed: number;
  /** Every node's process at the start. */
  readonly pids: ReadonlyMap<string, number>;
  readonly restartSettings: RestartSettings;
  /** How long the clean-up waits for every node to agree on a leader. */
  readonly recoverTimeoutMs: number;
  readonly io: CliIo;
  /** Aborted on Ctrl-C: no more faults, straight to the clean-up. */
  readonly signal: AbortSignal;
  readonly paused: PausedProcesses;
}

/**
 * Carries out a chaos schedule, printing each fault and each change of leader on one timeline,
 * then restores the cluster (resume, restart, heal), waits for every node to agree on a leader
 * and prints a summary. Answers the exit code: 1 if the cluster did not recover.
 */
export async function runChaos(options: ChaosRunOptions): Promise<number> {
  return new ChaosRun(options).run();
}

class ChaosRun {
  private readonly timeline: Timeline;
  private readonly observer: LeaderObserver;
  private readonly pids: Map<string, number>;
  private readonly killed = new Set<string>();
  private readonly pausedNodes = new Set<string>();
  /** Restarted, not answering yet: no faults on its links, nothing to heal or cut there. */
  private readonly starting = new Set<string>();
  /** When each node was last killed or paused, in timeline time. */
  private readonly downSince = new Map<string, number>();
  /** Processes this run killed, whose exit is no news. */
  private readonly killedPids = new Set<number>();
  private readonly faultCounts = new Map<string, number>();
  private restarts = 0;
  private failedActions = 0;
  private partition: PartitionPlan | null = null;
  private lastSighting: LeaderSighting | null = null;

  constructor(private readonly options: ChaosRunOptions) {
    this.timeline = new Timeline(options.io);
    this.pids = new Map(options.pids);
    this.observer = new LeaderObserver(options.cluster.file.nodes, (sighting) => {
      this.lastSighting = sighting;
      this.timeline.print(sighting.leader === null ? `no leader (highest term ${sighting.term})` : `leader ${sighting.leader} (term ${sighting.term})`);
    });
  }

  async run(): Promise<number> {
    const { steps, durationMs, signal } = this.options;
    this.observer.start();
    for (const step of steps) {
      if (!(await delay(Math.max(0, this.dueAt(step) - this.timeline.elapsedMs()), true, { signal }).catch(() => false))) break;
      await this.perform(step.action);
    }
    await delay(Math.max(0, durationMs - this.timeline.elapsedMs()), true, { signal }).catch(() => false);
    const interrupted = signal.aborted;
    if (interrupted) this.timeline.print('interrupted: no more faults');

    const agreed = await this.restore();
    await this.observer.stop();
    this.printSummary(agreed);
    if (agreed === null) return exitCodes.failed;
    return interrupted ? exitCodes.interrupted : exitCodes.ok;
  }

  /** A restart or resume comes no sooner after its kill or pause than planned, even if that came late. */
  private dueAt(step: ChaosStep): number {
    const { action } = step;
    if (action.kind !== 'restart' && action.kind !== 'resume') return step.atMs;
    return Math.max(step.atMs, (this.downSince.get(action.node) ?? 0) + action.afterMs);
  }

  private async perform(action: ChaosAction): Promise<void> {
    switch (action.kind) {
      case 'partition':
        this.count(action.shape);
        this.timeline.print(action.plan.label);
        await this.replacePartition(action.plan);
        return;
      case 'heal':
        this.count('heal');
        this.timeline.print('heal');
        this.partition = null;
        this.reportFailures('heal', await healLinks(this.options.cluster, this.upNodes()));
        return;
      case 'kill':
        this.count('kill');
        await this.kill(action.node);
        return;
      case 'restart':
        await this.restart(action.node);
        return;
      case 'pause':
        this.count('pause');
        this.pause(action.node, action.ms);
        return;
      case 'resume':
        await this.resume(action.node);
        return;
    }
  }

  /** Nodes that are down are left out; the other end of each of their links cuts it too. */
  private async replacePartition(plan: PartitionPlan): Promise<void> {
    const { cluster } = this.options;
    this.partition = plan;
    const up = this.upNodes();
    this.reportFailures('heal', await healLinks(cluster, up));
    this.reportFailures(plan.label, await applyPartition(cluster, plan, this.downNodes()));
  }

  private async kill(id: string): Promise<void> {
    const pid = this.pidOf(id);
    const leaderNote = this.lastSighting?.leader === id ? ', the leader' : '';
    this.timeline.print(`kill ${id} (pid ${pid}${leaderNote})`);
    this.downSince.set(id, this.timeline.elapsedMs());
    this.killedPids.add(pid);
    const killed = await killProcess(pid);
    if (!killed.ok) this.failed(`kill ${id}: ${killed.problem}`);
    this.killed.add(id);
  }

  private async restart(id: string): Promise<void> {
    const { cluster, restartSettings } = this.options;
    const result = await restartNode(cluster.filePath, cluster.file, id, restartSettings);
    if (!result.ok) {
      this.failed(`restart ${id}: ${result.problem}`);
      return;
    }
    const { pid, exited, warnings } = result.node;
    this.restarts += 1;
    this.timeline.print(`restart ${id} (pid ${pid})`);
    for (const warning of warnings) this.failed(warning);
    this.pids.set(id, pid);
    this.killed.delete(id);
    this.starting.add(id);
    this.observer.forget(id);
    const logFile = cluster.entry(id)?.logFile ?? 'its log file';
    void exited.then(({ code, signal }) => {
      if (!this.killedPids.has(pid)) this.failed(`${id} (pid ${pid}) exited (${code === null ? `signal ${signal}` : `code ${code}`}); see ${logFile}`);
    });
  }

  private pause(id: string, ms: number): void {
    const pid = this.pidOf(id);
    this.timeline.print(`pause ${id} for ${ms} ms (pid ${pid}${this.lastSighting?.leader === id ? ', the leader' : ''})`);
    this.downSince.set(id, this.timeline.elapsedMs());
    const paused = this.options.paused.pause(pid);
    if (paused.ok) this.pausedNodes.add(id);
    else this.failed(`pause ${id}: ${paused.problem}`);
  }

  /** A paused node missed every change of links meanwhile: it gets the current partition's. */
  private async resume(id: string): Promise<void> {
    if (!this.pausedNodes.delete(id)) return;
    this.timeline.print(`resume ${id}`);
    const resumed = this.options.paused.resume(this.pidOf(id));
    if (!resumed.ok) this.failed(`resume ${id}: ${resumed.problem}`);
    const { cluster } = this.options;
    this.reportFailures('heal', await healLinks(cluster, [id]));
    if (this.partition !== null) {
      const others = new Set(cluster.ids.filter((other) => other !== id));
      this.reportFailures(this.partition.label, await applyPartition(cluster, this.partition, others));
    }
  }

  /** Undoes every fault still in place and waits for the nodes to agree on a leader. */
  private async restore(): Promise<AgreedLeader | null> {
    const { cluster, recoverTimeoutMs } = this.options;
    this.timeline.print('restoring: resume, restart and heal every node');
    // Every link is healed below, so resumed nodes need no cuts.
    this.partition = null;
    for (const id of [...this.pausedNodes]) await this.resume(id);
    for (const id of [...this.killed]) await this.restart(id);
    this.reportFailures('heal', await healLinks(cluster, this.upNodes()));
    this.timeline.print('healed every link');

    const healedAt = this.timeline.elapsedMs();
    const healedAtClock = performance.now();
    let agreed = this.observer.agreedLeader(healedAtClock);
    while (agreed === null && this.timeline.elapsedMs() - healedAt < recoverTimeoutMs) {
      await delay(100);
      agreed = this.observer.agreedLeader(healedAtClock);
    }
    const after = `${((this.timeline.elapsedMs() - healedAt) / 1000).toFixed(1)} s after healing`;
    if (agreed === null) this.timeline.print(`not recovered: the nodes do not agree on a leader ${after}`);
    else this.timeline.print(`recovered: every node agrees ${agreed.leader} leads in term ${agreed.term}, ${after}`);

    return agreed;
  }

  private printSummary(agreed: AgreedLeader | null): void {
    const { io, durationMs, seed, steps } = this.options;
    const faults = [...this.faultCounts.values()].reduce((sum, count) => sum + count, 0);
    const kinds = [...this.faultCounts].map(([kind, count]) => `${kind} ${count}`).join(', ');
    const planned = steps.filter((step) => step.action.kind !== 'restart' && step.action.kind !== 'resume').length;
    io.stdout('');
    io.stdout(`summary (seed ${seed}, ${(durationMs / 1000).toFixed(1)} s planned):`);
    io.stdout(`  faults injected: ${faults} of ${planned} planned${kinds === '' ? '' : ` (${kinds})`}; restarts: ${this.restarts}`);
    io.stdout(`  leader changes: ${this.observer.leaderChanges}; highest term: ${this.observer.maxTerm}`);
    io.stdout(`  final leader: ${agreed === null ? 'none agreed' : `${agreed.leader} (term ${agreed.term})`}`);
    if (this.failedActions > 0) io.stdout(`  actions that failed: ${this.failedActions} (marked ! above)`);
  }

  private reportFailures(action: string, outcomes: readonly LinkFaultsOutcome[]): void {
    for (const { node, result } of outcomes) {
      if (!result.ok) this.failed(`${action}: ${node.label}: ${describeCallFailure(result.failure)}`);
    }
  }

  private failed(problem: string): void {
    this.failedActions += 1;
    this.timeline.print(`! ${problem}`);
  }

  private count(kind: string): void {
    this.faultCounts.set(kind, (this.faultCounts.get(kind) ?? 0) + 1);
  }

  private upNodes(): string[] {
    const down = this.downNodes();
    return this.options.cluster.ids.filter((id) => !down.has(id));
  }

  /** Killed, paused, or restarted and not answering yet. */
  private downNodes(): Set<string> {
    for (const id of this.starting) if (this.observer.answers(id)) this.starting.delete(id);
    return new Set([...this.killed, ...this.pausedNodes, ...this.starting]);
  }

  private pidOf(id: string): number {
    const pid = this.pids.get(id);
    if (pid === undefined) throw new Error(`chaos: no pid known for ${id}`);
    return pid;
  }
}

/** Lines stamped with the time since the timeline began, e.g. `  +1.234s  isolate n2`. */
export class Timeline {
  private readonly startedAt = performance.now();

  constructor(private readonly io: CliIo) {}

  elapsedMs(): number {
    return performance.now() - this.startedAt;
  }

  print(text: string): void {
    this.io.stdout(`${formatOffset(this.elapsedMs())}  ${text}`);
  }
}

/** Padded so that the texts line up for runs of up to 1000 s. */
function formatOffset(ms: number): string {
  return `+${(ms / 1000).toFixed(3)}s`.padStart(9);
}
