import { parseArgs } from 'node:util';
import type { Flag, Positional, RequiredPositional } from './flag.ts';

/** A command line read against its declarations. A value that was refused reads as not given. */
export interface Args {
  /** The flag's value from the command line, else from its environment variable; undefined when neither is set. */
  value<T>(flag: Flag<T>): T | undefined;
  value<T>(flag: Flag<T>, fallback: T): T;
  /** Where its value came from, as the user wrote it (`--flag` or `HBC_FLAG`); undefined when not given. */
  source(flag: Flag<unknown>): string | undefined;
  /** False when one of them was given a value its parser refused, so checks across flags can skip them. */
  valid(...flags: readonly Flag<unknown>[]): boolean;
  /** The positional's value; undefined when an optional one is not given. */
  positional<T>(declared: RequiredPositional<T>): T;
  positional<T>(declared: Positional<T>): T | undefined;
}

/**
 * `args` is there unless the command line could not be split into flags at all; `problems` lists
 * every value refused. A single-command program goes on to check across its flags, reporting
 * those problems with these; a subcommand runs only when there is none.
 */
export type ReadArgsResult =
  { readonly ok: true; readonly args: Args; readonly problems: readonly string[] } | { readonly ok: false; readonly problems: readonly string[] };

/** Boxed, so that a parser's undefined is told apart from a value not given. */
interface Given {
  readonly value: unknown;
}

/**
 * Strictly parses `argv` (`--name value`, `--name=value`, boolean flags without a value, `--help`
 * and `-h` accepted and ignored: check `wantsHelp` first), then reads every flag (the command line
 * winning over the environment variable) and positional through its parser. Every problem found is
 * reported, except that parseArgs stops at the first syntax error, so at most one of those is.
 */
export function readArgs(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  flags: readonly Flag<unknown>[],
  positionals: readonly Positional<unknown>[] = [],
): ReadArgsResult {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = { help: { type: 'boolean', short: 'h' } };
  for (const flag of flags) options[flag.name] = { type: flag.kind };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
  } catch (error) {
    if (!isParseArgsError(error)) throw error;
    return { ok: false, problems: [parseArgsProblem(error)] };
  }

  const problems: string[] = [];
  const read = (parse: Flag<unknown>['parse'], text: string, source: string): Given | undefined => {
    const result = parse(text, source);
    if (result.ok) return { value: result.value };
    problems.push(...('problems' in result ? result.problems : [result.problem]));
    return undefined;
  };

  const givenPositionals = new Map<Positional<unknown>, Given>();
  positionals.forEach((declared, index) => {
    const text = parsed.positionals[index];
    if (text === undefined) {
      if (!declared.optional) problems.push(`missing <${declared.name}>`);
      return;
    }
    const given = read(declared.parse, text, `<${declared.name}>`);
    if (given !== undefined) givenPositionals.set(declared, given);
  });
  const extra = parsed.positionals[positionals.length];
  if (extra !== undefined) problems.push(`unexpected argument ${JSON.stringify(extra)}`);

  const givenFlags = new Map<Flag<unknown>, Given>();
  const sources = new Map<Flag<unknown>, string>();
  for (const flag of flags) {
    const setting = settingOf(flag, parsed.values[flag.name], env);
    if (setting === undefined) {
      if (flag.required !== undefined) problems.push(missingProblem(flag, flag.required));
      continue;
    }
    sources.set(flag, setting.source);
    const given = read(flag.parse, setting.text, setting.source);
    if (given !== undefined) givenFlags.set(flag, given);
  }

  const declaredFlags = new Set(flags);
  const declaredPositionals = new Set(positionals);
  const args: Args = {
    value: <T>(flag: Flag<T>, fallback?: T): T => {
      if (!declaredFlags.has(flag)) throw new Error(`--${flag.name} is read but not declared`);
      const given = givenFlags.get(flag);
      return (given === undefined ? fallback : given.value) as T;
    },
    source: (flag) => sources.get(flag),
    valid: (...some) => some.every((flag) => !sources.has(flag) || givenFlags.has(flag)),
    positional: <T>(declared: Positional<T>): T => {
      if (!declaredPositionals.has(declared)) throw new Error(`<${declared.name}> is read but not declared`);
      const given = givenPositionals.get(declared);
      // Only a command line without problems reaches a command, so a required one is there.
      if (given === undefined && !declared.optional) throw new Error(`<${declared.name}> is read but was not given`);
      return given?.value as T;
    },
  };
  return { ok: true, args, problems };
}

/** The command line wins over the environment variable. */
function settingOf(flag: Flag<unknown>, fromArgv: unknown, env: NodeJS.ProcessEnv): { text: string; source: string } | undefined {
  if (typeof fromArgv === 'string') return { text: fromArgv, source: `--${flag.name}` };
  if (fromArgv === true) return { text: 'true', source: `--${flag.name}` };
  const fromEnv = flag.env === undefined ? undefined : env[flag.env];
  // An empty variable is how shells usually "unset" a setting, so it counts as absent.
  if (flag.env === undefined || fromEnv === undefined || fromEnv === '') return undefined;
  return { text: fromEnv, source: flag.env };
}

/** The node names its variable beside the flag, as a required setting may come from either. */
function missingProblem(flag: Flag<unknown>, fix: string): string {
  return flag.env === undefined ? `--${flag.name} is required: ${fix}` : `missing --${flag.name} (or ${flag.env}): ${fix}`;
}

function isParseArgsError(error: unknown): error is Error & { code: string } {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' && error.code.startsWith('ERR_PARSE_ARGS_');
}

/** parseArgs's unknown-option message goes on about positionals starting with '-', which none of ours are. */
function parseArgsProblem(error: Error & { code: string }): string {
  const option = /'([^']+)'/.exec(error.message)?.[1];
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option !== undefined) return `unknown flag ${option}`;
  return error.message.replaceAll('\n', ' ');
}
