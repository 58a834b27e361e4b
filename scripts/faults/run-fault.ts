import type { CliIo } from '../../src/command-line/cli-io.ts';
import { readCommandLine, type CommandLineProgram } from '../../src/command-line/command-line-program.ts';
import { exitCodes } from '../../src/command-line/exit-codes.ts';
import { FaultCluster } from './fault-cluster.ts';
import type { FaultCommand, FaultContext } from './fault-command.ts';
import { faultCommands } from './fault-commands.ts';
import { faultGlobalFlags, readFaultGlobalOptions } from './fault-global-options.ts';
import { reportProblem } from './fault-report.ts';
import { PausedProcesses } from './paused-processes.ts';

const faultProgram: CommandLineProgram<FaultCommand> = {
  invocation: 'npm run fault --',
  usageLineNote: '      (or: npx tsx scripts/fault.ts <command> [flags])',
  about: [
    'Injects faults into the local cluster started by `npm run cluster`: partitions through each',
    "node's admin API, and kills, pauses and restarts of the node processes.",
  ],
  notes: ['Exit status: 0 done, 1 a node refused or could not be reached, or the cluster file is missing,', '2 wrong command line, 130 Ctrl-C.'],
  commands: faultCommands,
  globalFlags: faultGlobalFlags,
  reportProblem,
};

export interface RunFaultOptions {
  /** Aborted on Ctrl-C: commands that wait stop, undoing what must not outlive them (a pause). */
  readonly signal?: AbortSignal;
  /** Resolves relative paths, the default ./data/cluster.json included. Defaults to process.cwd(). */
  readonly cwd?: string;
  /** Where paused processes are recorded, so that the caller can continue them on any exit. */
  readonly paused?: PausedProcesses;
}

/** Runs one fault command line (without `fault`) and answers its exit code. */
export async function runFault(argv: readonly string[], io: CliIo, options: RunFaultOptions = {}): Promise<number> {
  const read = readCommandLine(argv, io, faultProgram);
  if (!read.ok) return read.exitCode;
  const { command, args, usageErrors } = read;
  const usageError = (problem: string): number => usageErrors([problem]);
  const globals = readFaultGlobalOptions(args);
  if (!globals.ok) return usageError(globals.problem);

  const paused = options.paused ?? new PausedProcesses();
  const context: FaultContext = {
    io,
    signal: options.signal ?? new AbortController().signal,
    paused,
    net: globals.options.net,
    usageError,
    withCluster: async (use) => {
      const opened = await FaultCluster.open(globals.options.clusterPath, options.cwd ?? process.cwd(), globals.options.timeoutMs, globals.options.tls);
      if (!opened.ok) {
        reportProblem(io, opened.problem);
        return exitCodes.failed;
      }
      try {
        return await use(opened.cluster);
      } finally {
        opened.cluster.close();
      }
    },
  };
  try {
    return await command.run(args, context);
  } finally {
    // Without a caller's registry nobody else could continue what this run paused.
    if (options.paused === undefined) paused.resumeAll();
  }
}
