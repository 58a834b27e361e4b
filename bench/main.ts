/**
 * `npm run bench -- <name> [options]`: benchmarks on real clusters of real node processes.
 * Each prints the machine's state first (cores, load, a stall probe), then its tables, and
 * writes everything it measured to bench-results/<name>-<timestamp>.json.
 */
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
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

const usage = [
  'Usage: npm run bench -- <benchmark|all> [options]',
  '',
  'Benchmarks (each starts its own clusters of real node processes on loopback):',
  ...benchmarks.map((benchmark) => `  ${benchmark.name.padEnd(12)} ${benchmark.description}`),
  `  ${'all'.padEnd(12)} every benchmark in turn (use with --quick for a run of a few minutes)`,
  '',
  'Options:',
  '  --quick              fewer trials and shorter windows',
  '  --trials <n>         trials per configuration (failover, handoff, pause: default 30, quick 5;',
  '                       failover-sim: default 2000, quick 300; crash-torture: kills, default 1000,',
  '                       quick 100; clock-drift: rounds, default 10, quick 3)',
  '  --nodes <n,n,...>    cluster sizes (default 3,5; idle-cost 3,5,7,9, quick 3,5)',
  '  --seconds <s>        measurement window (idle-cost 30, stability 300, quick 10 and 30;',
  '                       with --find-min-timeout: per timeout tried, default 60, quick 8)',
  '  --find-min-timeout   stability: also find the smallest election timeout with no spurious election',
  '  --tls                versus-etcd: run this product with mutual TLS and client certificates too, beside plaintext',
  '  -h, --help           print this help',
  '',
  `Results: ${path.relative(process.cwd(), resultsDir) || '.'}/<name>-<timestamp>.json. Progress goes to stderr, reports to stdout.`,
  '',
].join('\n');

type Parsed = { readonly ok: true; readonly names: readonly string[]; readonly options: BenchOptions } | { readonly ok: false; readonly problem: string };

function parseCommandLine(argv: readonly string[]): Parsed | 'help' {
  let values;
  let positionals;
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        quick: { type: 'boolean' },
        'find-min-timeout': { type: 'boolean' },
        tls: { type: 'boolean' },
        trials: { type: 'string' },
        nodes: { type: 'string' },
        seconds: { type: 'string' },
      },
    }));
  } catch (error) {
    return { ok: false, problem: error instanceof Error ? error.message : String(error) };
  }
  if (values.help === true) return 'help';
  const [name, ...extra] = positionals;
  if (name === undefined) return { ok: false, problem: 'name a benchmark' };
  if (extra.length > 0) return { ok: false, problem: `one benchmark at a time (got ${positionals.join(', ')}); use "all" for every one` };
  const names = name === 'all' ? benchmarks.map((benchmark) => benchmark.name) : [name];
  if (!benchmarks.some((benchmark) => benchmark.name === name) && name !== 'all') return { ok: false, problem: `no benchmark named ${name}` };
  const whole = (flag: string, raw: string | undefined, min: number): number | null | string => {
    if (raw === undefined) return null;
    const value = Number(raw);
    return Number.isInteger(value) && value >= min ? value : `--${flag} must be a whole number of at least ${min} (got ${raw})`;
  };
  const trials = whole('trials', values.trials, 1);
  const seconds = whole('seconds', values.seconds, 1);
  const nodeCounts = values.nodes?.split(',').map((raw) => whole('nodes', raw.trim(), 1)) ?? null;
  const problem = [trials, seconds, ...(nodeCounts ?? [])].find((value) => typeof value === 'string');
  if (typeof problem === 'string') return { ok: false, problem };
  return {
    ok: true,
    names,
    options: {
      quick: values.quick === true,
      trials: trials as number | null,
      seconds: seconds as number | null,
      nodes: nodeCounts as number[] | null,
      findMinTimeout: values['find-min-timeout'] === true,
      tls: values.tls === true,
    },
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
  const parsed = parseCommandLine(process.argv.slice(2));
  if (parsed === 'help') {
    process.stdout.write(usage);
    return 0;
  }
  if (!parsed.ok) {
    process.stderr.write(`error: ${parsed.problem}\n\n${usage}`);
    return 2;
  }
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
    for (const name of parsed.names) {
      const benchmark = benchmarks.find((candidate) => candidate.name === name);
      if (benchmark !== undefined) await runBenchmark(benchmark, parsed.options);
    }
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
