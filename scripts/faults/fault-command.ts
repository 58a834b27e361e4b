import type { CliIo } from '../../src/command-line/cli-io.ts';
import type { CommandSpec } from '../../src/command-line/command-line-program.ts';
import type { ParsedArgs } from '../../src/command-line/parse-command-args.ts';
import type { FaultCluster } from './fault-cluster.ts';
import type { PausedProcesses } from './paused-processes.ts';

/** One `fault <name>` command: what its help shows, and how it runs. */
export interface FaultCommand extends CommandSpec {
  /** Answers the exit code. */
  run(args: ParsedArgs, context: FaultContext): Promise<number>;
}

export interface FaultContext {
  readonly io: CliIo;
  /** Aborted on Ctrl-C. Commands that wait stop waiting and undo what must not outlive them. */
  readonly signal: AbortSignal;
  /** Processes paused by this script, continued on every way out. */
  readonly paused: PausedProcesses;
  /** --net: partitions and heal are kernel rules; null: they go through the admin API. */
  readonly net: { readonly cut: 'blackhole' | 'reject' } | null;
  /** Prints the problem and the command's usage on stderr; answers the usage exit code. */
  readonly usageError: (problem: string) => number;
  /**
   * Opens the cluster file the global flags name, runs `use`, and closes every connection after.
   * If the file cannot be read, prints why and answers the failure exit code without calling `use`.
   */
  readonly withCluster: (use: (cluster: FaultCluster) => Promise<number>) => Promise<number>;
}
