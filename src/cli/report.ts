import type { AdminNode } from './admin-node.ts';
import { describeCallFailure, type CallFailure } from './call-failure.ts';
import type { CliIo } from './cli-io.ts';

/** Every expected failure is one `hbctl: ...` line on stderr, never a stack trace. */
export function reportProblem(io: CliIo, problem: string): void {
  io.stderr(`hbctl: ${problem}`);
}

/** e.g. `hbctl: n2 (127.0.0.1:7501): FAILED_PRECONDITION: not the leader; the leader is n3`. */
export function reportNodeFailure(io: CliIo, node: AdminNode, failure: CallFailure): void {
  reportProblem(io, `${node.label}: ${describeCallFailure(failure)}`);
}
