import { formatColumns } from '../util/command-line.ts';
import type { Command } from './command.ts';
import { globalFlags } from './global-options.ts';
import type { FlagSpec } from './parse-command-args.ts';

const helpFlag = ['-h, --help', 'print this help'];

export function topLevelUsage(commands: readonly Command[]): string[] {
  return lines([
    'Usage: hbctl <command> [flags]',
    '',
    "Inspects and steers a heartbeat-cluster through its nodes' admin API.",
    '',
    'Commands:',
    formatColumns(commands.map((command) => [command.name, command.summary])),
    '',
    'Global flags (accepted by every command, before or after its name):',
    formatColumns([...flagRows(globalFlags), helpFlag]),
    '',
    'The nodes are found from --endpoints, else --cluster, else ./data/cluster.json.',
    'Exit status: 0 done, 1 a node refused or could not be reached, 2 wrong command line, 130 Ctrl-C.',
    'Run `hbctl <command> --help` for the flags of a command.',
  ]);
}

export function commandUsage(command: Command): string[] {
  const usage = [usageLine(command), '', ...command.description, ''];
  if (command.flags.length > 0) usage.push('Flags:', formatColumns(flagRows(command.flags)), '');
  usage.push('Global flags:', formatColumns([...flagRows(globalFlags), helpFlag]));
  return lines(usage);
}

/** What a wrong command line gets: the usage line and where to find the rest. */
export function shortCommandUsage(command: Command): string[] {
  return [usageLine(command), `Run \`hbctl ${command.name} --help\` for every flag.`];
}

function usageLine(command: Command): string {
  return `Usage: hbctl ${command.name}${command.synopsis === '' ? '' : ` ${command.synopsis}`} [global flags]`;
}

/** formatColumns answers several lines in one string; CliIo takes one line at a time. */
function lines(texts: readonly string[]): string[] {
  return texts.flatMap((text) => text.split('\n'));
}

function flagRows(flags: readonly FlagSpec[]): string[][] {
  return flags.map((flag) => [flag.placeholder === '' ? `--${flag.name}` : `--${flag.name} ${flag.placeholder}`, flag.description]);
}
