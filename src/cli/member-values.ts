import type { MemberInfo } from '../client/admin-responses.ts';

/** Table cells for the load metadata a node piggybacks on heartbeats. */

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
