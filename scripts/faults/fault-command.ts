import type { AdminNode } from '../../src/client/admin-node.ts';
import { describeCallFailure, type CallFailure } from '../../src/client/call-failure.ts';
import { stringFlag, wholeNumber, type Flag } from '../../src/command-line/flag.ts';
import type { CliIo, CommandSpec } from '../../src/command-line/program.ts';
import type { Args } from '../../src/command-line/read-args.ts';
import type { FaultCluster } from './fault-cluster.ts';
import type { PausedProcesses } from './paused-processes.ts';

/** One `fault <name>` command: what its help shows, and how it runs. */
export interface FaultCommand extends CommandSpec {
  /** Answers the exit code. */
  run(args: Args, context: FaultContext): Promise<number>;
}

export interface FaultContext {
  readonly io: CliIo;
  /** Aborted on Ctrl-C. Commands that wait stop waiting and undo what must not outlive them. */
  readonly signal: AbortSignal;
  /** Processes paused by this script, continued on every way out. */
  readonly paused: PausedProcesses;
  /** --net: partitions and heal are kernel rules; null: they go through the admin API. */
  readonly net: { readonly cut: 'blackhole' | 'reject' } | null;
  /**
   * Opens the cluster file the global flags name, runs `use`, and closes every connection after.
   * If the file cannot be read, prints why and answers the failure exit code without calling `use`.
   */
  readonly withCluster: (use: (cluster: FaultCluster) => Promise<number>) => Promise<number>;
}

/** Every expected failure is one `fault: ...` line on stderr, never a stack trace. */
export function reportProblem(io: CliIo, problem: string): void {
  io.stderr(`fault: ${problem}`);
}

/** e.g. `fault: n2 (127.0.0.1:7501): unreachable: connect ECONNREFUSED 127.0.0.1:7501`. */
export function reportNodeFailure(io: CliIo, node: AdminNode, failure: CallFailure): void {
  reportProblem(io, `${node.label}: ${describeCallFailure(failure)}`);
}

/** Longer than any run or wait anyone means to ask for. */
const maxMs = 86_400_000;

/** A duration flag (`--<name> <ms>`) of at least `min` ms. */
export function msFlag(name: string, description: string, defaultMs: number, min = 1): Flag<number> {
  return stringFlag({ name, placeholder: '<ms>', description, defaultText: String(defaultMs), parse: wholeNumber(min, maxMs) });
}

const maxSeed = 2 ** 32 - 1;

export const seedFlag = stringFlag({
  name: 'seed',
  placeholder: '<n>',
  description: `makes the random choices repeatable, 0 to ${maxSeed} (default: a random seed, which is printed)`,
  parse: wholeNumber(0, maxSeed),
});

/** The seed given, or a fresh one, which the command prints so that its run can be repeated. */
export function readSeed(args: Args): number {
  return args.value(seedFlag) ?? Math.floor(Math.random() * (maxSeed + 1));
}
