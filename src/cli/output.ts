/** What commands print: placeholder cells, durations, load figures, JSON instead of a table, and problems on stderr. */
import { booleanFlag, type Flag } from '../command-line/flag.ts';
import type { CliIo } from '../command-line/program.ts';
import type { MemberInfo } from '../client/admin-responses.ts';
import type { AdminNode } from '../client/admin-node.ts';
import { describeCallFailure, type CallFailure } from '../client/call-failure.ts';
import type { LocateLeaderResult } from '../client/locate-leader.ts';

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

/** phi with one decimal; very large values (a long silence) stay readable. */
export function formatPhi(phi: number): string {
  return Number.isFinite(phi) ? phi.toFixed(1) : 'inf';
}

export function formatLoopP99(member: MemberInfo): string {
  return `${member.eventLoopDelayP99Ms.toFixed(1)}ms`;
}

export function formatCpu(member: MemberInfo): string {
  return member.cpuPercent.toFixed(1);
}

/** Resident set size in MiB, one decimal. */
export function formatRssMib(member: MemberInfo): string {
  return (member.rssBytes / (1024 * 1024)).toFixed(1);
}

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
