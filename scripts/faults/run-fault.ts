import type { CliIo } from '../../src/cli/cli-io.ts';
import { exitCodes } from '../../src/cli/exit-codes.ts';
import { findCommandName } from '../../src/cli/find-command-name.ts';
import { parseCommandArgs } from '../../src/cli/parse-command-args.ts';
import { wantsHelp } from '../../src/util/command-line.ts';
import { FaultCluster } from './fault-cluster.ts';
import type { FaultContext } from './fault-command.ts';
import { faultCommands } from './fault-commands.ts';
import { faultGlobalFlags, readFaultGlobalOptions } from './fault-global-options.ts';
import { reportProblem } from './fault-report.ts';
import { commandUsage, shortCommandUsage, topLevelUsage } from './fault-usage.ts';
import { PausedProcesses } from './paused-processes.ts';

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
  const { name, rest } = findCommandName(argv, faultGlobalFlags);
  // Checked before parsing, so that --help works even on a command line with mistakes.
  const asksHelp = wantsHelp(argv);
  if (name === undefined) {
    const usage = topLevelUsage(faultCommands);
    if (asksHelp) {
      usage.forEach((line) => io.stdout(line));
      return exitCodes.ok;
    }
    reportProblem(io, 'no command given');
    usage.forEach((line) => io.stderr(line));
    return exitCodes.usage;
  }
  const command = faultCommands.find((candidate) => candidate.name === name);
  if (command === undefined) {
    reportProblem(io, `unknown command ${JSON.stringify(name)}`);
    topLevelUsage(faultCommands).forEach((line) => io.stderr(line));
    return exitCodes.usage;
  }
  if (asksHelp) {
    commandUsage(command).forEach((line) => io.stdout(line));
    return exitCodes.ok;
  }

  const usageError = (problem: string): number => {
    reportProblem(io, problem);
    shortCommandUsage(command).forEach((line) => io.stderr(line));
    return exitCodes.usage;
  };
  const parsed = parseCommandArgs(rest, [...command.flags, ...faultGlobalFlags], command.positionals);
  if (!parsed.ok) return usageError(parsed.problem);
  const globals = readFaultGlobalOptions(parsed.args);
  if (!globals.ok) return usageError(globals.problem);

  const paused = options.paused ?? new PausedProcesses();
  const context: FaultContext = {
    io,
    signal: options.signal ?? new AbortController().signal,
    paused,
    usageError,
    withCluster: async (use) => {
      const opened = await FaultCluster.open(globals.options.clusterPath, options.cwd ?? process.cwd(), globals.options.timeoutMs);
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
    return await command.run(parsed.args, context);
  } finally {
    // Without a caller's registry nobody else could continue what this run paused.
    if (options.paused === undefined) paused.resumeAll();
  }
}
