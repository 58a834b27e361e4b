import { formatColumns, wantsHelp } from '../util/command-line.ts';
import type { CliIo } from './cli-io.ts';
import { exitCodes } from './exit-codes.ts';
import { findCommandName } from './find-command-name.ts';
import { parseCommandArgs, type FlagSpec, type ParsedArgs, type PositionalSpec } from './parse-command-args.ts';

/** What every subcommand declares for its help and its parsing (`hbctl <name>`, `fault <name>`). */
export interface CommandSpec {
  readonly name: string;
  /** One line for the list of commands. */
  readonly summary: string;
  /** What follows the name in its usage line, e.g. `<node> --from <peers>`. */
  readonly synopsis: string;
  /** Paragraph lines for its --help. */
  readonly description: readonly string[];
  readonly positionals: readonly PositionalSpec[];
  /** Its own flags; the global flags are added to every command. */
  readonly flags: readonly FlagSpec[];
}

/** A program made of subcommands: hbctl, or the fault scripts. */
export interface CommandLineProgram<C extends CommandSpec> {
  /** How users invoke it, e.g. `hbctl` or `npm run fault --`. */
  readonly invocation: string;
  /** Added to the top-level usage line, e.g. another way to invoke it. */
  readonly usageLineNote: string;
  /** What it does, for the top of its help. */
  readonly about: readonly string[];
  /** Lines between the global flags and the pointer to each command's help (exit codes...). */
  readonly notes: readonly string[];
  readonly commands: readonly C[];
  readonly globalFlags: readonly FlagSpec[];
  /** Prints one expected problem on stderr, in the program's own voice. */
  reportProblem(io: CliIo, problem: string): void;
}

/** A command line read: the command and its arguments, or the exit code when there is nothing to run. */
export type ReadCommandLine<C extends CommandSpec> =
  | {
      readonly ok: true;
      readonly command: C;
      readonly args: ParsedArgs;
      /** Prints the problems and the command's usage on stderr; answers the usage exit code. */
      readonly usageErrors: (problems: readonly string[]) => number;
    }
  | { readonly ok: false; readonly exitCode: number };

/**
 * Finds the command, answers --help (at the top or for a command, even on a command line with
 * mistakes), and parses the command's and the global flags; every wrong command line gets a
 * problem line and usage on stderr and the usage exit code.
 */
export function readCommandLine<C extends CommandSpec>(argv: readonly string[], io: CliIo, program: CommandLineProgram<C>): ReadCommandLine<C> {
  const { name, rest } = findCommandName(argv, program.globalFlags);
  const asksHelp = wantsHelp(argv);
  if (name === undefined) {
    const usage = topLevelUsage(program);
    if (asksHelp) {
      usage.forEach((line) => io.stdout(line));
      return { ok: false, exitCode: exitCodes.ok };
    }
    program.reportProblem(io, 'no command given');
    usage.forEach((line) => io.stderr(line));
    return { ok: false, exitCode: exitCodes.usage };
  }
  const command = program.commands.find((candidate) => candidate.name === name);
  if (command === undefined) {
    program.reportProblem(io, `unknown command ${JSON.stringify(name)}`);
    topLevelUsage(program).forEach((line) => io.stderr(line));
    return { ok: false, exitCode: exitCodes.usage };
  }
  if (asksHelp) {
    commandUsage(program, command).forEach((line) => io.stdout(line));
    return { ok: false, exitCode: exitCodes.ok };
  }
  const usageErrors = (problems: readonly string[]): number => {
    problems.forEach((problem) => program.reportProblem(io, problem));
    shortCommandUsage(program, command).forEach((line) => io.stderr(line));
    return exitCodes.usage;
  };
  const parsed = parseCommandArgs(rest, [...command.flags, ...program.globalFlags], command.positionals);
  if (!parsed.ok) return { ok: false, exitCode: usageErrors([parsed.problem]) };
  return { ok: true, command, args: parsed.args, usageErrors };
}

const helpFlag = ['-h, --help', 'print this help'];

function topLevelUsage<C extends CommandSpec>(program: CommandLineProgram<C>): string[] {
  return lines([
    `Usage: ${program.invocation} <command> [flags]${program.usageLineNote}`,
    '',
    ...program.about,
    '',
    'Commands:',
    formatColumns(program.commands.map((command) => [command.name, command.summary])),
    '',
    'Global flags (accepted by every command, before or after its name):',
    formatColumns([...flagRows(program.globalFlags), helpFlag]),
    '',
    ...program.notes,
    `Run \`${program.invocation} <command> --help\` for the flags of a command.`,
  ]);
}

function commandUsage<C extends CommandSpec>(program: CommandLineProgram<C>, command: C): string[] {
  const usage = [usageLine(program, command), '', ...command.description, ''];
  if (command.flags.length > 0) usage.push('Flags:', formatColumns(flagRows(command.flags)), '');
  usage.push('Global flags:', formatColumns([...flagRows(program.globalFlags), helpFlag]));
  return lines(usage);
}

/** What a wrong command line gets: the usage line and where to find the rest. */
function shortCommandUsage<C extends CommandSpec>(program: CommandLineProgram<C>, command: C): string[] {
  return [usageLine(program, command), `Run \`${program.invocation} ${command.name} --help\` for every flag.`];
}

function usageLine<C extends CommandSpec>(program: CommandLineProgram<C>, command: C): string {
  return `Usage: ${program.invocation} ${command.name}${command.synopsis === '' ? '' : ` ${command.synopsis}`} [global flags]`;
}

/** formatColumns answers several lines in one string; CliIo takes one line at a time. */
function lines(texts: readonly string[]): string[] {
  return texts.flatMap((text) => text.split('\n'));
}

function flagRows(flags: readonly FlagSpec[]): string[][] {
  return flags.map((flag) => [flag.placeholder === '' ? `--${flag.name}` : `--${flag.name} ${flag.placeholder}`, flag.description]);
}
