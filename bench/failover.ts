import { formatTable } from '../src/util/table.ts';
import type { NodeId } from '../src/core/ids.ts';
import type { Benchmark, BenchOptions, BenchmarkOutcome, RunContext } from './benchmark.ts';
import { ClusterUnderTest, convergenceTimeoutMs } from '../src/harness/cluster-under-test.ts';
import { analyzeElections, type ElectionAnalysis } from './election-analysis.ts';
import { timeline } from '../src/harness/node-log-event.ts';
import { waitRandomHeartbeatPhase } from './heartbeat-phase.ts';
import { summaryCells, summaryHeader } from './report-format.ts';
import { summarize } from '../src/util/stats.ts';
import { etcdLikeTimings, productTimings, timingsLabel, type Timings } from '../src/harness/timings.ts';
import { disturbanceDuring, isDisturbed, type Disturbance } from './trial-disturbance.ts';

interface FailoverTrial extends ElectionAnalysis {
  readonly killed: NodeId;
  readonly oldTerm: number;
  readonly newTerm: number;
  readonly leader: NodeId;
  /** Random delay before the kill, to land it at a random point of the heartbeat interval. */
  readonly phaseDelayMs: number;
  /** Kill to the first survivor's `election-won`. */
  readonly firstLeaderMs: number;
  /** Kill to the moment the last survivor followed the new leader. */
  readonly allAgreeMs: number;
  /** Machine stalls between the kill and agreement. */
  readonly disturbance: Disturbance;
  /** The survivors' log lines from the kill to agreement. */
  readonly timeline: readonly string[];
}

interface FailoverRun {
  readonly nodes: number;
  readonly timings: Timings;
  readonly trials: readonly FailoverTrial[];
}

export const failover: Benchmark = {
  name: 'failover',
  description: 'SIGKILL the leader; time to the first new leader and to agreement (--trials, --nodes; 50/500 and 100/1000 timings)',
  async run(options, context) {
    const trials = options.trials ?? (options.quick ? 5 : 30);
    const runs: FailoverRun[] = [];
    for (const timings of [productTimings, etcdLikeTimings]) {
      for (const nodes of options.nodes ?? [3, 5]) {
        const progress = (line: string): void => context.progress(`failover ${nodes} nodes ${timingsLabel(timings)}: ${line}`);
        runs.push(await runFailover(nodes, timings, trials, { ...context, progress }));
      }
    }
    return report(runs, options);
  },
};

async function runFailover(nodes: number, timings: Timings, trialCount: number, context: RunContext): Promise<FailoverRun> {
  const cluster = await ClusterUnderTest.start({ size: nodes, timings });
  const trials: FailoverTrial[] = [];
  try {
    let stable = await cluster.waitForStableLeader();
    for (let trial = 1; trial <= trialCount; trial++) {
      const killed = stable.leader;
      const oldTerm = stable.term;
      const survivors = cluster.ids.filter((id) => id !== killed);
      const phaseDelayMs = await waitRandomHeartbeatPhase(timings);
      const killedAtPerf = performance.now();
      const killedAtWallMs = cluster.signal(killed, 'SIGKILL');
      await cluster.exited(killed);
      const agreed = await cluster.waitUntil(
        () => {
          const candidate = cluster.agreedLeader(survivors);
          return candidate !== null && candidate.term > oldTerm ? candidate : null;
        },
        convergenceTimeoutMs,
        'the survivors to agree on a new leader',
      );
      const elections = analyzeElections(cluster.logEvents(), survivors, oldTerm, agreed.term);
      const allAgreeMs = agreed.agreedAtWallMs - killedAtWallMs;
      // Restarting takes long enough for a stall that spanned the agreement to be over, and known.
      await cluster.restart(killed);
      const result: FailoverTrial = {
        ...elections,
        killed,
        oldTerm,
        newTerm: agreed.term,
        leader: agreed.leader,
        phaseDelayMs,
        firstLeaderMs: (elections.firstWonWallMs ?? Number.NaN) - killedAtWallMs,
        allAgreeMs,
        disturbance: disturbanceDuring(context, cluster, {
          nodes: survivors,
          fromPerf: killedAtPerf,
          toPerf: killedAtPerf + allAgreeMs,
          fromWallMs: killedAtWallMs,
          toWallMs: agreed.agreedAtWallMs,
        }),
        timeline: timeline(cluster.logEvents(), killedAtWallMs, agreed.agreedAtWallMs),
      };
      trials.push(result);
      context.progress(
        `trial ${trial}/${trialCount}: killed ${killed} (term ${oldTerm}); ${result.leader} leads term ${result.newTerm}; ` +
          `first leader ${result.firstLeaderMs} ms, all agree ${result.allAgreeMs} ms; pre-votes ${result.preVotes}, ` +
          `candidacies ${result.candidacies}${isDisturbed(result.disturbance) ? '; machine stalled meanwhile' : ''}`,
      );
      stable = await cluster.waitForStableLeader();
    }
  } finally {
    await cluster.stop();
  }
  return { nodes, timings, trials };
}

