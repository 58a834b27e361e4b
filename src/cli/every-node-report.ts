import type { NodeAnswer } from '../client/cluster-client.ts';
import { exitCodes, type CliIo } from '../command-line/program.ts';
import { printJson, reportNodeFailure } from './output.ts';
import { formatTable } from '../util/table.ts';

export interface EveryNodeFormat<T> {
  readonly header: readonly string[];
  row(answer: NodeAnswer<T>): string[];
  json(answer: NodeAnswer<T>): Record<string, unknown>;
}

/**
 * Prints one table row (or, with `json`, one array element) per node, unreachable ones included,
 * says on stderr why each of those did not answer, and answers 0 if any node answered, else 1.
 */
export function reportEveryNode<T>(io: CliIo, answers: readonly NodeAnswer<T>[], json: boolean, format: EveryNodeFormat<T>): number {
  if (json)
    printJson(
      io,
      answers.map((answer) => format.json(answer)),
    );
  else
    formatTable(
      format.header,
      answers.map((answer) => format.row(answer)),
    ).forEach((line) => io.stdout(line));
  for (const { node, result } of answers) if (!result.ok) reportNodeFailure(io, node, result.failure);
  return answers.some(({ result }) => result.ok) ? exitCodes.ok : exitCodes.failed;
}
