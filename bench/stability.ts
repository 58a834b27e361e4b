import { fileURLToPath } from 'node:url';
import { formatTable } from '../src/util/table.ts';
import type { Benchmark, BenchOptions, BenchmarkOutcome } from './benchmark.ts';
import { ClusterUnderTest } from '../src/harness/cluster-under-test.ts';
import { runUnderCpuLoad, type CpuLoadWindow } from './cpu-load-window.ts';
import { formatStalls } from './machine-stalls.ts';
import { findMinElectionTimeout, type MinTimeoutSearch } from './min-election-timeout.ts';
import type { LeaderChange } from './leader-change-causes.ts';
import { productTimings, timingsLabel } from '../src/harness/timings.ts';

const eventLoopProbe = fileURLToPath(new URL('./event-loop-probe.ts', import.meta.url));

export const stability: Benchmark = {
  name: 'stability',
  description: '3 nodes at default timings next to a CPU hog per core: leader changes, stalls (--seconds, --find-min-timeout)',
  async run(options, { progress }) {
    const seconds = options.seconds ?? (options.quick ? 30 : 300);
    const cluster = await ClusterUnderTest.start({ size: 3, timings: productTimings, preload: eventLoopProbe });
    let window: CpuLoadWindow;
    try {
      const stable = await cluster.waitForStableLeader();
      progress(`stability: ${stable.leader} leads term ${stable.term}; ${seconds} s under load`);
      window = await runUnderCpuLoad(cluster, seconds, true);
    } finally {
      await cluster.stop();
    }
    const search = options.findMinTimeout ? await findMinElectionTimeout(options.seconds ?? (options.quick ? 8 : 60), progress) : null;
    return report(window, search, options);
  },
};

function formatTimeout(ms: number | null): string {
  return ms === null ? 'none of those tried' : `${ms} ms`;
}

/** E.g. "4 after the leader froze past the timeout, 1 after a majority of followers did, 1 unexplained (spurious)". */
function describeCauses(changes: readonly LeaderChange[]): string {
  const count = (cause: LeaderChange['cause']): number => changes.filter((change) => change.cause === cause).length;
  return `${count('leader-frozen')} after the leader froze past the timeout, ${count('majority-frozen')} after a majority of followers did, ${count('unexplained')} unexplained (spurious)`;
}

function fixed(value: number | null | undefined, digits: number): string {
  return value === null || value === undefined ? '-' : value.toFixed(digits);
}

function report(window: CpuLoadWindow, search: MinTimeoutSearch | null, options: BenchOptions): BenchmarkOutcome {
  const nodeRows = window.nodes.map((node) => [
    node.node,
    fixed(node.cpuPercent, 1),
    String(node.stallsDetected),
    fixed(node.maxLateByMs, 0),
    node.eventLoopDelay === null
      ? '-'
      : `${fixed(node.eventLoopDelay.p50Ms, 1)} / ${fixed(node.eventLoopDelay.p99Ms, 1)} / ${fixed(node.eventLoopDelay.maxMs, 0)}`,
    String(node.preVotes),
    String(node.candidacies),
    String(node.electionsWon),
    node.stepDowns.length === 0 ? '-' : node.stepDowns.join(','),
  ]);
  const lines = [
    `3 nodes at ${timingsLabel(productTimings)} for ${window.seconds.toFixed(0)} s while ${window.hogs} CPU hogs spin (one per core, nothing pinned,`,
    `same priority; hog CPU % of a core: ${window.hogCpuPercent.map((value) => value.toFixed(0)).join(', ')}).`,
    `leader changes (election-won lines in the window, target 0): ${window.electionsWon}; ${describeCauses(window.leaderChanges)}`,
    ...window.leaderChanges.map(
      (change) => `  ${new Date(change.wallMs).toISOString()} term ${change.term ?? '?'}: ${change.from ?? '?'} -> ${change.to}, ${change.cause}`,
    ),
    '',
    'Per node, from its log lines: stall-detected (a timer fired more than a heartbeat late) and the worst lateness it',
    'logged. Event-loop delay is not exposed by the nodes: a probe imported into each node process (bench/event-loop-probe.ts,',
    'perf_hooks.monitorEventLoopDelay, 10 ms timer) reports it; it adds 100 timer wake-ups/s per node.',
    '',
    ...formatTable(
      ['node', 'CPU%', 'stall-detected', 'max late ms', 'event-loop delay p50/p99/max ms', 'pre-votes', 'candidacies', 'won', 'step-downs'],
      nodeRows,
    ),
    '',
    `the bench's own 5 ms timer meanwhile: ${formatStalls(window.stalls)}`,
  ];
  if (search !== null) {
    const searchRows = search.trials.map((trial) => [
      timingsLabel(trial.timings),
      fixed(trial.window.seconds, 0),
      String(trial.window.electionsWon),
      String(trial.window.leaderChanges.filter((change) => change.cause === 'unexplained').length),
      String(trial.window.nodes.reduce((sum, node) => sum + node.preVotes, 0)),
      String(trial.window.nodes.reduce((sum, node) => sum + node.stallsDetected, 0)),
      fixed(Math.max(0, ...trial.window.nodes.map((node) => node.maxLateByMs ?? 0)), 0),
      `${trial.window.stalls.over100Ms} (max ${trial.window.stalls.maxMs.toFixed(0)} ms)`,
    ]);
    lines.push(
      '',
      'Smallest minimum election timeout with no spurious election under the same load (heartbeat and jitter = timeout / 10,',
      'a fresh 3-node cluster per timeout):',
      '',
      ...formatTable(
        ['timing', 'seconds', 'leader changes', 'unexplained by a freeze', 'pre-votes', 'stall-detected', 'max late ms', 'bench stalls >=100 ms'],
        searchRows,
      ),
      '',
      `smallest timeout with no leader change (and none at any larger one): ${formatTimeout(search.smallestStableMs)}`,
      `smallest timeout with no change that a freeze does not explain (and none at any larger one): ${formatTimeout(search.smallestFreeOfSpuriousMs)}`,
    );
  }
  return { lines, data: { quick: options.quick, timings: productTimings, window, minTimeoutSearch: search } };
}
