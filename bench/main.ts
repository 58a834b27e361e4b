/**
 * `npm run bench -- <name> [flags]`: benchmarks on real clusters of real node processes.
 * Each prints the machine's state first (cores, load, a stall probe), then its tables, and
 * writes everything it measured to bench-results/<name>-<timestamp>.json.
 */
import os from 'node:os';
import path from 'node:path';
import type { Benchmark, BenchOptions } from './benchmark.ts';
import { cleanUpEverything } from '../src/harness/cleanup-registry.ts';
import { clockDrift } from './clock-drift.ts';
import { crashTorture } from './crash-torture.ts';
import { failover } from './failover.ts';
import { failoverSim } from './failover-sim.ts';
import { flood } from './flood.ts';
import { handoff } from './handoff.ts';
import { idleCost } from './idle-cost.ts';
import { formatLoadAverage, formatMachineContext, measureMachineContext } from './machine-context.ts';
import { formatStalls, StallMonitor } from './machine-stalls.ts';
import { pause } from './pause.ts';
import { resultsDir, writeResults } from './results-file.ts';
import { formatSourceVersion, sourceVersion } from './source-version.ts';
import { stability } from './stability.ts';
import { startup } from './startup.ts';
import { storeWrites } from './store-writes.ts';
import { versusEtcd } from './versus-etcd.ts';
import { buildDist } from '../src/harness/node-command.ts';
import { maxClusterNodes } from '../src/cluster/cluster-options.ts';
import { booleanFlag, stringFlag, wholeNumber, type ValueParser } from '../src/command-line/flag.ts';
import { processIo, readCommandLine, type CommandLineProgram, type CommandSpec } from '../src/command-line/program.ts';
import type { Args } from '../src/command-line/read-args.ts';

const benchmarks: readonly Benchmark[] = [
  failoverSim,
  failover,
  handoff,
  pause,
  idleCost,
  stability,
  startup,
  storeWrites,
  flood,
  versusEtcd,
  crashTorture,
  clockDrift,
];

const nodeCounts: ValueParser<readonly number[]> = (text, source) => {
  const counts: number[] = [];
  for (const part of text.split(',')) {
    const count = wholeNumber(1, maxClusterNodes)(part.trim(), source);
    if (!count.ok) return count;
    counts.push(count.value);
  }
  return { ok: true, value: counts };
};

/** Every benchmark reads the same flags, each using those that apply to it. */
const sharedFlags = {
  quick: booleanFlag({ name: 'quick', description: 'fewer trials and shorter windows' }),
  trials: stringFlag({
    name: 'trials',
    placeholder: '<n>',
    description:
      'trials per configuration (failover, handoff, pause: default 30, quick 5; failover-sim: default 2000, quick 300; ' +
      'crash-torture: kills, default 1000, quick 100; clock-drift: rounds, default 10, quick 3)',
    parse: wholeNumber(1, 1_000_000),
  }),
  nodes: stringFlag({ name: 'nodes', placeholder: '<n,n,...>', description: 'cluster sizes (default 3,5; idle-cost 3,5,7,9, quick 3,5)', parse: nodeCounts }),
  seconds: stringFlag({
    name: 'seconds',
    placeholder: '<s>',
    description: 'measurement window (idle-cost 30, stability 300, quick 10 and 30; with --find-min-timeout: per timeout tried, default 60, quick 8)',
    parse: wholeNumber(1, 86_400),
  }),
  findMinTimeout: booleanFlag({ name: 'find-min-timeout', description: 'stability: also find the smallest election timeout with no spurious election' }),
  tls: booleanFlag({ name: 'tls', description: 'versus-etcd: run this product with mutual TLS and client certificates too, beside plaintext' }),
};

const allName = 'all';

const benchProgram: CommandLineProgram<CommandSpec> = {
  invocation: 'npm run bench --',
  usageLineNote: '',
  about: [
    'Benchmarks, each on its own clusters of real node processes on loopback. Progress goes to stderr, reports to stdout;',
    `everything measured to ${path.relative(process.cwd(), resultsDir) || '.'}/<name>-<timestamp>.json.`,
  ],
  notes: ['Exit status: 0 done, 1 a benchmark failed, 2 wrong command line, 130 Ctrl-C.'],
  commands: [
    ...benchmarks.map((benchmark) => ({
      name: benchmark.name,
      summary: benchmark.description,
      synopsis: '',
      description: [benchmark.description],
      positionals: [],
      flags: [],
    })),
    {
      name: allName,
      summary: 'every benchmark in turn (use with --quick for a run of a few minutes)',
      synopsis: '',
      description: ['Runs every benchmark in turn; with --quick, in a few minutes.'],
      positionals: [],
      flags: [],
    },
  ],
  globalFlags: Object.values(sharedFlags),
  problemPrefix: 'error: ',
};

function benchOptions(args: Args): BenchOptions {
  return {
    quick: args.value(sharedFlags.quick, false),
    trials: args.value(sharedFlags.trials) ?? null,
    seconds: args.value(sharedFlags.seconds) ?? null,
    nodes: args.value(sharedFlags.nodes) ?? null,
    findMinTimeout: args.value(sharedFlags.findMinTimeout, false),
    tls: args.value(sharedFlags.tls, false),
  };
}

async function runBenchmark(benchmark: Benchmark, options: BenchOptions): Promise<void> {
  const startedAt = new Date();
  const started = performance.now();
  const progress = (line: string): void => {
    process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);
  };
  progress(`${benchmark.name}: probing the machine`);
  const source = sourceVersion();
  const machine = await measureMachineContext(options.quick ? 5_000 : 10_000);
  const monitor = new StallMonitor();
  const outcome = await benchmark.run(options, { progress, stalls: monitor });
  const duringRun = monitor.stop();
  const loadAverageAfter = os.loadavg();
  const seconds = (performance.now() - started) / 1000;
  const file = await writeResults(benchmark.name, startedAt, {
    benchmark: benchmark.name,
    startedAt: startedAt.toISOString(),
    seconds,
    options,
    source,
    machine,
    duringRun: { stalls: duringRun, loadAverageAfter },
    results: outcome.data,
  });
  const lines = [
    `=== ${benchmark.name}${options.quick ? ' (quick)' : ''}: ${startedAt.toISOString()}, took ${seconds.toFixed(0)} s ===`,
    formatSourceVersion(source),
    ...formatMachineContext(machine),
    '',
    ...outcome.lines,
    '',
    `during the run, the bench's own 5 ms timer: ${formatStalls(duringRun)}`,
    `load average after: ${formatLoadAverage(loadAverageAfter)}`,
    `results: ${path.relative(process.cwd(), file)}`,
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function main(): Promise<number> {
  const read = readCommandLine(process.argv.slice(2), processIo(), benchProgram, process.env);
  if (!read.ok) return read.exitCode;
  const chosen = read.command.name === allName ? benchmarks : benchmarks.filter((benchmark) => benchmark.name === read.command.name);
  const options = benchOptions(read.args);
  process.once('unhandledRejection', (error) => {
    process.stderr.write(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    void cleanUpEverything().finally(() => process.exit(1));
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\n${signal}: stopping every node and removing temp dirs\n`);
      void cleanUpEverything().finally(() => process.exit(130));
    });
  }
  try {
    const built = await buildDist();
    if (!built.ok) throw new Error(built.message);
    for (const benchmark of chosen) await runBenchmark(benchmark, options);
    return 0;
  } catch (error) {
    process.stderr.write(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  } finally {
    await cleanUpEverything();
  }
}

// Exit explicitly: a gRPC channel or timer left behind by a failure must not keep the bench alive.
process.exit(await main());
