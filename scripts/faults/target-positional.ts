import { parseNodeId, type FlagValue } from '../../src/command-line/flag-values.ts';
import type { ParsedArgs, PositionalSpec } from '../../src/command-line/parse-command-args.ts';
import { leaderWord } from './resolve-target.ts';

/** The first positional of the commands that act on a node's process. */
export const targetPositional: PositionalSpec = { name: `node|${leaderWord}`, optional: false };

/** Checks only its spelling: whether the node exists is known once the cluster file is read. */
export function validTargetName(args: ParsedArgs): FlagValue<string> {
  const text = args.positionals[0] ?? '';
  return text === leaderWord ? { ok: true, value: text } : parseNodeId(text, `<node|${leaderWord}>`);
}
