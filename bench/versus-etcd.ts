import { formatTable } from '../src/util/table.ts';
import { overlappingLeaseClaims, type LeaseObservation } from '../src/client/lease-observations.ts';
import type { NodeId } from '../src/core/ids.ts';
import type { Benchmark, BenchOptions, BenchmarkOutcome, RunContext } from './benchmark.ts';
import { startContender, type Contender, type LeadershipAnswer, type SystemName } from './contender.ts';
import { etcdVersion } from './etcd-cluster.ts';
import { waitRandomHeartbeatPhase } from './heartbeat-phase.ts';
import { readAllThreadsRuntimeNs, readProcessCounters } from './proc-stats.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { summarize, type Summary } from '../src/util/stats.ts';
import { etcdLikeTimings, productTimings, timingsLabel, type Timings } from '../src/harness/timings.ts';

/** Leadership asked of every node about every 1 ms (each node its own loop), around each hand-off. */
const pollIntervalMs = 1;
const leadInMs = 150;
const tailMs = 50;
const warmUpMs = 3000;

interface PollSample {
  readonly node: NodeId;
  readonly sentAt: number;
  readonly answeredAt: number;
  readonly answer: LeadershipAnswer | null;
}

/** The same poller for both systems: each node asked in its own loop, every `intervalMs`. */
class LeadershipPoller {
  private readonly samples: PollSample[] = [];
  private running = true;
  private readonly loops: Promise<void>[];

  constructor(private readonly contender: Contender) {
    this.loops = contender.processes.ids.map((id) => this.loop(id));
  }

  async stop(): Promise<PollSample[]> {
    this.running = false;
    await Promise.all(this.loops);
    return this.samples.sort((a, b) => a.sentAt - b.sentAt);
  }

  private async loop(id: NodeId): Promise<void> {
    while (this.running) {
      const sentAt = performance.now();
      const answer = await this.contender.poll(id);
      this.samples.push({ node: id, sentAt, answeredAt: performance.now(), answer });
      await sleep(pollIntervalMs - (performance.now() - sentAt));
    }
  }
}

export interface SystemRun {
  readonly system: SystemName;
  readonly nodes: number;
  readonly timings: Timings;
  /** SIGKILL of the leader to the first other node's own "became leader" stamp. */
  readonly failoverMs: readonly number[];
  /** SIGTERM of the leader to the new leader's own "became leader" stamp. */
  readonly handoffSigtermToLeaderMs: readonly number[];
  /** heartbeat-cluster only: the old leader's lease-lost line to the new one's lease-acquired line. */
  readonly handoffLoggedGapMs: readonly number[];
  /** Last poll in which the old leader led to the first in which the new one did (midpoints). */
  readonly handoffPolledGapMs: readonly number[];
  /** Hand-offs that needed an election timeout (the new leader came later than one minimum timeout). */
  readonly handoffTimeouts: number;
  /** Polls in which two nodes claimed to lead at what may have been the same moment. */
  readonly overlappingClaims: number;
  /** A killed follower started again until it names the agreed leader (poller). */
  readonly rejoinMs: readonly number[];
  readonly idle: IdleCost;
}

export interface IdleCost {
  readonly seconds: number;
  readonly leaderCpuPercent: number;
  readonly followerCpuPercent: number;
  readonly leaderRssMiB: number;
  readonly followerRssMiB: number;
  /** heartbeat-cluster only: p50 of the leader's heartbeat round trips in the window (ms, from its histogram). */
  readonly heartbeatRoundTripP50Ms: number | null;
}

