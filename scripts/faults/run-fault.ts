import { anyText, booleanFlag, stringFlag, wholeNumber } from '../../src/command-line/flag.ts';
import { exitCodes, readCommandLine, type CliIo, type CommandLineProgram } from '../../src/command-line/program.ts';
import type { Args } from '../../src/command-line/read-args.ts';
import type { GivenClientTls } from '../../src/tls/client-tls.ts';
import { chaosCommand } from './commands/chaos-command.ts';
import { healCommand } from './commands/heal-command.ts';
import { killCommand } from './commands/kill-command.ts';
import { bridgeCommand, halvesCommand, isolateCommand, isolateLeaderCommand, majoritiesRingCommand, oneWayCommand } from './commands/partition-commands.ts';
import { pauseCommand } from './commands/pause-command.ts';
import { restartCommand } from './commands/restart-command.ts';
import { defaultClusterFile, FaultCluster } from './fault-cluster.ts';
import { reportProblem, type FaultCommand, type FaultContext } from './fault-command.ts';
import { PausedProcesses } from './paused-processes.ts';

/** Generous: fault drills run on machines busy with the cluster itself. */
const defaultTimeoutMs = 3000;
const maxTimeoutMs = 600_000;

const globalFlags = {
  cluster: stringFlag({
    name: 'cluster',
    placeholder: '<file|dir>',
    description: 'the cluster.json written by `npm run cluster`, or its data directory',
    defaultText: defaultClusterFile,
    parse: anyText,
  }),
  timeoutMs: stringFlag({
    name: 'timeout-ms',
    placeholder: '<ms>',
    description: 'deadline of each admin call to a node',
    defaultText: String(defaultTimeoutMs),
    parse: wholeNumber(1, maxTimeoutMs),
  }),
  cacert: stringFlag({
    name: 'cacert',
    placeholder: '<file>',
    description: "TLS: CA the nodes' certificates chain to",
    defaultText: "a --tls cluster's own",
    parse: anyText,
  }),
  cert: stringFlag({
    name: 'cert',
    placeholder: '<file>',
    description: 'TLS client certificate with the operator role',
    defaultText: "a --tls cluster's operator.crt",
    parse: anyText,
  }),
  key: stringFlag({ name: 'key', placeholder: '<file>', description: 'its private key', parse: anyText }),
  net: booleanFlag({
    name: 'net',
    description:
      "partitions and heal act on the kernel instead of the admin API: nftables rules in each node's network namespace (a cluster started with `npm run cluster -- --net`; root)",
  }),
  reject: booleanFlag({ name: 'reject', description: 'with --net: cut links answer with TCP resets instead of dropping every packet silently' }),
};

const faultProgram: CommandLineProgram<FaultCommand> = {
  invocation: 'npm run fault --',
  usageLineNote: '      (or: npx tsx scripts/fault.ts <command> [flags])',
  about: [
    'Injects faults into the local cluster started by `npm run cluster`: partitions through each',
    "node's admin API, and kills, pauses and restarts of the node processes.",
  ],
  notes: ['Exit status: 0 done, 1 a node refused or could not be reached, or the cluster file is missing,', '2 wrong command line, 130 Ctrl-C.'],
  // In the order the usage lists them.
  commands: [
    isolateCommand,
    isolateLeaderCommand,
    halvesCommand,
    bridgeCommand,
    majoritiesRingCommand,
    oneWayCommand,
    healCommand,
    killCommand,
    pauseCommand,
    restartCommand,
    chaosCommand,
  ],
  globalFlags: Object.values(globalFlags),
  problemPrefix: 'fault: ',
};

interface FaultGlobalOptions {
  /** As given; undefined for the default. */
  readonly clusterPath: string | undefined;
  readonly timeoutMs: number;
  readonly tls: GivenClientTls;
  /** With --net: how kernel cuts treat packets; null without --net. */
  readonly net: { readonly cut: 'blackhole' | 'reject' } | null;
}

function readGlobalOptions(args: Args): { readonly ok: true; readonly options: FaultGlobalOptions } | { readonly ok: false; readonly problem: string } {
  const net = args.value(globalFlags.net, false);
  const reject = args.value(globalFlags.reject, false);
  if (!net && reject) return { ok: false, problem: '--reject only goes with --net' };
  return {
    ok: true,
    options: {
      clusterPath: args.value(globalFlags.cluster),
      timeoutMs: args.value(globalFlags.timeoutMs, defaultTimeoutMs),
      tls: { cacert: args.value(globalFlags.cacert), cert: args.value(globalFlags.cert), key: args.value(globalFlags.key) },
      net: net ? { cut: reject ? 'reject' : 'blackhole' } : null,
    },
  };
}

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
  const read = readCommandLine(argv, io, faultProgram, process.env);
  if (!read.ok) return read.exitCode;
  const { command, args, usageErrors } = read;
  const globals = readGlobalOptions(args);
  if (!globals.ok) return usageErrors([globals.problem]);

  const paused = options.paused ?? new PausedProcesses();
  const context: FaultContext = {
    io,
    signal: options.signal ?? new AbortController().signal,
    paused,
    net: globals.options.net,
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