function report(runs: readonly FailoverRun[], options: BenchOptions): BenchmarkOutcome {
  const latencyRows = runs.flatMap((run) => {
    const calm = run.trials.filter((trial) => !isDisturbed(trial.disturbance));
    const row = (measure: string, trials: readonly FailoverTrial[], pick: (trial: FailoverTrial) => number): string[] => [
      String(run.nodes),
      timingsLabel(run.timings),
      measure,
      ...summaryCells(summarize(trials.map(pick))),
    ];
    return [
      row('first leader', run.trials, (trial) => trial.firstLeaderMs),
      row('first leader, no stall', calm, (trial) => trial.firstLeaderMs),
      row('all agree', run.trials, (trial) => trial.allAgreeMs),
      row('all agree, no stall', calm, (trial) => trial.allAgreeMs),
    ];
  });
  const electionRows = runs.map((run) => {
    const sum = (pick: (trial: FailoverTrial) => number): number => run.trials.reduce((total, trial) => total + pick(trial), 0);
    const leaderWindow = `${run.timings.electionTimeoutMs - run.timings.heartbeatMs}..${run.timings.electionTimeoutMs + run.timings.electionJitterMs}`;
    return [
      String(run.nodes),
      timingsLabel(run.timings),
      String(run.trials.length),
      String(run.trials.filter((trial) => isDisturbed(trial.disturbance)).length),
      String(run.trials.filter((trial) => trial.splitVoteTerms > 0).length),
      String(sum((trial) => trial.splitVoteTerms)),
      String(run.trials.filter((trial) => trial.extraTerms > 0).length),
      String(sum((trial) => trial.extraTerms)),
      (sum((trial) => trial.preVotes) / Math.max(1, run.trials.length)).toFixed(2),
      leaderWindow,
    ];
  });
  return {
    lines: [
      'Time from SIGKILL of the leader (ms). "first leader": a survivor logs election-won; "all agree": the last survivor',
      "logs following that leader. Both from the nodes' own log stamps (Date.now(), whole ms) against the bench's",
      'Date.now() just before kill(2): resolution 1 ms, no polling. The kill lands at a uniformly random point of',
      'the heartbeat interval. After each trial the killed node is restarted and the cluster left to settle.',
      '"no stall": only trials in which neither the bench\'s 5 ms timer woke >= 50 ms late nor a node logged',
      'stall-detected between the kill and agreement (the VM freezes for hundreds of ms; such a trial times the freeze).',
      '',
      ...formatTable(['nodes', 'timing', 'measure', ...summaryHeader], latencyRows),
      '',
      'Elections: split vote = a term in which two or more survivors became candidate; extra terms = new term - old',
      'term - 1. Expected first-leader window from the timers alone (ms): election timeout - heartbeat .. timeout +',
      'jitter, plus a pre-vote and a vote round trip and a synced LevelDB write.',
      '',
      ...formatTable(
        [
          'nodes',
          'timing',
          'trials',
          'stalled',
          'trials w/ split vote',
          'split-vote terms',
          'trials w/ extra terms',
          'extra terms',
          'pre-votes/trial',
          'timer window',
        ],
        electionRows,
      ),
    ],
    data: { quick: options.quick, runs },
  };
}
