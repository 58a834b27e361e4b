import type { FlagSpec } from './parse-command-args.ts';

export interface CommandLineSplit {
  /** The first argument that is neither a flag nor a flag's value; undefined when there is none. */
  readonly name: string | undefined;
  /** Every other argument, in order, for the command's own parser. */
  readonly rest: readonly string[];
}

/**
 * Finds the command name so that global flags may come before it (`hbctl --endpoints a:1 status`)
 * as well as after. A global string flag's separate value must not be mistaken for the name.
 */
export function findCommandName(argv: readonly string[], globalFlags: readonly FlagSpec[]): CommandLineSplit {
  const takesValue = new Set(globalFlags.filter((flag) => flag.type === 'string').map((flag) => `--${flag.name}`));
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index] ?? '';
    if (argument === '--') break;
    if (!argument.startsWith('-')) return { name: argument, rest: [...argv.slice(0, index), ...argv.slice(index + 1)] };
    if (takesValue.has(argument)) index += 1;
  }
  return { name: undefined, rest: argv };
}
