import type { CliIo } from '../command-line/cli-io.ts';

/** Indented JSON, one `stdout` call per line. */
export function printJson(io: CliIo, value: unknown): void {
  for (const line of JSON.stringify(value, null, 2).split('\n')) io.stdout(line);
}
