import { chooseClientTls, loadClientTls, resolveClientTlsFiles } from '../tls/client-tls.ts';
import { ClusterClient } from '../client/cluster-client.ts';
import { exitCodes, readCommandLine, type CliIo, type CommandLineProgram } from '../command-line/program.ts';
import type { Args } from '../command-line/read-args.ts';
import type { Command, CommandContext } from './command.ts';
import { resolveTargets } from '../client/endpoints.ts';
import { globalFlags, readGlobalOptions, type GlobalOptions } from './global-options.ts';
import { reportProblem } from './output.ts';
import { delayCommand } from './commands/delay-command.ts';
import { healCommand } from './commands/heal-command.ts';
import { leaderCommand } from './commands/leader-command.ts';
import { leaseCommand } from './commands/lease-command.ts';
import { membersCommand } from './commands/members-command.ts';
import { partitionCommand } from './commands/partition-command.ts';
import { statusCommand } from './commands/status-command.ts';
import { stepDownCommand } from './commands/step-down-command.ts';
import { topCommand } from './commands/top-command.ts';
import { transferCommand } from './commands/transfer-command.ts';
import { watchCommand } from './commands/watch-command.ts';

const hbctlProgram: CommandLineProgram<Command> = {
  invocation: 'hbctl',
  usageLineNote: '',
  about: ["Inspects and steers a heartbeat-cluster through its nodes' admin API."],
  notes: [
    'The nodes are found from --endpoints, else --cluster, else ./data/cluster.json.',
    'Over TLS with --cacert (and --cert/--key where the nodes require client certificates), or a TLS cluster file.',
    'Exit status: 0 done, 1 a node refused or could not be reached, 2 wrong command line, 130 Ctrl-C.',
  ],
  // In the order the usage lists them.
  commands: [
    statusCommand,
    leaderCommand,
    leaseCommand,
    membersCommand,
    watchCommand,
    topCommand,
    stepDownCommand,
    transferCommand,
    partitionCommand,
    healCommand,
    delayCommand,
  ],
  globalFlags,
  problemPrefix: 'hbctl: ',
};

export interface RunCliOptions {
  /** Aborted on Ctrl-C; `watch` stops cleanly, any other command is abandoned with exit code 130. */
  readonly signal?: AbortSignal;
  /** Resolves relative paths, the default ./data/cluster.json included. Defaults to process.cwd(). */
  readonly cwd?: string;
  /** Where HBCTL_CACERT, HBCTL_CERT and HBCTL_KEY are read; defaults to process.env. */
  readonly env?: NodeJS.ProcessEnv;
}

/** Runs one hbctl command line (without `node hbctl`) and answers its exit code. */
export async function runCli(argv: readonly string[], io: CliIo, options: RunCliOptions = {}): Promise<number> {
  const read = readCommandLine(argv, io, hbctlProgram, options.env ?? process.env);
  if (!read.ok) return read.exitCode;
  const { command, args, usageErrors } = read;
  const globals = readGlobalOptions(args);
  if (!globals.ok) return usageErrors([globals.problem]);

  const signal = options.signal ?? new AbortController().signal;
  const context: CommandContext = {
    io,
    signal,
    withCluster: (use) => withCluster(globals.options, options.cwd ?? process.cwd(), io, use),
  };
  return command.runsUntilInterrupted ? command.run(args, context) : untilInterrupted(command, args, context);
}

async function withCluster(globals: GlobalOptions, cwd: string, io: CliIo, use: (cluster: ClusterClient) => Promise<number>): Promise<number> {
  const resolved = await resolveTargets(globals.endpointSource, cwd);
  if (!resolved.ok) {
    reportProblem(io, resolved.message);
    return exitCodes.failed;
  }
  const chosen = chooseClientTls(globals.tls, resolved.tlsDir);
  if (!chosen.ok) {
    reportProblem(io, chosen.problem);
    return exitCodes.usage;
  }
  let tls = null;
  if (chosen.files !== null) {
    const loaded = loadClientTls(resolveClientTlsFiles(chosen.files, cwd));
    if (!loaded.ok) {
      loaded.problems.forEach((problem) => reportProblem(io, problem));
      return exitCodes.failed;
    }
    tls = loaded.material;
  }
  const cluster = new ClusterClient(resolved.targets, { callTimeoutMs: globals.timeoutMs, tls });
  try {
    return await use(cluster);
  } finally {
    cluster.close();
  }
}

/** A one-shot command has nothing to clean up on Ctrl-C, so it is not waited for. */
async function untilInterrupted(command: Command, args: Args, context: CommandContext): Promise<number> {
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
