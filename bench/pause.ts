import { formatTable } from '../src/util/table.ts';
import type { NodeId } from '../src/core/ids.ts';
import type { Benchmark, BenchOptions, BenchmarkOutcome, RunContext } from './benchmark.ts';
import { ClusterUnderTest, convergenceTimeoutMs } from '../src/harness/cluster-under-test.ts';
import { analyzeElections } from './election-analysis.ts';
import { waitRandomHeartbeatPhase } from './heartbeat-phase.ts';
import { medianSampleIntervalMs, type LeaseSample } from '../src/harness/lease-sampler.ts';
import { overlappingLeaseClaims } from '../src/client/lease-observations.ts';
import { numberField, timeline, type NodeLogEvent } from '../src/harness/node-log-event.ts';
import { ms, summaryCells, summaryHeader } from './report-format.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { summarize } from '../src/util/stats.ts';
import { productTimings, timingsLabel, type Timings } from '../src/harness/timings.ts';
import { disturbanceDuring, isDisturbed, type Disturbance } from './trial-disturbance.ts';

const sampleIntervalMs = 5;
const leadInMs = 150;
/** Sampling goes on this long after every node follows the new leader. */
const tailMs = 100;

interface PauseTrial {
  readonly paused: NodeId;
  readonly oldTerm: number;
  readonly newLeader: NodeId;
  readonly newTerm: number;
  readonly phaseDelayMs: number;
  readonly pausedForMs: number;
  /** SIGSTOP to a survivor's election-won. */
  readonly newLeaderMs: number | null;
  /** SIGCONT to the old leader's stepped-down line. */
  readonly stepDownAfterResumeMs: number | null;
  /** SIGCONT to the old leader following the new leader; null if it kept leading. */
  readonly followsAfterResumeMs: number | null;
  /** How late the old leader's timer found itself on waking (its stall-detected line). */
  readonly stallDetectedLateByMs: number | null;
  readonly overlappingClaims: number;
  /** Each overlapping pair, for a post-mortem. */
  readonly overlaps: readonly (readonly ClaimDescription[])[];
  /**
   * Answers to questions asked after SIGCONT and after another node had won a newer term, in which
   * the old leader still claimed the lease. (If no one was elected during the pause, the old
   * leader rightly goes on leading and renewing its lease once it resumes.)
   */
  readonly staleClaimsAfterResume: number;
  /** Whether a new leader was elected while the old one was stopped. */
  readonly electedDuringPause: boolean;
  /** Every node's log lines from the SIGSTOP to the end of sampling. */
  readonly timeline: readonly string[];
  readonly samples: number;
  /** The paused node's questions that were out at the SIGSTOP (see above). */
  readonly ignoredSamples: number;
  readonly medianSampleIntervalMs: number;
  /** Machine stalls (other than the pause itself) between SIGSTOP and every node following the new leader. */
  readonly disturbance: Disturbance;
}

/** A lease claim with its window relative to the SIGSTOP (ms). */
interface ClaimDescription {
  readonly node: NodeId;
  readonly term: number;
  readonly fromMs: number;
  readonly toMs: number;
  readonly leaseRemainingMs: number;
}

function describeClaim(sample: LeaseSample, stoppedAt: number): ClaimDescription {
  return {
    node: sample.node,
    term: sample.view?.term ?? 0,
    fromMs: sample.sentAt - stoppedAt,
    toMs: sample.answeredAt - stoppedAt,
    leaseRemainingMs: sample.view?.leaseRemainingMs ?? 0,
  };
}

interface PauseRun {
  readonly nodes: number;
  readonly timings: Timings;
  readonly trials: readonly PauseTrial[];
}

export const pause: Benchmark = {
  name: 'pause',
  description: 'SIGSTOP the leader for 2x the election timeout, then SIGCONT: new leader, old one steps down, no two lease holders',
  async run(options, context) {
    const trials = options.trials ?? (options.quick ? 3 : 30);
    const runs: PauseRun[] = [];
    for (const nodes of options.nodes ?? [3, 5]) {
      const progress = (line: string): void => context.progress(`pause ${nodes} nodes: ${line}`);
      runs.push(await runPause(nodes, productTimings, trials, { ...context, progress }));
    }
    return report(runs, options);
  },
};

