import { parseArgs } from 'node:util';

export interface FlagSpec {
  readonly name: string;
  /** String flags take a value (`--name value` or `--name=value`); boolean flags do not. */
  readonly type: 'string' | 'boolean';
  /** Shown after the flag in help, e.g. `<ms>`; empty for boolean flags. */
  readonly placeholder: string;
  readonly description: string;
}

export interface PositionalSpec {
  /** As shown in help, e.g. `node`. */
  readonly name: string;
  readonly optional: boolean;
}

/** A command line after parsing; values are still unvalidated text. */
export interface ParsedArgs {
  readonly positionals: readonly string[];
  readonly strings: ReadonlyMap<string, string>;
  /** The boolean flags that were given. */
  readonly booleans: ReadonlySet<string>;
}

export type ParseCommandArgsResult = { readonly ok: true; readonly args: ParsedArgs } | { readonly ok: false; readonly problem: string };

/**
 * Strictly parses a command's arguments: unknown flags, a string flag without a value and a wrong
 * number of positionals are problems. A repeated flag keeps its last value.
 */
export function parseCommandArgs(argv: readonly string[], flags: readonly FlagSpec[], positionals: readonly PositionalSpec[]): ParseCommandArgsResult {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = { help: { type: 'boolean', short: 'h' } };
  for (const flag of flags) options[flag.name] = { type: flag.type };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
  } catch (error) {
    if (!isParseArgsError(error)) throw error;
    return { ok: false, problem: parseArgsProblem(error) };
  }
  const required = positionals.filter((positional) => !positional.optional);
  const missing = required[parsed.positionals.length];
  if (missing !== undefined) return { ok: false, problem: `missing <${missing.name}>` };
  const extra = parsed.positionals[positionals.length];
  if (extra !== undefined) return { ok: false, problem: `unexpected argument ${JSON.stringify(extra)}` };

  const strings = new Map<string, string>();
  const booleans = new Set<string>();
  for (const [name, value] of Object.entries(parsed.values)) {
    if (typeof value === 'string') strings.set(name, value);
    else if (value === true) booleans.add(name);
  }
  return { ok: true, args: { positionals: parsed.positionals, strings, booleans } };
}

function isParseArgsError(error: unknown): error is Error & { code: string } {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' && error.code.startsWith('ERR_PARSE_ARGS_');
}

/** parseArgs's unknown-option message goes on about positionals starting with '-', which hbctl has none of. */
function parseArgsProblem(error: Error & { code: string }): string {
  const option = /'([^']+)'/.exec(error.message)?.[1];
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option !== undefined) return `unknown flag ${option}`;
  return error.message.replaceAll('\n', ' ');
}