export const versusEtcd: Benchmark = {
  name: 'versus-etcd',
  description:
    'this product and etcd side by side, same sizes, timings, signals and poller: failover, hand-off, rejoin, idle CPU and RSS (--tls: ours with TLS too)',
  async run(options, context) {
    const version = etcdVersion();
    if (version === null) {
      return {
        lines: ['etcd is not on PATH: skipped. On Debian, `apt-get install etcd-server` provides etcd 3.4.23.'],
        data: { skipped: 'etcd not on PATH' },
      };
    }
    const trials = options.trials ?? (options.quick ? 5 : 20);
    const seconds = options.seconds ?? (options.quick ? 10 : 30);
    const runs: SystemRun[] = [];
    for (const timings of [etcdLikeTimings, productTimings]) {
      for (const nodes of options.nodes ?? [3, 5]) {
        // One system right after the other for each configuration: the same hour of the same machine.
        const systems: readonly SystemName[] = options.tls ? ['heartbeat-cluster', 'heartbeat-cluster-tls', 'etcd'] : ['heartbeat-cluster', 'etcd'];
        for (const system of systems) {
          const progress = (line: string): void => context.progress(`versus-etcd ${system} ${nodes} nodes ${timingsLabel(timings)}: ${line}`);
          runs.push(await runSystem(system, nodes, timings, trials, seconds, { ...context, progress }));
        }
      }
    }
    return report(runs, version, options);
  },
};

async function runSystem(system: SystemName, nodes: number, timings: Timings, trials: number, seconds: number, context: RunContext): Promise<SystemRun> {
  const contender = await startContender(system, nodes, timings);
  const failoverMs: number[] = [];
  const sigtermMs: number[] = [];
  const loggedGapMs: number[] = [];
  const polledGapMs: number[] = [];
  const rejoinMs: number[] = [];
  let handoffTimeouts = 0;
  let overlappingClaims = 0;
  try {
    let leader = await contender.stableLeader();
    const idle = await measureIdle(contender, leader, seconds);
    context.progress(
      `idle: leader ${idle.leaderCpuPercent.toFixed(2)}% CPU, ${idle.leaderRssMiB.toFixed(0)} MiB; followers ${idle.followerCpuPercent.toFixed(2)}%, ${idle.followerRssMiB.toFixed(0)} MiB`,
    );
    for (let trial = 1; trial <= trials; trial++) {
      // Failover: SIGKILL the leader.
      await waitRandomHeartbeatPhase(timings);
      const killedAt = contender.processes.signal(leader, 'SIGKILL');
      const elected = await contender.leaderLogged(killedAt, leader);
      failoverMs.push(elected.wallMs - killedAt);
      await contender.processes.exited(leader);
      rejoinMs.push(await restartAndRejoin(contender, leader, elected.node));
      leader = await contender.stableLeader();

      // Hand-off: SIGTERM the leader, polled all along.
      const poller = new LeadershipPoller(contender);
      await sleep(leadInMs);
      await waitRandomHeartbeatPhase(timings);
      const termAt = contender.processes.signal(leader, 'SIGTERM');
      const next = await contender.leaderLogged(termAt, leader);
      await sleep(tailMs);
      const samples = await poller.stop();
      sigtermMs.push(next.wallMs - termAt);
      if (next.wallMs - termAt >= timings.electionTimeoutMs) handoffTimeouts++;
      const dropped = contender.leadershipDropped(leader, termAt);
      const ready = contender.leadershipReady(next.node, termAt);
      if (dropped !== null && ready !== null) loggedGapMs.push(ready.wallMs - dropped.wallMs);
      const gap = polledGap(samples, leader, next.node);
      if (gap !== null) polledGapMs.push(gap);
      overlappingClaims += overlappingLeaseClaims(samples.map(asObservation)).length;
      await contender.processes.exited(leader);
      await contender.processes.restart(leader);
      leader = await contender.stableLeader();
      context.progress(
        `trial ${trial}/${trials}: failover ${failoverMs.at(-1)} ms, rejoin ${rejoinMs.at(-1)?.toFixed(0)} ms, hand-off SIGTERM to leader ${sigtermMs.at(-1)} ms` +
          `${loggedGapMs.length > 0 && dropped !== null ? `, logged gap ${loggedGapMs.at(-1)} ms` : ''}, polled gap ${gap === null ? '-' : gap.toFixed(1)} ms`,
      );
    }
    return {
      system,
      nodes,
      timings,
      failoverMs,
      handoffSigtermToLeaderMs: sigtermMs,
      handoffLoggedGapMs: loggedGapMs,
      handoffPolledGapMs: polledGapMs,
      handoffTimeouts,
      overlappingClaims,
      rejoinMs,
      idle,
    };
  } finally {
    await contender.stop();
  }
}

