import type { FlagSpec } from '../../src/cli/parse-command-args.ts';
import { formatColumns } from '../../src/util/command-line.ts';
import type { FaultCommand } from './fault-command.ts';
import { faultGlobalFlags } from './fault-global-options.ts';

const invocation = 'npm run fault --';
const helpFlag = ['-h, --help', 'print this help'];

export function topLevelUsage(commands: readonly FaultCommand[]): string[] {
  return lines([
    `Usage: ${invocation} <command> [flags]      (or: npx tsx scripts/fault.ts <command> [flags])`,
    '',
    'Injects faults into the local cluster started by `npm run cluster`: partitions through each',
    "node's admin API, and kills, pauses and restarts of the node processes.",
    '',
    'Commands:',
    formatColumns(commands.map((command) => [command.name, command.summary])),
    '',
    'Global flags (accepted by every command, before or after its name):',
    formatColumns([...flagRows(faultGlobalFlags), helpFlag]),
    '',
    'Exit status: 0 done, 1 a node refused or could not be reached, or the cluster file is missing,',
    '2 wrong command line, 130 Ctrl-C.',
    `Run \`${invocation} <command> --help\` for the flags of a command.`,
  ]);
}

export function commandUsage(command: FaultCommand): string[] {
  const usage = [usageLine(command), '', ...command.description, ''];
  if (command.flags.length > 0) usage.push('Flags:', formatColumns(flagRows(command.flags)), '');
  usage.push('Global flags:', formatColumns([...flagRows(faultGlobalFlags), helpFlag]));
  return lines(usage);
}

/** What a wrong command line gets: the usage line and where to find the rest. */
export function shortCommandUsage(command: FaultCommand): string[] {
  return [usageLine(command), `Run \`${invocation} ${command.name} --help\` for every flag.`];
}

function usageLine(command: FaultCommand): string {
  return `Usage: ${invocation} ${command.name}${command.synopsis === '' ? '' : ` ${command.synopsis}`} [global flags]`;
}

/** formatColumns answers several lines in one string; CliIo takes one line at a time. */
function lines(texts: readonly string[]): string[] {
  return texts.flatMap((text) => text.split('\n'));
}

function flagRows(flags: readonly FlagSpec[]): string[][] {
  return flags.map((flag) => [flag.placeholder === '' ? `--${flag.name}` : `--${flag.name} ${flag.placeholder}`, flag.description]);
}
