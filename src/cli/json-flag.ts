import type { FlagSpec } from '../command-line/parse-command-args.ts';

/** The `--json` flag of a command; `output` says what it prints instead of the table. */
export function jsonFlag(output: string): FlagSpec {
  return { name: 'json', type: 'boolean', placeholder: '', description: output };
}