/** Restarts a killed node and polls it until it names `leader`; ms from the restart. */
async function restartAndRejoin(contender: Contender, node: NodeId, leader: NodeId): Promise<number> {
  const startedAt = performance.now();
  await contender.processes.restart(node);
  for (;;) {
    const answer = await contender.poll(node);
    if (answer?.leaderId === leader) return performance.now() - startedAt;
    if (performance.now() - startedAt > 120_000) throw new Error(`${node} did not rejoin within 120 s`);
    await sleep(pollIntervalMs);
  }
}

function polledGap(samples: readonly PollSample[], oldLeader: NodeId, newLeader: NodeId): number | null {
  const leading = samples.filter((sample) => sample.answer?.leads === true);
  const firstNew = leading.find((sample) => sample.node === newLeader);
  if (firstNew === undefined) return null;
  const lastOld = leading.filter((sample) => sample.node === oldLeader && sample.sentAt < firstNew.sentAt).at(-1);
  if (lastOld === undefined) return null;
  const middle = (sample: PollSample): number => (sample.sentAt + sample.answeredAt) / 2;
  return middle(firstNew) - middle(lastOld);
}

function asObservation(sample: PollSample): LeaseObservation {
  const view =
    sample.answer === null ? null : { id: sample.node, leaderId: sample.answer.leaderId, term: 0, holdsLease: sample.answer.leads, leaseRemainingMs: 0 };
  return { node: sample.node, sentAt: sample.sentAt, answeredAt: sample.answeredAt, view };
}

async function measureIdle(contender: Contender, leader: NodeId, seconds: number): Promise<IdleCost> {
  await sleep(warmUpMs);
  const pids = new Map(contender.processes.ids.map((id) => [id, contender.processes.pid(id)] as const));
  const bucketsBefore = contender.scrapeMetrics === null ? null : roundTripBuckets(await contender.scrapeMetrics(leader));
  const before = new Map([...pids].map(([id, pid]) => [id, readAllThreadsRuntimeNs(pid)] as const));
  const startedAt = performance.now();
  await sleep(seconds * 1000);
  const after = new Map([...pids].map(([id, pid]) => [id, readAllThreadsRuntimeNs(pid)] as const));
  const elapsed = (performance.now() - startedAt) / 1000;
  const rss = new Map([...pids].map(([id, pid]) => [id, readProcessCounters(pid)?.rssKiB ?? null] as const));
  const bucketsAfter = contender.scrapeMetrics === null ? null : roundTripBuckets(await contender.scrapeMetrics(leader));
  const cost = (id: NodeId): { cpu: number; rss: number } => {
    const [b, a, kib] = [before.get(id), after.get(id), rss.get(id)];
    if (b === null || b === undefined || a === null || a === undefined || kib === null || kib === undefined)
      throw new Error(`${id} exited during the idle window`);
    return { cpu: (100 * (a - b)) / 1e9 / elapsed, rss: kib / 1024 };
  };
  const followers = contender.processes.ids.filter((id) => id !== leader).map(cost);
  const mean = (values: readonly number[]): number => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
  const leaderCost = cost(leader);
  return {
    seconds: elapsed,
    leaderCpuPercent: leaderCost.cpu,
    followerCpuPercent: mean(followers.map((follower) => follower.cpu)),
    leaderRssMiB: leaderCost.rss,
    followerRssMiB: mean(followers.map((follower) => follower.rss)),
    heartbeatRoundTripP50Ms: bucketsBefore === null || bucketsAfter === null ? null : histogramQuantile(bucketsBefore, bucketsAfter, 0.5),
  };
}

