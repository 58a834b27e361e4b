import os from 'node:os';
import type { NodeId } from '../src/core/ids.ts';
import type { ClusterUnderTest } from '../src/harness/cluster-under-test.ts';
import { BackgroundProcesses } from './background-processes.ts';
import { leaderChangeCauses, type LeaderChange } from './leader-change-causes.ts';
import { StallMonitor, type StallSummary } from './machine-stalls.ts';
import { numberField, type NodeLogEvent } from '../src/harness/node-log-event.ts';
import { clockTicksPerSecond, readProcessCounters } from './proc-stats.ts';
import { setTimeout as sleep } from 'node:timers/promises';

/** The event-loop delay a node's probe reported for the window (see event-loop-probe.ts). */
export interface EventLoopDelay {
  readonly samples: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export interface NodeUnderLoad {
  readonly node: NodeId;
  readonly stallsDetected: number;
  readonly maxLateByMs: number | null;
  /** Election timers that fired: pre-vote rounds started. */
  readonly preVotes: number;
  readonly candidacies: number;
  readonly electionsWon: number;
  readonly stepDowns: readonly string[];
  /** Of one core, /proc/<pid>/stat over the window. */
  readonly cpuPercent: number | null;
  readonly eventLoopDelay: EventLoopDelay | null;
}

export interface CpuLoadWindow {
  readonly seconds: number;
  readonly hogs: number;
  /** Of one core each, /proc/<pid>/stat over the window. */
  readonly hogCpuPercent: readonly number[];
  /** New leaders during the window: nothing failed, so each is a freeze or a spurious election. */
  readonly electionsWon: number;
  readonly leaderChanges: readonly LeaderChange[];
  readonly nodes: readonly NodeUnderLoad[];
  /** The bench's own timer, competing with the hogs like the nodes do. */
  readonly stalls: StallSummary;
}

/**
 * Runs `cluster` (already stable) for `seconds` while one CPU hog per core keeps every core busy,
 * and counts what the nodes logged meanwhile. With `resetProbes`, each node's event-loop probe
 * is told (SIGUSR2) to start its histogram afresh as the window opens.
 */
export async function runUnderCpuLoad(cluster: ClusterUnderTest, seconds: number, resetProbes: boolean): Promise<CpuLoadWindow> {
  const hogs = BackgroundProcesses.cpuHogs(os.availableParallelism());
  try {
    const pids = new Map(cluster.ids.map((id) => [id, cluster.pid(id)] as const));
    const ticks = (pid: number): number | null => readProcessCounters(pid)?.cpuTicks ?? null;
    const nodeTicksBefore = new Map([...pids].map(([id, pid]) => [id, ticks(pid)] as const));
    const hogTicksBefore = hogs.pids.map(ticks);
    if (resetProbes) for (const id of cluster.ids) cluster.signal(id, 'SIGUSR2');
    const startWallMs = Date.now();
    const startedAt = performance.now();
    const monitor = new StallMonitor();
    await sleep(seconds * 1000);
    const stalls = monitor.stop();
    const endWallMs = Date.now();
    const elapsed = (performance.now() - startedAt) / 1000;
    const percentOfCore = (before: number | null | undefined, after: number | null): number | null =>
      before === null || before === undefined || after === null ? null : (100 * (after - before)) / clockTicksPerSecond / elapsed;
    const hogCpuPercent = hogs.pids.map((pid, index) => percentOfCore(hogTicksBefore[index], ticks(pid)) ?? 0);
    const inWindow = cluster.logEvents().filter((entry) => entry.wallMs >= startWallMs && entry.wallMs <= endWallMs);
    const nodes = cluster.ids.map((id) => {
      const pid = pids.get(id) ?? 0;
      return summarizeNode(
        id,
        inWindow.filter((entry) => entry.node === id),
        percentOfCore(nodeTicksBefore.get(id), ticks(pid)),
      );
    });
    return {
      seconds: elapsed,
      hogs: hogs.pids.length,
      hogCpuPercent,
      electionsWon: inWindow.filter((entry) => entry.event === 'election-won').length,
      leaderChanges: leaderChangeCauses(cluster.logEvents(), cluster.ids, startWallMs, endWallMs, cluster.timings),
      nodes,
      stalls,
    };
  } finally {
    await hogs.stop();
  }
}

function summarizeNode(node: NodeId, events: readonly NodeLogEvent[], cpuPercent: number | null): NodeUnderLoad {
  const named = (event: string): NodeLogEvent[] => events.filter((entry) => entry.event === event);
  const lateBy = named('stall-detected').flatMap((entry) => numberField(entry, 'lateByMs') ?? []);
  const probe = named('event-loop-delay').at(-1);
  const started = named('election-started');
  return {
    node,
    stallsDetected: lateBy.length,
    maxLateByMs: lateBy.length === 0 ? null : Math.max(...lateBy),
    preVotes: started.filter((entry) => entry.fields.preVote === true).length,
    candidacies: started.filter((entry) => entry.fields.preVote === false).length,
    electionsWon: named('election-won').length,
    stepDowns: named('stepped-down').map((entry) => String(entry.fields.reason)),
    cpuPercent,
    eventLoopDelay:
      probe === undefined
        ? null
        : {
            samples: numberField(probe, 'samples') ?? 0,
            p50Ms: numberField(probe, 'p50Ms') ?? 0,
            p99Ms: numberField(probe, 'p99Ms') ?? 0,
            maxMs: numberField(probe, 'maxMs') ?? 0,
          },
  };
}
