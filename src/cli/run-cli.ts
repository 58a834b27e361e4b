import { wantsHelp } from '../util/command-line.ts';
import type { CliIo } from './cli-io.ts';
import { ClusterConnection } from './cluster-connection.ts';
import type { Command, CommandContext } from './command.ts';
import { commands } from './commands.ts';
import { resolveTargets } from './endpoints.ts';
import { exitCodes } from './exit-codes.ts';
import { findCommandName } from './find-command-name.ts';
import { globalFlags, readGlobalOptions, type GlobalOptions } from './global-options.ts';
import { parseCommandArgs, type ParsedArgs } from './parse-command-args.ts';
import { reportProblem } from './report.ts';
import { commandUsage, shortCommandUsage, topLevelUsage } from './usage.ts';

export interface RunCliOptions {
  /** Aborted on Ctrl-C; `watch` stops cleanly, any other command is abandoned with exit code 130. */
  readonly signal?: AbortSignal;
  /** Resolves relative paths, the default ./data/cluster.json included. Defaults to process.cwd(). */
  readonly cwd?: string;
}

/** Runs one hbctl command line (without `node hbctl`) and answers its exit code. */
export async function runCli(argv: readonly string[], io: CliIo, options: RunCliOptions = {}): Promise<number> {
  const { name, rest } = findCommandName(argv, globalFlags);
  // Checked before parsing, so that --help works even on a command line with mistakes.
  const asksHelp = wantsHelp(argv);
  if (name === undefined) {
    const usage = topLevelUsage(commands);
    if (asksHelp) {
      usage.forEach((line) => io.stdout(line));
      return exitCodes.ok;
    }
    reportProblem(io, 'no command given');
    usage.forEach((line) => io.stderr(line));
    return exitCodes.usage;
  }
  const command = commands.find((candidate) => candidate.name === name);
  if (command === undefined) {
    reportProblem(io, `unknown command ${JSON.stringify(name)}`);
    topLevelUsage(commands).forEach((line) => io.stderr(line));
    return exitCodes.usage;
  }
  if (asksHelp) {
    commandUsage(command).forEach((line) => io.stdout(line));
    return exitCodes.ok;
  }

  const usageErrors = (problems: readonly string[]): number => {
    problems.forEach((problem) => reportProblem(io, problem));
    shortCommandUsage(command).forEach((line) => io.stderr(line));
    return exitCodes.usage;
  };
  const parsed = parseCommandArgs(rest, [...command.flags, ...globalFlags], command.positionals);
  if (!parsed.ok) return usageErrors([parsed.problem]);
  const globals = readGlobalOptions(parsed.args);
  if (!globals.ok) return usageErrors(globals.problems);

  const signal = options.signal ?? new AbortController().signal;
  const context: CommandContext = {
    io,
    signal,
    usageError: (problem) => usageErrors([problem]),
    withCluster: (use) => withCluster(globals.options, options.cwd ?? process.cwd(), io, use),
  };
  return command.runsUntilInterrupted ? command.run(parsed.args, context) : untilInterrupted(command, parsed.args, context);
}

async function withCluster(
  globals: GlobalOptions,
  cwd: string,
  io: CliIo,
  use: (cluster: ClusterConnection) => Promise<number>,
): Promise<number> {
  const resolved = await resolveTargets(globals.endpointSource, cwd);
  if (!resolved.ok) {
    reportProblem(io, resolved.message);
    return exitCodes.failed;
  }
  const cluster = new ClusterConnection(resolved.targets, globals.timeoutMs);
  try {
    return await use(cluster);
  } finally {
    cluster.close();
  }
}

/** A one-shot command has nothing to clean up on Ctrl-C, so it is not waited for. */
async function untilInterrupted(command: Command, args: ParsedArgs, context: CommandContext): Promise<number> {
  const { signal } = context;
  if (signal.aborted) return exitCodes.interrupted;
  let onAbort: (() => void) | undefined;
  const interrupted = new Promise<number>((resolve) => {
    onAbort = () => resolve(exitCodes.interrupted);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([command.run(args, context), interrupted]);
  } finally {
    if (onAbort !== undefined) signal.removeEventListener('abort', onAbort);
  }
}
