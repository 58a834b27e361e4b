import { formatTable } from '../src/util/table.ts';
import type { NodeId } from '../src/core/ids.ts';
import type { Benchmark, BenchOptions, BenchmarkOutcome, RunContext } from './benchmark.ts';
import { ClusterUnderTest, convergenceTimeoutMs } from '../src/harness/cluster-under-test.ts';
import { waitRandomHeartbeatPhase } from './heartbeat-phase.ts';
import { medianRoundTripMs, medianSampleIntervalMs, type LeaseSample } from '../src/harness/lease-sampler.ts';
import { overlappingLeaseClaims } from '../src/client/lease-observations.ts';
import { numberField, timeline, type NodeLogEvent } from '../src/harness/node-log-event.ts';
import { ms, summaryCells, summaryHeader } from './report-format.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { summarize } from '../src/util/stats.ts';
import { productTimings, timingsLabel, type Timings } from '../src/harness/timings.ts';
import { disturbanceDuring, isDisturbed, type Disturbance } from './trial-disturbance.ts';

/** GetLeader on every node about every 1 ms (plus the call's own round trip). */
const sampleIntervalMs = 1;
/** Sampling starts this long before the SIGTERM, so the old leader is seen holding the lease. */
const leadInMs = 150;
/** ... and goes on this long after the new leader's lease-acquired line. */
const tailMs = 50;

interface HandoffTrial {
  readonly stopped: NodeId;
  readonly oldTerm: number;
  readonly newLeader: NodeId | null;
  readonly newTerm: number | null;
  readonly phaseDelayMs: number;
  /** Midpoint of the last sample in which the old leader held the lease to midpoint of the first in which the new one did. */
  readonly polledGapMs: number | null;
  /** The gap is certainly within these bounds (question and answer times of the two samples). */
  readonly polledGapBoundsMs: readonly [number, number] | null;
  /** Old leader's lease-lost line to the new leader's lease-acquired line. */
  readonly loggedGapMs: number | null;
  /** SIGTERM to the old leader's lease-lost line. */
  readonly leaseDroppedAfterMs: number | null;
  /** SIGTERM to the process having exited. */
  readonly exitedAfterMs: number;
  readonly exitCode: number | null;
  readonly overlappingClaims: number;
  readonly samples: number;
  readonly medianSampleIntervalMs: number;
  readonly medianRoundTripMs: number;
  /** Machine stalls between the SIGTERM and the end of sampling. */
  readonly disturbance: Disturbance;
  /** Every node's log lines from the SIGTERM to the old leader's exit. */
  readonly timeline: readonly string[];
}

interface HandoffRun {
  readonly nodes: number;
  readonly timings: Timings;
  readonly trials: readonly HandoffTrial[];
}

export const handoff: Benchmark = {
  name: 'handoff',
  description: 'SIGTERM the leader (graceful hand-off); time without a lease holder, new term = old + 1 (--trials, --nodes)',
  async run(options, context) {
    const trials = options.trials ?? (options.quick ? 5 : 30);
    const runs: HandoffRun[] = [];
    for (const nodes of options.nodes ?? [3, 5]) {
      const progress = (line: string): void => context.progress(`handoff ${nodes} nodes: ${line}`);
      runs.push(await runHandoff(nodes, productTimings, trials, { ...context, progress }));
    }
    return report(runs, options);
  },
};

async function runHandoff(nodes: number, timings: Timings, trialCount: number, context: RunContext): Promise<HandoffRun> {
  const cluster = await ClusterUnderTest.start({ size: nodes, timings });
  const trials: HandoffTrial[] = [];
  try {
    let stable = await cluster.waitForStableLeader();
    for (let trial = 1; trial <= trialCount; trial++) {
      const stopped = stable.leader;
      const oldTerm = stable.term;
      const sampler = cluster.sampleLeases(sampleIntervalMs);
      await sleep(leadInMs);
      const phaseDelayMs = await waitRandomHeartbeatPhase(timings);
      const termAtPerf = performance.now();
      const termAtWallMs = cluster.signal(stopped, 'SIGTERM');
      const acquired = await cluster.waitUntil(
        () =>
          cluster.logEvents().find((entry) => entry.event === 'lease-acquired' && entry.node !== stopped && (numberField(entry, 'term') ?? 0) > oldTerm) ??
          null,
        convergenceTimeoutMs,
        'a new lease holder',
      );
      await sleep(tailMs);
      const samples = await sampler.stop();
      // Both gaps were observed by now: a stall up to here may have stretched either.
      const observedUntilPerf = performance.now();
      const observedUntilWallMs = Date.now();
      const exit = await cluster.exited(stopped);
      const result = analyzeTrial(samples, cluster.logEvents(), { stopped, oldTerm, phaseDelayMs, termAtPerf, termAtWallMs, acquired });
      await cluster.restart(stopped);
      const disturbance = disturbanceDuring(context, cluster, {
        nodes: cluster.ids,
        fromPerf: termAtPerf,
        toPerf: observedUntilPerf,
        fromWallMs: termAtWallMs,
        toWallMs: observedUntilWallMs,
      });
      trials.push({
        ...result,
        exitedAfterMs: exit.wallMs - termAtWallMs,
        exitCode: exit.code,
        disturbance,
        timeline: timeline(cluster.logEvents(), termAtWallMs, Math.max(exit.wallMs, acquired.wallMs)),
      });
      context.progress(
        `trial ${trial}/${trialCount}: SIGTERM ${stopped} (term ${oldTerm}); ${result.newLeader ?? '?'} holds the lease in term ${result.newTerm ?? '?'}; ` +
          `gap polled ${ms(result.polledGapMs, 1)} ms, logged ${ms(result.loggedGapMs)} ms${isDisturbed(disturbance) ? '; machine stalled meanwhile' : ''}`,
      );
      stable = await cluster.waitForStableLeader();
    }
  } finally {
    await cluster.stop();
  }
  return { nodes, timings, trials };
}