/** Cumulative bucket counts of hbc_heartbeat_round_trip_seconds, summed over peers, by upper bound (s). */
export function roundTripBuckets(text: string): Map<number, number> {
  const buckets = new Map<number, number>();
  for (const match of text.matchAll(/^hbc_heartbeat_round_trip_seconds_bucket\{le="([^"]+)",peer="[^"]+"\} (\S+)$/gm)) {
    const bound = match[1] === '+Inf' ? Infinity : Number(match[1]);
    buckets.set(bound, (buckets.get(bound) ?? 0) + Number(match[2]));
  }
  return buckets;
}

/** Prometheus' histogram_quantile over the window's bucket increases: linear within the bucket, in ms. */
export function histogramQuantile(before: ReadonlyMap<number, number>, after: ReadonlyMap<number, number>, quantile: number): number | null {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const counts = bounds.map((bound) => (after.get(bound) ?? 0) - (before.get(bound) ?? 0));
  const total = counts.at(-1) ?? 0;
  if (total <= 0) return null;
  const rank = quantile * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const [index, bound] of bounds.entries()) {
    const count = counts[index] ?? 0;
    if (count >= rank) {
      if (!Number.isFinite(bound)) return lowerBound * 1000;
      return (lowerBound + ((bound - lowerBound) * (rank - lowerCount)) / Math.max(1, count - lowerCount)) * 1000;
    }
    lowerBound = bound;
    lowerCount = count;
  }
  return null;
}

// ---- the report -------------------------------------------------------------------------------

export interface ComparisonRow {
  readonly nodes: number;
  readonly timings: string;
  readonly measure: string;
  readonly ours: string;
  readonly etcd: string;
  readonly ratio: string;
  /** This product with TLS (`--tls`), and its figure over the plaintext one's; '-' when not run. */
  readonly oursTls: string;
  readonly tlsRatio: string;
}

const fmt = (value: number | null | undefined, digits = 0): string =>
  value === null || value === undefined || Number.isNaN(value) ? '-' : value.toFixed(digits);
const p50max = (summary: Summary | null, digits = 0): string => (summary === null ? '-' : `${fmt(summary.p50, digits)} / ${fmt(summary.max, digits)}`);
const ratio = (ours: number | null | undefined, etcd: number | null | undefined): string =>
  ours === null || ours === undefined || etcd === null || etcd === undefined || etcd === 0 ? '-' : `${(ours / etcd).toFixed(2)}×`;

/** One figure of a run: as shown, and the number ratios are taken of (null: no ratio). */
interface Measure {
  readonly measure: string;
  readonly text: (run: SystemRun) => string;
  readonly value: (run: SystemRun) => number | null | undefined;
}

/** p50 / max of per-trial samples; the ratio is of the medians. */
function sampled(measure: string, pick: (run: SystemRun) => readonly number[], digits = 0): Measure {
  return { measure, text: (run) => p50max(summarize(pick(run)), digits), value: (run) => summarize(pick(run))?.p50 };
}

function counted(measure: string, pick: (run: SystemRun) => number): Measure {
  return { measure, text: (run) => String(pick(run)), value: () => null };
}

function single(measure: string, pick: (run: SystemRun) => number | null, digits: number): Measure {
  return { measure, text: (run) => fmt(pick(run), digits), value: pick };
}

const measures: readonly Measure[] = [
  sampled('failover: SIGKILL to new leader, ms p50 / max', (run) => run.failoverMs),
  sampled('hand-off: SIGTERM to new leader, ms p50 / max', (run) => run.handoffSigtermToLeaderMs),
  sampled('hand-off: logged gap (ours lease-lost to lease-acquired; etcd SIGTERM to leader), ms p50 / max', (run) =>
    run.system === 'etcd' ? run.handoffSigtermToLeaderMs : run.handoffLoggedGapMs,
  ),
  sampled('hand-off: polled gap, ms p50 / max', (run) => run.handoffPolledGapMs, 1),
  counted('hand-offs that waited an election timeout', (run) => run.handoffTimeouts),
  counted('overlapping claims (ours: lease; etcd: leader)', (run) => run.overlappingClaims),
  sampled('restarted node names the leader, ms p50 / max', (run) => run.rejoinMs),
  single('idle CPU, leader, % of a core', (run) => run.idle.leaderCpuPercent, 2),
  single('idle CPU, follower (mean), % of a core', (run) => run.idle.followerCpuPercent, 2),
  single('RSS, leader, MiB', (run) => run.idle.leaderRssMiB, 1),
  single('RSS, follower (mean), MiB', (run) => run.idle.followerRssMiB, 1),
  // etcd has no such histogram: its runs hold null, so there is no ratio to etcd.
  single('heartbeat round trip p50, ms (hbc_heartbeat_round_trip_seconds)', (run) => run.idle.heartbeatRoundTripP50Ms, 2),
];

