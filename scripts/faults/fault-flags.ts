/** Flags and positionals several fault commands share. */
import { parseWholeNumber, type FlagValue, parseNodeId } from '../../src/command-line/flag-values.ts';
import type { ParsedArgs, PositionalSpec, FlagSpec } from '../../src/command-line/parse-command-args.ts';
import { leaderWord } from './resolve-target.ts';

/** Longer than any run or wait anyone means to ask for. */
const maxValue = 86_400_000;

/** A whole-number flag (`--<name> <n>`), or `fallback` when it is not given. */
export function wholeNumberFlag(args: ParsedArgs, name: string, fallback: number, min: number): FlagValue<number> {
  const text = args.strings.get(name);
  return text === undefined ? { ok: true, value: fallback } : parseWholeNumber(text, `--${name}`, min, maxValue);
}

/** The first positional of the commands that act on a node's process. */
export const targetPositional: PositionalSpec = { name: `node|${leaderWord}`, optional: false };

/** Checks only its spelling: whether the node exists is known once the cluster file is read. */
export function validTargetName(args: ParsedArgs): FlagValue<string> {
  const text = args.positionals[0] ?? '';
  return text === leaderWord ? { ok: true, value: text } : parseNodeId(text, `<node|${leaderWord}>`);
}

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
