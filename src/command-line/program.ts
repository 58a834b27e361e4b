/**
 * The two shapes of program here, each with its help laid out the same way: a single command
 * (the node, the launcher) and a program of subcommands (hbctl, the fault scripts, the benchmarks).
 * --help prints the usage on stdout and exits 0, even on a command line with mistakes; every wrong
 * command line gets each problem and a short usage on stderr, and the usage exit code.
 */
import { formatColumns } from '../util/table.ts';
import type { Flag, Positional } from './flag.ts';
import { readArgs, type Args } from './read-args.ts';

/** Where a program writes. One call per line, without the newline, so tests can collect the lines. */
export interface CliIo {
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
  /** True when stdout is a terminal, so live views may redraw it in place. Absent means false. */
  readonly stdoutIsTty?: boolean;
}

/** The process's own stdout and stderr. */
export function processIo(): CliIo {
  return {
    stdout: (line) => process.stdout.write(`${line}\n`),
    stderr: (line) => process.stderr.write(`${line}\n`),
    stdoutIsTty: process.stdout.isTTY === true,
  };
}

/** The exit statuses of hbctl, the fault scripts and the benchmarks, as their usage documents them. */
export const exitCodes = {
  ok: 0,
  /** A node refused the request, could not be reached, or the cluster could not be found. */
  failed: 1,
  /** The command line itself is wrong. */
  usage: 2,
  /** 128 + SIGINT, the shell convention for a program stopped by Ctrl-C. */
  interrupted: 130,
} as const;

/**
 * True when the command line asks for help. Checked before parsing, so that `--help` prints the
 * usage even when the rest of the command line has mistakes.
 */
export function wantsHelp(argv: readonly string[]): boolean {
  const terminator = argv.indexOf('--');
  const flags = terminator === -1 ? argv : argv.slice(0, terminator);
  return flags.includes('--help') || flags.includes('-h');
}

/** A program that is one command: `npm run node -- --id n1 ...`. */
export interface SingleCommandProgram {
  /** How users invoke it, e.g. `npm run node --`. */
  readonly invocation: string;
  /** What follows the invocation in its usage line. */
  readonly synopsis: string;
  /** What it does, for the top of its help. */
  readonly about: readonly string[];
  readonly flags: readonly Flag<unknown>[];
  /** Lines after the flags (an example...). */
  readonly notes: readonly string[];
}

export type ReadOptionsResult<T> = { readonly ok: true; readonly options: T } | { readonly ok: false; readonly problems: readonly string[] };

export type ReadProgramResult<T> = { readonly ok: true; readonly options: T } | { readonly ok: false; readonly exitCode: number };

/** A single-command program's --help, or its options read by `read`, or its problems with the usage exit code. */
export function readSingleCommand<T>(
  argv: readonly string[],
  io: CliIo,
  program: SingleCommandProgram,
  read: (argv: readonly string[]) => ReadOptionsResult<T>,
): ReadProgramResult<T> {
  if (wantsHelp(argv)) {
    singleCommandUsage(program).forEach((line) => io.stdout(line));
    return { ok: false, exitCode: exitCodes.ok };
  }
  const result = read(argv);
  if (result.ok) return result;
  result.problems.forEach((problem) => io.stderr(`error: ${problem}`));
  io.stderr(`Usage: ${program.invocation} ${program.synopsis}`);
  io.stderr(`Run \`${program.invocation} --help\` for every flag.`);
  return { ok: false, exitCode: exitCodes.usage };
}

export function singleCommandUsage(program: SingleCommandProgram): string[] {
  return lines([`Usage: ${program.invocation} ${program.synopsis}`, '', ...program.about, '', 'Flags:', flagTable(program.flags), '', ...program.notes]);
}

/** What every subcommand declares for its help and its parsing (`hbctl <name>`, `fault <name>`). */
export interface CommandSpec {
  readonly name: string;
  /** One line for the list of commands. */
  readonly summary: string;
  /** What follows the name in its usage line, e.g. `<node> --from <peers>`. */
  readonly synopsis: string;
  /** Paragraph lines for its --help. */
  readonly description: readonly string[];
  readonly positionals: readonly Positional<unknown>[];
  /** Its own flags; the global flags are added to every command. */
  readonly flags: readonly Flag<unknown>[];
}

/** A program made of subcommands: hbctl, the fault scripts, the benchmarks. */
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
  readonly globalFlags: readonly Flag<unknown>[];
  /** Starts each problem line on stderr, e.g. `hbctl: `. */
  readonly problemPrefix: string;
}

/** A command line read: the command and its arguments, or the exit code when there is nothing to run. */
export type ReadCommandLine<C extends CommandSpec> =
  | {
      readonly ok: true;
      readonly command: C;
      readonly args: Args;
      /** Prints the problems and the command's usage on stderr; answers the usage exit code. */
      readonly usageErrors: (problems: readonly string[]) => number;
    }
  | { readonly ok: false; readonly exitCode: number };

