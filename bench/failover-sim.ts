import { formatTable } from '../src/util/table.ts';
import type { NodeId } from '../src/core/ids.ts';
import { SimCluster } from '../test/sim/sim-cluster.ts';
import type { Benchmark, BenchOptions, BenchmarkOutcome, RunContext } from './benchmark.ts';
import { summaryCells, summaryHeader } from './report-format.ts';
import { summarize } from '../src/util/stats.ts';
import { etcdLikeTimings, etcdRandomizationTimings, productTimings, timingsLabel, type Timings } from '../src/harness/timings.ts';

/** Loopback-like one-way delays: the simulator draws each message's delay from this range. */
const network = { minDelayMs: 0.2, maxDelayMs: 2 };
/** A trial that has not converged after this long (virtual) counts as failed. */
const convergenceLimitMs = 60_000;

interface SimFailoverTrial {
  readonly firstLeaderMs: number | null;
  readonly allAgreeMs: number | null;
  /** Terms beyond the first that the survivors went through before agreeing. */
  readonly extraTerms: number;
}

interface SimFailoverRun {
  readonly nodes: number;
  readonly timings: Timings;
  readonly trials: readonly SimFailoverTrial[];
}

/**
 * The failover benchmark's question asked of the protocol alone: the election cores on the
 * simulated network in virtual time, with loopback-like delays and no machine in the way (no
 * scheduler, GC or VM freezes). Shows what the timing settings and election rules cost, and is
 * the same on every machine; `failover` shows what real processes on this machine add.
 */
export const failoverSim: Benchmark = {
  name: 'failover-sim',
  description: 'failover of the election cores in virtual time (no machine noise): --trials (default 2000), --nodes',
  async run(options: BenchOptions, context: RunContext): Promise<BenchmarkOutcome> {
    const trials = options.trials ?? (options.quick ? 300 : 2000);
    const runs: SimFailoverRun[] = [];
    for (const timings of [productTimings, etcdLikeTimings, etcdRandomizationTimings]) {
      for (const nodes of options.nodes ?? [3, 5]) {
        runs.push(runSimFailover(nodes, timings, trials));
        context.progress(`failover-sim ${nodes} nodes ${timingsLabel(timings)}: ${trials} trials done`);
        // Let the progress line out and other timers run between configurations.
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    return report(runs);
  },
};

function runSimFailover(nodes: number, timings: Timings, trialCount: number): SimFailoverRun {
  const trials: SimFailoverTrial[] = [];
  for (let seed = 1; seed <= trialCount; seed++) {
    const sim = new SimCluster({
      nodes,
      seed,
      network,
      timings: {
        heartbeatIntervalMs: timings.heartbeatMs,
        electionTimeoutMinMs: timings.electionTimeoutMs,
        electionJitterMs: timings.electionJitterMs,
        maxClockDrift: 0.05,
      },
    });
    const settled = sim.runUntilTrue(() => sim.agreedLeader() !== null, convergenceLimitMs);
    const leader = sim.agreedLeader();
    if (settled === null || leader === null) throw new Error(`seed ${seed}: no leader to kill`);
    // Steady state, then a kill at a random point of the heartbeat interval.
    sim.runFor(2 * timings.electionTimeoutMs + sim.random.between(0, timings.heartbeatMs));
    const oldTerm = sim.term(leader);
    const killedAt = sim.now;
    sim.crash(leader);
    const survivors = sim.ids.filter((id) => id !== leader);
    const newLeader = (): NodeId | undefined => survivors.find((id) => sim.role(id) === 'leader' && sim.term(id) > oldTerm);
    const firstAt = sim.runUntilTrue(() => newLeader() !== undefined, convergenceLimitMs);
    const agreedAt = sim.runUntilTrue(() => {
      const elected = newLeader();
      return elected !== undefined && survivors.every((id) => sim.leaderOf(id) === elected && sim.term(id) === sim.term(elected));
    }, convergenceLimitMs);
    const finalTerm = Math.max(...survivors.map((id) => sim.term(id)));
    trials.push({
      firstLeaderMs: firstAt === null ? null : firstAt - killedAt,
      allAgreeMs: agreedAt === null ? null : agreedAt - killedAt,
      extraTerms: finalTerm - oldTerm - 1,
    });
  }
  return { nodes, timings, trials };
}

function report(runs: readonly SimFailoverRun[]): BenchmarkOutcome {
  const rows = runs.flatMap((run) => {
    const values = (pick: (trial: SimFailoverTrial) => number | null): number[] => run.trials.map(pick).filter((value): value is number => value !== null);
    return [
      [String(run.nodes), timingsLabel(run.timings), 'first leader', ...summaryCells(summarize(values((trial) => trial.firstLeaderMs)))],
      [String(run.nodes), timingsLabel(run.timings), 'all agree', ...summaryCells(summarize(values((trial) => trial.allAgreeMs)))],
    ];
  });
  const splitRows = runs.map((run) => [
    String(run.nodes),
    timingsLabel(run.timings),
    String(run.trials.length),
    String(run.trials.filter((trial) => trial.extraTerms > 0).length),
    String(run.trials.filter((trial) => trial.firstLeaderMs === null || trial.allAgreeMs === null).length),
  ]);
  return {
    lines: [
      'Failover in the simulator: ms of virtual time from the leader crashing (at a random point of its heartbeat',
      'interval, after two steady election timeouts) to the first survivor winning, and to all survivors following it.',
      `One-way message delays ${network.minDelayMs}-${network.maxDelayMs} ms; no scheduler, GC or VM freezes.`,
      '',
      ...formatTable(['nodes', 'timings', 'measure', ...summaryHeader], rows),
      '',
      ...formatTable(['nodes', 'timings', 'trials', 'with extra terms (split votes)', 'not converged'], splitRows),
    ],
    data: runs,
  };
}
