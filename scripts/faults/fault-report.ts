import type { AdminNode } from '../../src/client/admin-node.ts';
import { describeCallFailure, type CallFailure } from '../../src/client/call-failure.ts';
import type { CliIo } from '../../src/command-line/cli-io.ts';

/** Every expected failure is one `fault: ...` line on stderr, never a stack trace. */
export function reportProblem(io: CliIo, problem: string): void {
  io.stderr(`fault: ${problem}`);
}

/** e.g. `fault: n2 (127.0.0.1:7501): unreachable: connect ECONNREFUSED 127.0.0.1:7501`. */
export function reportNodeFailure(io: CliIo, node: AdminNode, failure: CallFailure): void {
  reportProblem(io, `${node.label}: ${describeCallFailure(failure)}`);
}
