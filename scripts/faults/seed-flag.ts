import { parseWholeNumber, type FlagValue } from '../../src/command-line/flag-values.ts';
import type { FlagSpec, ParsedArgs } from '../../src/command-line/parse-command-args.ts';

const maxSeed = 2 ** 32 - 1;

export const seedFlag: FlagSpec = {
  name: 'seed',
  type: 'string',
  placeholder: '<n>',
  description: `makes the random choices repeatable, 0 to ${maxSeed} (default: a random seed, which is printed)`,
};

/** The seed given, or a fresh one, which the command prints so that its run can be repeated. */
export function readSeed(args: ParsedArgs): FlagValue<number> {
  const text = args.strings.get('seed');
  if (text === undefined) return { ok: true, value: Math.floor(Math.random() * (maxSeed + 1)) };
  return parseWholeNumber(text, '--seed', 0, maxSeed);
}
