/** What commands print: placeholder cells, durations, and JSON instead of a table. */
import { booleanFlag, type Flag } from '../command-line/flag.ts';
import type { CliIo } from '../command-line/program.ts';

/** Table cells for values a node did not report. */
export const noValue = '-';

export function formatMs(ms: number | null): string {
  return ms === null ? noValue : `${Math.round(ms)}ms`;
}

/** The `--json` flag of a command; `output` says what it prints instead of the table. */
export function jsonFlag(output: string): Flag<boolean> {
  return booleanFlag({ name: 'json', description: output });
}

/** Indented JSON, one `stdout` call per line. */
export function printJson(io: CliIo, value: unknown): void {
  for (const line of JSON.stringify(value, null, 2).split('\n')) io.stdout(line);
}