/** One row per figure and configuration: ours, etcd's, and ours / etcd's (of the medians); with TLS too when it ran. */
export function comparisonRows(runs: readonly SystemRun[]): ComparisonRow[] {
  const configurations = new Map<string, Partial<Record<SystemName, SystemRun>>>();
  for (const run of runs) {
    const key = `${run.nodes} ${timingsLabel(run.timings)}`;
    configurations.set(key, { ...configurations.get(key), [run.system]: run });
  }
  return [...configurations.values()].flatMap((systems) => {
    const ours = systems['heartbeat-cluster'];
    const withTls = systems['heartbeat-cluster-tls'];
    const etcd = systems.etcd;
    const any = ours ?? withTls ?? etcd;
    if (any === undefined) return [];
    const text = (measure: Measure, run: SystemRun | undefined): string => (run === undefined ? '-' : measure.text(run));
    const value = (measure: Measure, run: SystemRun | undefined): number | null | undefined => (run === undefined ? null : measure.value(run));
    return measures.map((measure) => ({
      nodes: any.nodes,
      timings: `${any.timings.heartbeatMs}/${any.timings.electionTimeoutMs}`,
      measure: measure.measure,
      ours: text(measure, ours),
      etcd: text(measure, etcd),
      ratio: ratio(value(measure, ours), value(measure, etcd)),
      oursTls: text(measure, withTls),
      tlsRatio: ratio(value(measure, withTls), value(measure, ours)),
    }));
  });
}

function report(runs: readonly SystemRun[], etcdVersionText: string, options: BenchOptions): BenchmarkOutcome {
  const rows = comparisonRows(runs);
  const trials = runs[0]?.failoverMs.length ?? 0;
  const withTls = runs.some((run) => run.system === 'heartbeat-cluster-tls');
  return {
    lines: [
      `heartbeat-cluster against etcd ${etcdVersionText}, one after the other per configuration, ${trials} trials each; ratio = ours / etcd's (medians).`,
      'Both get the same signals at a random point of the heartbeat interval and the same poller (each node asked in its',
      'own loop about every 1 ms: ours GetLeader over gRPC, holding the lease; etcd /v3/maintenance/status over HTTP,',
      "being the leader). Stamps are each system's own log lines (ours election-won, lease-lost, lease-acquired; etcd",
      '"became leader at term N"). Idle CPU: run time of all the process\'s threads (/proc/<pid>/task/*/schedstat) over the',
      'window; RSS from /proc/<pid>/status.',
      '',
      ...(withTls
        ? [
            'With --tls, this product also ran with mutual TLS between nodes and client certificates on admin and metrics (the poller',
            "calling over TLS with the operator's certificate) right after its plaintext run; TLS / plain = with TLS over without.",
            '',
          ]
        : []),
      ...formatTable(
        ['nodes', 'timings', 'measure', 'heartbeat-cluster', 'etcd', 'ratio', ...(withTls ? ['with TLS', 'TLS / plain'] : [])],
        rows.map((row) => [String(row.nodes), row.timings, row.measure, row.ours, row.etcd, row.ratio, ...(withTls ? [row.oursTls, row.tlsRatio] : [])]),
      ),
    ],
    data: { quick: options.quick, etcdVersion: etcdVersionText, runs },
  };
}