/**
 * Finds the command, answers --help (at the top or for a command, even on a command line with
 * mistakes), and reads the command's and the global flags, reporting every problem.
 */
export function readCommandLine<C extends CommandSpec>(
  argv: readonly string[],
  io: CliIo,
  program: CommandLineProgram<C>,
  env: NodeJS.ProcessEnv,
): ReadCommandLine<C> {
  const report = (problem: string): void => io.stderr(`${program.problemPrefix}${problem}`);
  const { name, rest } = findCommandName(argv, program.globalFlags);
  const asksHelp = wantsHelp(argv);
  if (name === undefined) {
    const usage = topLevelUsage(program);
    if (asksHelp) {
      usage.forEach((line) => io.stdout(line));
      return { ok: false, exitCode: exitCodes.ok };
    }
    report('no command given');
    usage.forEach((line) => io.stderr(line));
    return { ok: false, exitCode: exitCodes.usage };
  }
  const command = program.commands.find((candidate) => candidate.name === name);
  if (command === undefined) {
    report(`unknown command ${JSON.stringify(name)}`);
    topLevelUsage(program).forEach((line) => io.stderr(line));
    return { ok: false, exitCode: exitCodes.usage };
  }
  if (asksHelp) {
    commandUsage(program, command).forEach((line) => io.stdout(line));
    return { ok: false, exitCode: exitCodes.ok };
  }
  const usageErrors = (problems: readonly string[]): number => {
    problems.forEach(report);
    io.stderr(usageLine(program, command));
    io.stderr(`Run \`${program.invocation} ${command.name} --help\` for every flag.`);
    return exitCodes.usage;
  };
  const read = readArgs(rest, env, [...command.flags, ...program.globalFlags], command.positionals);
  if (!read.ok || read.problems.length > 0) return { ok: false, exitCode: usageErrors(read.problems) };
  return { ok: true, command, args: read.args, usageErrors };
}

/**
 * Finds the command name so that global flags may come before it (`hbctl --endpoints a:1 status`)
 * as well as after. A global string flag's separate value must not be mistaken for the name.
 */
function findCommandName(argv: readonly string[], globalFlags: readonly Flag<unknown>[]): { name: string | undefined; rest: readonly string[] } {
  const takesValue = new Set(globalFlags.filter((flag) => flag.kind === 'string').map((flag) => `--${flag.name}`));
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index] ?? '';
    if (argument === '--') break;
    if (!argument.startsWith('-')) return { name: argument, rest: [...argv.slice(0, index), ...argv.slice(index + 1)] };
    if (takesValue.has(argument)) index += 1;
  }
  return { name: undefined, rest: argv };
}

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
    flagTable(program.globalFlags),
    '',
    ...program.notes,
    `Run \`${program.invocation} <command> --help\` for the flags of a command.`,
  ]);
}

function commandUsage<C extends CommandSpec>(program: CommandLineProgram<C>, command: C): string[] {
  const usage = [usageLine(program, command), '', ...command.description, ''];
  if (command.flags.length > 0) usage.push('Flags:', flagTable(command.flags, false), '');
  usage.push('Global flags:', flagTable(program.globalFlags));
  return lines(usage);
}

function usageLine<C extends CommandSpec>(program: CommandLineProgram<C>, command: C): string {
  return `Usage: ${program.invocation} ${command.name}${command.synopsis === '' ? '' : ` ${command.synopsis}`} [global flags]`;
}

/** formatColumns answers several lines in one string; CliIo takes one line at a time. */
function lines(texts: readonly string[]): string[] {
  return texts.flatMap((text) => text.split('\n'));
}

/** One row per flag: the flag, its environment variable when any flag has one, what it does and its default. */
function flagTable(flags: readonly Flag<unknown>[], withHelp = true): string {
  const withEnv = flags.some((flag) => flag.env !== undefined);
  const rows = flags.map((flag) => {
    const notes = [...(flag.required === undefined ? [] : ['required']), ...(flag.defaultText === undefined ? [] : [`default ${flag.defaultText}`])];
    const description = [flag.description, ...(notes.length === 0 ? [] : [`(${notes.join('; ')})`])].filter((part) => part !== '').join(' ');
    const usage = flag.placeholder === '' ? `--${flag.name}` : `--${flag.name} ${flag.placeholder}`;
    return withEnv ? [usage, flag.env ?? '', description] : [usage, description];
  });
  if (withHelp) rows.push(withEnv ? ['-h, --help', '', 'print this help'] : ['-h, --help', 'print this help']);
  return formatColumns(rows);
}
