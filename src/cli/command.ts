import type { ClusterClient } from '../client/cluster-client.ts';
import type { CliIo, CommandSpec } from '../command-line/program.ts';
import type { Args } from '../command-line/read-args.ts';
import type { AdminNode } from '../client/admin-node.ts';
import { reportProblem } from './output.ts';

/** One `hbctl <name>` subcommand: what its help shows, and how it runs. */
export interface Command extends CommandSpec {
  /** True for commands that run until Ctrl-C and stop cleanly; the others are abandoned on Ctrl-C. */
  readonly runsUntilInterrupted: boolean;
  /** Answers the exit code. */
  run(args: Args, context: CommandContext): Promise<number>;
}

export interface CommandContext {
  readonly io: CliIo;
  /** Aborted on Ctrl-C. */
  readonly signal: AbortSignal;
  /**
   * Connects to the nodes the global flags name, runs `use`, and closes every connection after.
   * If the nodes cannot be found, prints why and answers the failure exit code without calling `use`.
   */
  readonly withCluster: (use: (cluster: ClusterClient) => Promise<number>) => Promise<number>;
}

/** The node a command line names by id; says which nodes there are if none has that id. */
export async function findNamedNode(cluster: ClusterClient, id: string, io: CliIo): Promise<AdminNode | undefined> {
  const node = await cluster.findNode(id);
  if (node === undefined) reportProblem(io, `no node ${id} among ${cluster.names()}`);
  return node;
}
