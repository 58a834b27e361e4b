import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { formatTable } from '../src/util/table.ts';
import type { NodeId } from '../src/core/ids.ts';
import type { Benchmark, BenchmarkOutcome, BenchOptions } from './benchmark.ts';
import { ClusterUnderTest } from '../src/harness/cluster-under-test.ts';
import { registerCleanup } from '../src/harness/cleanup-registry.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { productTimings, timingsLabel } from '../src/harness/timings.ts';
import { histogramQuantile, roundTripBuckets } from './versus-etcd.ts';

const floodClient = fileURLToPath(new URL('./flood-client.ts', import.meta.url));
const inFlight = 2000;
const connections = 20;

interface Window {
  readonly roundTripP50Ms: number | null;
  readonly roundTripP99Ms: number | null;
  readonly leaderChanges: number;
  readonly stalls: number;
  /** Lines the leader logged in the window (all of them: every line is a JSON event here). */
  readonly leaderLogLines: number;
  readonly rejected: number;
}

interface FloodRun {
  readonly leader: NodeId;
  readonly baseline: Window;
  readonly flood: Window;
  readonly client: { readonly started: number; readonly codes: Record<string, number> } | null;
}

export const flood: Benchmark = {
  name: 'flood',
  description: `${inFlight} garbage peer streams in flight against the leader for --seconds (default 10): heartbeat p99, leader changes, log lines (--trials runs)`,
  async run(options, context) {
    const runs = options.trials ?? (options.quick ? 2 : 5);
    const seconds = options.seconds ?? 10;
    const results: FloodRun[] = [];
    for (let run = 1; run <= runs; run++) {
      results.push(await floodOnce(seconds));
      const last = results.at(-1)!;
      context.progress(
        `run ${run}/${runs}: heartbeat p99 ${fmt(last.baseline.roundTripP99Ms)} ms before, ${fmt(last.flood.roundTripP99Ms)} ms during; ` +
          `leader changes ${last.flood.leaderChanges}; ${last.client?.started ?? '?'} streams refused with ${last.flood.leaderLogLines} log lines`,
      );
    }
    return report(results, seconds, options);
  },
};

async function floodOnce(seconds: number): Promise<FloodRun> {
  const cluster = await ClusterUnderTest.start({ size: 3, timings: productTimings });
  try {
    const { leader } = await cluster.waitForStableLeader();
    const baseline = await measureWindow(cluster, leader, seconds, null);
    const client = spawn(
      process.execPath,
      ['--import', 'tsx', floodClient, cluster.peerAddress(leader), String(inFlight), String(seconds), String(connections)],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
        detached: true,
      },
    );
    const unregister = registerCleanup(async () => void client.kill('SIGKILL'));
    let output = '';
    client.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const done = new Promise<void>((resolve) => client.once('close', () => resolve()));
    const during = await measureWindow(cluster, leader, seconds, done);
    unregister();
    let summary: FloodRun['client'] = null;
    try {
      summary = JSON.parse(output.trim()) as FloodRun['client'];
    } catch {
      summary = null;
    }
    return { leader, baseline, flood: during, client: summary };
  } finally {
    await cluster.stop();
  }
}

async function measureWindow(cluster: ClusterUnderTest, leader: NodeId, seconds: number, until: Promise<void> | null): Promise<Window> {
  const before = await cluster.scrapeMetrics(leader);
  const fromWallMs = Date.now();
  await Promise.all([sleep(seconds * 1000), until ?? Promise.resolve()]);
  const toWallMs = Date.now();
  const after = await cluster.scrapeMetrics(leader);
  const inWindow = cluster.logEvents().filter((entry) => entry.wallMs >= fromWallMs && entry.wallMs <= toWallMs);
  const rejected = (text: string): number =>
    [...text.matchAll(/^hbc_peer_messages_rejected_total\{reason="[^"]+"\} (\S+)$/gm)].reduce((sum, match) => sum + Number(match[1]), 0);
  return {
    roundTripP50Ms: histogramQuantile(roundTripBuckets(before), roundTripBuckets(after), 0.5),
    roundTripP99Ms: histogramQuantile(roundTripBuckets(before), roundTripBuckets(after), 0.99),
    leaderChanges: inWindow.filter((entry) => entry.event === 'election-won').length,
    stalls: inWindow.filter((entry) => entry.event === 'stall-detected').length,
    leaderLogLines: inWindow.filter((entry) => entry.node === leader).length,
    rejected: rejected(after) - rejected(before),
  };
}

function fmt(value: number | null | undefined, digits = 1): string {
  return value === null || value === undefined ? '-' : value.toFixed(digits);
}

function report(runs: readonly FloodRun[], seconds: number, options: BenchOptions): BenchmarkOutcome {
  const third = productTimings.electionTimeoutMs / 3;
  const rows = runs.map((run, index) => [
    String(index + 1),
    fmt(run.baseline.roundTripP50Ms, 2),
    fmt(run.baseline.roundTripP99Ms),
    fmt(run.flood.roundTripP50Ms, 2),
    fmt(run.flood.roundTripP99Ms),
    String(run.flood.leaderChanges),
    String(run.flood.stalls),
    String(run.client?.started ?? '-'),
    String(run.flood.rejected),
    String(run.flood.leaderLogLines),
    run.client === null
      ? '-'
      : Object.entries(run.client.codes)
          .map(([code, count]) => `${code}:${count}`)
          .join(' '),
  ]);
  const worstP99 = Math.max(...runs.map((run) => run.flood.roundTripP99Ms ?? Infinity));
  const changes = runs.reduce((sum, run) => sum + run.flood.leaderChanges, 0);
  return {
    lines: [
      `3 nodes at ${timingsLabel(productTimings)}; for ${seconds} s a separate process keeps ${inFlight} Link streams in flight against the leader's`,
      `peer port over ${connections} connections, each carrying one bad message (another cluster's envelope, an out-of-range term,`,
      "non-protobuf bytes, or 4 KiB) and replaced as soon as it is refused. Heartbeat round trip from the leader's",
      'hbc_heartbeat_round_trip_seconds over the window (histogram_quantile, linear within buckets), before and during the flood.',
      '',
      ...formatTable(
        [
          'run',
          'rtt p50 before',
          'rtt p99 before',
          'rtt p50 flood',
          'rtt p99 flood',
          'leader changes',
          'stalls',
          'streams sent',
          'refusals counted',
          'leader log lines',
          'statuses (code:count)',
        ],
        rows,
      ),
      '',
      `target: no leader change (${changes} in ${runs.length} runs), heartbeat p99 under a third of the minimum election timeout, ${third.toFixed(0)} ms (worst run ${fmt(worstP99)} ms)`,
    ],
    data: { quick: options.quick, inFlight, connections, seconds, runs },
  };
}