interface TrialFacts {
  readonly stopped: NodeId;
  readonly oldTerm: number;
  readonly phaseDelayMs: number;
  readonly termAtPerf: number;
  readonly termAtWallMs: number;
  readonly acquired: NodeLogEvent;
}

function analyzeTrial(
  samples: readonly LeaseSample[],
  events: readonly NodeLogEvent[],
  facts: TrialFacts,
): Omit<HandoffTrial, 'exitedAfterMs' | 'exitCode' | 'disturbance' | 'timeline'> {
  const { stopped, oldTerm } = facts;
  const holding = samples.filter((sample) => sample.view?.holdsLease === true);
  const firstNew = holding.find((sample) => sample.node !== stopped);
  const lastOld = holding.filter((sample) => sample.node === stopped && (firstNew === undefined || sample.sentAt < firstNew.sentAt)).at(-1);
  const middle = (sample: LeaseSample): number => (sample.sentAt + sample.answeredAt) / 2;
  const bothSeen = firstNew !== undefined && lastOld !== undefined;
  const leaseLost = events.find(
    (entry) => entry.node === stopped && entry.event === 'lease-lost' && numberField(entry, 'term') === oldTerm && entry.wallMs >= facts.termAtWallMs,
  );
  const newTerm = numberField(facts.acquired, 'term');
  return {
    stopped,
    oldTerm,
    newLeader: facts.acquired.node,
    newTerm: firstNew?.view?.term ?? newTerm,
    phaseDelayMs: facts.phaseDelayMs,
    polledGapMs: bothSeen ? middle(firstNew) - middle(lastOld) : null,
    polledGapBoundsMs: bothSeen ? [firstNew.sentAt - lastOld.answeredAt, firstNew.answeredAt - lastOld.sentAt] : null,
    loggedGapMs: leaseLost === undefined ? null : facts.acquired.wallMs - leaseLost.wallMs,
    leaseDroppedAfterMs: leaseLost === undefined ? null : leaseLost.wallMs - facts.termAtWallMs,
    overlappingClaims: overlappingLeaseClaims(samples).length,
    samples: samples.filter((sample) => sample.sentAt >= facts.termAtPerf - leadInMs).length,
    medianSampleIntervalMs: medianSampleIntervalMs(samples),
    medianRoundTripMs: medianRoundTripMs(samples),
  };
}

function report(runs: readonly HandoffRun[], options: BenchOptions): BenchmarkOutcome {
  const gapRows = runs.flatMap((run) => {
    const calm = run.trials.filter((trial) => !isDisturbed(trial.disturbance));
    const column = (label: string, pick: (trial: HandoffTrial) => number | null, digits: number, trials = run.trials): string[] => [
      String(run.nodes),
      timingsLabel(run.timings),
      label,
      ...summaryCells(summarize(trials.flatMap((trial) => pick(trial) ?? [])), digits),
    ];
    return [
      column('gap, polled', (trial) => trial.polledGapMs, 1),
      column('gap, polled, no stall', (trial) => trial.polledGapMs, 1, calm),
      column('gap, logged', (trial) => trial.loggedGapMs, 0),
      column('gap, logged, no stall', (trial) => trial.loggedGapMs, 0, calm),
      column('SIGTERM to lease dropped', (trial) => trial.leaseDroppedAfterMs, 0),
      column('SIGTERM to exit', (trial) => trial.exitedAfterMs, 0),
    ];
  });
  const checkRows = runs.map((run) => {
    const all = run.trials;
    const intervals = summarize(all.map((trial) => trial.medianSampleIntervalMs));
    const trips = summarize(all.map((trial) => trial.medianRoundTripMs));
    const widths = summarize(all.flatMap((trial) => (trial.polledGapBoundsMs === null ? [] : [trial.polledGapBoundsMs[1] - trial.polledGapBoundsMs[0]])));
    return [
      String(run.nodes),
      String(all.length),
      String(all.filter((trial) => isDisturbed(trial.disturbance)).length),
      String(all.filter((trial) => trial.newTerm === trial.oldTerm + 1).length),
      String(all.filter((trial) => trial.polledGapMs === null).length),
      String(all.reduce((sum, trial) => sum + trial.overlappingClaims, 0)),
      String(all.filter((trial) => trial.exitCode !== 0).length),
      ms(intervals?.p50, 2),
      ms(trips?.p50, 2),
      ms(widths?.p50, 1),
    ];
  });
  return {
    lines: [
      'Time without a lease holder when the leader gets SIGTERM and hands leadership over (ms).',
      '"gap, polled": GetLeader on every node in its own loop, about every 1 ms (the next question leaves 1 ms after',
      'the previous one left, or when it is answered if later), from the midpoint of the last sample where the old',
      'leader held the lease to the midpoint of the first where the new one did. "gap, logged": the old leader\'s',
      'lease-lost line to the new leader\'s lease-acquired line (node log stamps, 1 ms). "no stall": only trials in',
      "which neither the bench's 5 ms timer woke >= 50 ms late nor a node logged stall-detected meanwhile.",
      '',
      ...formatTable(['nodes', 'timing', 'measure', ...summaryHeader], gapRows),
      '',
      ...formatTable(
        [
          'nodes',
          'trials',
          'stalled',
          'term = old+1',
          'gap not seen',
          'overlapping claims',
          'exit code != 0',
          'sample interval p50',
          'GetLeader rtt p50',
          'gap bounds width p50',
        ],
        checkRows,
      ),
    ],
    data: { quick: options.quick, sampleIntervalMs, runs },
  };
}
