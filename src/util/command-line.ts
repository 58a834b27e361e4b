import { parseArgs } from 'node:util';

/**
 * True when the command line asks for help. Checked before parsing, so that `--help` prints the
 * usage even when the rest of the command line has mistakes.
 */
export function wantsHelp(argv: readonly string[]): boolean {
  const terminator = argv.indexOf('--');
  const flags = terminator === -1 ? argv : argv.slice(0, terminator);
  return flags.includes('--help') || flags.includes('-h');
}

export type ParseFlagsResult =
  | { readonly ok: true; readonly values: ReadonlyMap<string, string> }
  | { readonly ok: false; readonly problem: string };

/**
 * Strictly parses `--name value` / `--name=value` flags that all take a string, plus `--help`/`-h`
 * and the `booleanNames` flags, which take no value and read as `'true'` when given.
 * A repeated flag keeps its last value. parseArgs stops at the first syntax error, so at most one
 * such problem is reported; the callers then validate the values and report every problem there.
 */
export function parseStringFlags(argv: readonly string[], names: readonly string[], booleanNames: readonly string[] = []): ParseFlagsResult {
  const options: Record<string, { type: 'string' } | { type: 'boolean'; short?: string }> = { help: { type: 'boolean', short: 'h' } };
  for (const name of names) options[name] = { type: 'string' };
  for (const name of booleanNames) options[name] = { type: 'boolean' };
  try {
    const { values } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false });
    const strings = new Map<string, string>();
    for (const [name, value] of Object.entries(values)) {
      if (typeof value === 'string') strings.set(name, value);
      else if (value === true && booleanNames.includes(name)) strings.set(name, 'true');
    }
    return { ok: true, values: strings };
  } catch (error) {
    if (!isParseArgsError(error)) throw error;
    return { ok: false, problem: `${error.message.replaceAll('\n', ' ')} (run with --help to see every flag)` };
  }
}

function isParseArgsError(error: unknown): error is Error {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' && error.code.startsWith('ERR_PARSE_ARGS_');
}

/** `Number()` alone would accept '' and ' ' as 0, and 'Infinity'. */
export function parseFiniteNumber(raw: string): number | undefined {
  if (raw.trim() === '') return undefined;
  const value = Number(raw);
  return Number.isFinite(value) ? value : undefined;
}

/** Lays out rows of cells (e.g. `--help` flags and their descriptions) as aligned, indented columns. */
export function formatColumns(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, column) => (widths[column] = Math.max(widths[column] ?? 0, cell.length)));
  return rows
    .map((row) => `  ${row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join('  ')}`)
    .join('\n');
}
