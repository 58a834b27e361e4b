import { parseWholeNumber, type FlagValue } from '../../src/command-line/flag-values.ts';
import type { ParsedArgs } from '../../src/command-line/parse-command-args.ts';

/** Longer than any run or wait anyone means to ask for. */
const maxValue = 86_400_000;

/** A whole-number flag (`--<name> <n>`), or `fallback` when it is not given. */
export function wholeNumberFlag(args: ParsedArgs, name: string, fallback: number, min: number): FlagValue<number> {
  const text = args.strings.get(name);
  return text === undefined ? { ok: true, value: fallback } : parseWholeNumber(text, `--${name}`, min, maxValue);
}