async function runPause(nodes: number, timings: Timings, trialCount: number, context: RunContext): Promise<PauseRun> {
  const cluster = await ClusterUnderTest.start({ size: nodes, timings });
  const trials: PauseTrial[] = [];
  try {
    let stable = await cluster.waitForStableLeader();
    for (let trial = 1; trial <= trialCount; trial++) {
      const paused = stable.leader;
      const oldTerm = stable.term;
      const sampler = cluster.sampleLeases(sampleIntervalMs);
      await sleep(leadInMs);
      const phaseDelayMs = await waitRandomHeartbeatPhase(timings);
      const stoppedAtPerf = performance.now();
      const stoppedAtWallMs = cluster.signal(paused, 'SIGSTOP');
      await sleep(2 * timings.electionTimeoutMs);
      let woke = false;
      const stopWatching = cluster.onLogEvent((entry) => {
        if (entry.node === paused) woke = true;
      });
      const resumedAtPerf = performance.now();
      const resumedAtWallMs = cluster.signal(paused, 'SIGCONT');
      // If nobody was elected during the pause (a VM freeze can hold the followers' timers back
      // too), the resumed leader rightly goes on leading: that settles the trial as well, once the
      // resumed node has logged anything (it always logs a stall on waking).
      const agreed = await cluster.waitUntil(
        () => {
          const candidate = cluster.agreedLeader();
          return candidate !== null && woke && (candidate.term > oldTerm || candidate.leader === paused) ? candidate : null;
        },
        convergenceTimeoutMs,
        'every node, the resumed one included, to follow one leader',
      );
      stopWatching();
      const settledAtWallMs = Math.max(agreed.agreedAtWallMs, resumedAtWallMs);
      await sleep(tailMs);
      const allSamples = await sampler.stop();
      // The paused node may have computed an answer just before it stopped and written it only after
      // it resumed, so a question of its that was out at the SIGSTOP says nothing certain about when.
      const straddling = (sample: LeaseSample): boolean => sample.node === paused && sample.sentAt < stoppedAtPerf && sample.answeredAt > stoppedAtPerf;
      const samples = allSamples.filter((sample) => !straddling(sample));
      const overlaps = overlappingLeaseClaims(samples);
      const events = cluster.logEvents();
      const survivors = cluster.ids.filter((id) => id !== paused);
      const elections = analyzeElections(events, survivors, oldTerm, agreed.term);
      const oldLeaderLine = (event: string): NodeLogEvent | undefined =>
        events.find((entry) => entry.node === paused && entry.event === event && entry.wallMs >= resumedAtWallMs);
      const steppedDown = oldLeaderLine('stepped-down');
      const stall = oldLeaderLine('stall-detected');
      const newLeaderAtPerf = stoppedAtPerf + ((elections.firstWonWallMs ?? Infinity) - stoppedAtWallMs);
      const result: Omit<PauseTrial, 'disturbance'> = {
        paused,
        oldTerm,
        newLeader: agreed.leader,
        newTerm: agreed.term,
        phaseDelayMs,
        pausedForMs: resumedAtWallMs - stoppedAtWallMs,
        newLeaderMs: elections.firstWonWallMs === null ? null : elections.firstWonWallMs - stoppedAtWallMs,
        stepDownAfterResumeMs: steppedDown === undefined ? null : steppedDown.wallMs - resumedAtWallMs,
        followsAfterResumeMs: agreed.term > oldTerm ? agreed.agreedAtWallMs - resumedAtWallMs : null,
        stallDetectedLateByMs: stall === undefined ? null : numberField(stall, 'lateByMs'),
        overlappingClaims: overlaps.length,
        overlaps: overlaps.map((pair) => pair.map((sample) => describeClaim(sample, stoppedAtPerf))),
        staleClaimsAfterResume: samples.filter(
          (sample) => sample.node === paused && sample.sentAt >= Math.max(resumedAtPerf, newLeaderAtPerf) && sample.view?.holdsLease === true,
        ).length,
        electedDuringPause: newLeaderAtPerf <= resumedAtPerf,
        timeline: timeline(events, stoppedAtWallMs, Date.now()),
        samples: samples.length,
        ignoredSamples: allSamples.length - samples.length,
        medianSampleIntervalMs: medianSampleIntervalMs(samples.filter((sample) => sample.node !== paused)),
      };
      stable = await cluster.waitForStableLeader();
      // The resumed node's own stall-detected line is the pause, not a disturbance.
      const disturbance = disturbanceDuring(context, cluster, {
        nodes: survivors,
        fromPerf: stoppedAtPerf,
        toPerf: stoppedAtPerf + (settledAtWallMs - stoppedAtWallMs),
        fromWallMs: stoppedAtWallMs,
        toWallMs: settledAtWallMs,
      });
      trials.push({ ...result, disturbance });
      context.progress(
        `trial ${trial}/${trialCount}: paused ${paused} (term ${oldTerm}) ${result.pausedForMs} ms; ${result.newLeader} leads term ${result.newTerm} ` +
          `after ${ms(result.newLeaderMs)} ms; old leader stepped down ${ms(result.stepDownAfterResumeMs)} ms after SIGCONT; overlaps ${result.overlappingClaims}`,
      );
    }
  } finally {
    await cluster.stop();
  }
  return { nodes, timings, trials };
}

