import type { AdminNode } from '../client/admin-node.ts';
import { describeCallFailure, type CallFailure } from '../client/call-failure.ts';
import type { CliIo } from '../command-line/program.ts';
import type { LocateLeaderResult } from '../client/locate-leader.ts';

/** Every expected failure is one `hbctl: ...` line on stderr, never a stack trace. */
export function reportProblem(io: CliIo, problem: string): void {
  io.stderr(`hbctl: ${problem}`);
}

/** e.g. `hbctl: n2 (127.0.0.1:7501): FAILED_PRECONDITION: not the leader; the leader is n3`. */
export function reportNodeFailure(io: CliIo, node: AdminNode, failure: CallFailure): void {
  reportProblem(io, `${node.label}: ${describeCallFailure(failure)}`);
}

/** Says why the leader could not be found: the nodes that did not answer, then the problem. */
export function reportNoLeader(io: CliIo, result: Extract<LocateLeaderResult, { ok: false }>): void {
  for (const { node, failure } of result.failures) reportNodeFailure(io, node, failure);
  reportProblem(io, `cannot find the leader: ${result.problem}`);
}
