/**
 * How every program here (the node, the launcher, hbctl, the fault scripts, the benchmarks)
 * declares a flag or positional argument: its name, what help shows, where else it may come from,
 * and the parser that turns its text into a value or says, naming where the text came from, how
 * to fix it. read-args.ts reads them; program.ts lays out their help.
 */
import { isValidId } from '../core/ids.ts';
import { parseHostPort, type HostPort } from '../util/host-port.ts';

export type FlagValue<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };

/** A value that is wrong in several ways at once (a member list with two bad entries) says each. */
export type ParsedText<T> = FlagValue<T> | { readonly ok: false; readonly problems: readonly string[] };

/** `source` is the text as the user wrote it (`--heartbeat-ms`, `HBC_HEARTBEAT_MS`, `<node>`), for problems. */
export type ValueParser<T> = (text: string, source: string) => ParsedText<T>;

export interface Flag<T> {
  readonly name: string;
  /** String flags take a value (`--name value` or `--name=value`); boolean flags do not, and are true when given. */
  readonly kind: 'string' | 'boolean';
  /** Shown after the flag in help, e.g. `<ms>`; empty for boolean flags. */
  readonly placeholder: string;
  readonly description: string;
  /** Sets the flag when it is not given; an empty variable counts as unset (as shells unset). */
  readonly env?: string;
  /** Shown in help as `(default …)`. */
  readonly defaultText?: string;
  /** Missing is a problem, and this says what to give, e.g. `the peers to cut off, e.g. --from n2,n3`. */
  readonly required?: string;
  readonly parse: ValueParser<T>;
}

export interface Positional<T> {
  /** As shown in help, e.g. `node`. */
  readonly name: string;
  readonly optional: boolean;
  readonly parse: ValueParser<T>;
}

/** A command does not run without it, so reading it always gives a value. */
export interface RequiredPositional<T> extends Positional<T> {
  readonly optional: false;
}

/** What a flag declaration gives; `kind` and `parse` follow from the constructor. */
type FlagText = Omit<Flag<unknown>, 'kind' | 'parse' | 'placeholder'>;

export function stringFlag<T>(spec: FlagText & { readonly placeholder: string; readonly parse: ValueParser<T> }): Flag<T> {
  return { ...spec, kind: 'string' };
}

/** From its environment variable a boolean flag reads `true` or `false`. */
export function booleanFlag(spec: FlagText): Flag<boolean> {
  return { ...spec, kind: 'boolean', placeholder: '', parse: trueOrFalse };
}

export function positional<T>(name: string, parse: ValueParser<T>): RequiredPositional<T> {
  return { name, optional: false, parse };
}

export function optionalPositional<T>(name: string, parse: ValueParser<T>): Positional<T> {
  return { name, optional: true, parse };
}

export const anyText: ValueParser<string> = (text) => ({ ok: true, value: text });

function trueOrFalse(text: string, source: string): FlagValue<boolean> {
  if (text === 'true' || text === 'false') return { ok: true, value: text === 'true' };
  return { ok: false, problem: `${source} must be true or false (got ${JSON.stringify(text)})` };
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

const wholeNumberText = /^\d+$/;
const decimalNumberText = /^\d+(\.\d+)?$/;

/**
 * Plain decimal digits only: `Number()` alone would also take '' and ' ' (as 0), 'Infinity',
 * '1e12', '0x10' and '0b11', none of which anyone means as a setting.
 */
export function parseNumberInRange(raw: string, range: NumberRange): number | undefined {
  if (!(range.integer ? wholeNumberText : decimalNumberText).test(raw)) return undefined;
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

/** A number in `range`; `example` ends the problem, e.g. `, such as 0.05`. */
export function numberIn(range: NumberRange, example = ''): ValueParser<number> {
  return (text, source) => {
    const value = parseNumberInRange(text, range);
    if (value === undefined) return { ok: false, problem: `${source} must be ${describeRange(range)}${example} (got ${JSON.stringify(text)})` };
    return { ok: true, value };
  };
}

/** A whole number within [min, max]; the bounds appear in the problem so it says how to fix it. */
export function wholeNumber(min: number, max: number): ValueParser<number> {
  return numberIn({ min, max, integer: true });
}

export function choice<T extends string>(allowed: readonly T[]): ValueParser<T> {
  return (text, source) => {
    const value = allowed.find((candidate) => candidate === text);
    if (value === undefined) return { ok: false, problem: `${source} must be one of ${allowed.join(', ')} (got ${JSON.stringify(text)})` };
    return { ok: true, value };
  };
}

export const nodeId: ValueParser<string> = (text, source) =>
  isValidId(text) ? { ok: true, value: text } : { ok: false, problem: `${source}: ${JSON.stringify(text)} is not a valid node id` };

/** `n2,n3` (spaces around commas are allowed) as node ids, each valid and listed once. */
export const idList: ValueParser<readonly string[]> = (text, source) => {
  const ids = text
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
  if (ids.length === 0) return { ok: false, problem: `${source} needs at least one node id, e.g. n2,n3` };
  const invalid = ids.find((id) => !isValidId(id));
  if (invalid !== undefined) return { ok: false, problem: `${source}: ${JSON.stringify(invalid)} is not a valid node id` };
  const repeated = ids.find((id, index) => ids.indexOf(id) !== index);
  if (repeated !== undefined) return { ok: false, problem: `${source} lists ${repeated} twice` };
  return { ok: true, value: ids };
};

export const hostPort: ValueParser<HostPort> = (text, source) => {
  const parsed = parseHostPort(text);
  return parsed.ok ? { ok: true, value: parsed.address } : { ok: false, problem: `${source}: ${parsed.problem}` };
};