function report(runs: readonly PauseRun[], options: BenchOptions): BenchmarkOutcome {
  const rows = runs.flatMap((run) => {
    // Only a leader replaced during its pause has something to step down from on waking.
    const elected = run.trials.filter((trial) => trial.electedDuringPause);
    const calm = elected.filter((trial) => !isDisturbed(trial.disturbance));
    const column = (label: string, pick: (trial: PauseTrial) => number | null, trials = elected): string[] => [
      String(run.nodes),
      timingsLabel(run.timings),
      label,
      ...summaryCells(summarize(trials.flatMap((trial) => pick(trial) ?? []))),
    ];
    return [
      column('SIGSTOP to new leader', (trial) => trial.newLeaderMs),
      column('SIGSTOP to new leader, no stall', (trial) => trial.newLeaderMs, calm),
      column('SIGCONT to old steps down', (trial) => trial.stepDownAfterResumeMs),
      column('SIGCONT to old steps down, no stall', (trial) => trial.stepDownAfterResumeMs, calm),
      column('SIGCONT to old follows', (trial) => trial.followsAfterResumeMs),
      column('old leader late on waking', (trial) => trial.stallDetectedLateByMs),
    ];
  });
  const checkRows = runs.map((run) => [
    String(run.nodes),
    String(run.trials.length),
    String(run.trials.filter((trial) => isDisturbed(trial.disturbance)).length),
    String(run.trials.filter((trial) => trial.electedDuringPause).length),
    String(run.trials.reduce((sum, trial) => sum + trial.samples, 0)),
    String(run.trials.reduce((sum, trial) => sum + trial.ignoredSamples, 0)),
    String(run.trials.reduce((sum, trial) => sum + trial.overlappingClaims, 0)),
    String(run.trials.reduce((sum, trial) => sum + trial.staleClaimsAfterResume, 0)),
    String(run.trials.filter((trial) => trial.electedDuringPause && trial.stepDownAfterResumeMs === null).length),
    ms(summarize(run.trials.map((trial) => trial.medianSampleIntervalMs))?.p50, 1),
  ]);
  return {
    lines: [
      'The leader is stopped (SIGSTOP) for 2 x the minimum election timeout, then resumed (ms). Times from node log',
      "stamps against the bench's Date.now() at kill(2): 1 ms resolution. Lease claims: GetLeader on every node about",
      'every 5 ms; two different nodes whose claiming answers may have been given at the same moment (overlapping',
      'question-to-answer windows) count as an overlap. A question to the paused node that was out at the SIGSTOP is',
      'ignored: the answer may have been computed before the stop and written after the resume. "no stall": only',
      "trials in which no other node logged stall-detected and the bench's 5 ms timer never woke >= 50 ms late.",
      'Timing rows cover only trials in which a new leader was elected during the pause.',
      '',
      ...formatTable(['nodes', 'timing', 'measure', ...summaryHeader], rows),
      '',
      ...formatTable(
        [
          'nodes',
          'trials',
          'stalled',
          'elected during pause',
          'samples',
          'ignored',
          'overlapping claims (must be 0)',
          'stale claims after resume (must be 0)',
          'no step-down line',
          'sample interval p50',
        ],
        checkRows,
      ),
    ],
    data: { quick: options.quick, sampleIntervalMs, runs },
  };
}
