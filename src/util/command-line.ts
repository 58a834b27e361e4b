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

export type ParseFlagsResult = { readonly ok: true; readonly values: ReadonlyMap<string, string> } | { readonly ok: false; readonly problem: string };

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

/**
 * The values a numeric flag accepts. Every flag has an upper bound: an unbounded value ends up
 * somewhere it breaks (a timer over 2^31 - 1 ms fires after 1 ms).
 */
export interface NumberRange {
  readonly min: number;
  readonly max: number;
  /** The value must be below `max` rather than at most `max`. */
  readonly maxExclusive?: boolean;
  readonly integer: boolean;
  /** Plural, as in "a whole number of milliseconds"; omitted for a plain number. */
  readonly unit?: string;
}

const wholeNumber = /^\d+$/;
const decimalNumber = /^\d+(\.\d+)?$/;

/**
 * Plain decimal digits only: `Number()` alone would also take '' and ' ' (as 0), 'Infinity',
 * '1e12', '0x10' and '0b11', none of which anyone means as a setting.
 */
export function parseNumberInRange(raw: string, range: NumberRange): number | undefined {
  if (!(range.integer ? wholeNumber : decimalNumber).test(raw)) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < range.min) return undefined;
  if (range.maxExclusive === true ? value >= range.max : value > range.max) return undefined;
  return value;
}

/** "a whole number of milliseconds from 1 to 20000", for messages: what a flag must be. */
export function describeRange(range: NumberRange): string {
  const kind = range.integer ? 'a whole number' : 'a number';
  const unit = range.unit === undefined ? '' : ` of ${range.unit}`;
  const upper = range.maxExclusive === true ? `${range.min} up to (not including) ${range.max}` : `${range.min} to ${range.max}`;
  return `${kind}${unit} from ${upper}`;
}

/** "1-20000", "0-<0.5", for --help. */
export function rangeText(range: NumberRange): string {
  return `${range.min}-${range.maxExclusive === true ? '<' : ''}${range.max}`;
}

/** Lays out rows of cells (e.g. `--help` flags and their descriptions) as aligned, indented columns. */
export function formatColumns(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, column) => (widths[column] = Math.max(widths[column] ?? 0, cell.length)));
  return rows.map((row) => `  ${row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join('  ')}`).join('\n');
}
