import type { CliIo } from '../command-line/cli-io.ts';
import type { ClusterClient } from '../client/cluster-client.ts';
import type { CommandSpec } from '../command-line/command-line-program.ts';
import type { ParsedArgs } from '../command-line/parse-command-args.ts';

/** One `hbctl <name>` subcommand: what its help shows, and how it runs. */
export interface Command extends CommandSpec {
  /** True for commands that run until Ctrl-C and stop cleanly; the others are abandoned on Ctrl-C. */
  readonly runsUntilInterrupted: boolean;
  /** Answers the exit code. */
  run(args: ParsedArgs, context: CommandContext): Promise<number>;
}

export interface CommandContext {
  readonly io: CliIo;
  /** Aborted on Ctrl-C. */
  readonly signal: AbortSignal;
  /** Prints the problem and the command's usage on stderr; answers the usage exit code. */
  readonly usageError: (problem: string) => number;
  /**
   * Connects to the nodes the global flags name, runs `use`, and closes every connection after.
   * If the nodes cannot be found, prints why and answers the failure exit code without calling `use`.
   */
  readonly withCluster: (use: (cluster: ClusterClient) => Promise<number>) => Promise<number>;
}
