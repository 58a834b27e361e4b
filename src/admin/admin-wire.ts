/**
 * Admin responses built from the node's state, typed by src/generated/. Each encoder returns the
 * message's `__Output` type: every field present, as a client receives it, so that a field added
 * to admin.proto and forgotten here does not compile. Durations that may be unknown are -1.
 */
import { assertNever } from '../core/assert-never.ts';
import type { SafetyAlarm } from '../core/core-event.ts';
import type { NodeId } from '../core/ids.ts';
import type { GetLeaderResponse__Output } from '../generated/heartbeat/admin/v1/GetLeaderResponse.ts';
import type { LeaseState__Output } from '../generated/heartbeat/admin/v1/LeaseState.ts';
import type { LinkFaults__Output } from '../generated/heartbeat/admin/v1/LinkFaults.ts';
import type { MembersResponse__Output } from '../generated/heartbeat/admin/v1/MembersResponse.ts';
import type { NodeEvent__Output } from '../generated/heartbeat/admin/v1/NodeEvent.ts';
import type { SafetyAlarm__Output } from '../generated/heartbeat/admin/v1/SafetyAlarm.ts';
import type { StatusResponse__Output } from '../generated/heartbeat/admin/v1/StatusResponse.ts';
import type { WaitForLeaseResponse__Output } from '../generated/heartbeat/admin/v1/WaitForLeaseResponse.ts';
import type { NodeEvent } from '../runtime/node-driver.ts';
import type { LinkFaults } from '../transport/fault-injecting-transport.ts';
import type { AdminContext } from './admin-context.ts';

const UNKNOWN_MS = -1;

export function encodeStatus(context: AdminContext): StatusResponse__Output {
  const { driver, info, clock, faults } = context;
  const core = driver.status();
  // The driver reports no lease once stopped, even though its core still remembers one.
  const leaseRemainingMs = driver.leaseRemainingMs();
  const lastAcks = new Map(core.peers.map((peer) => [peer.id, peer.lastAckAgoMs]));
  const config = driver.config;
  return {
    id: info.id,
    clusterId: info.clusterId,
    role: core.role,
    term: String(core.term),
    leaderId: core.leaderId ?? '',
    votedFor: core.votedFor ?? '',
    pid: info.pid,
    uptimeMs: clock.now() - info.startedAtMs,
    version: info.version,
    dataDir: info.dataDir,
    leaderHeardAgoMs: core.leaderHeardAgoMs ?? UNKNOWN_MS,
    peers: [...info.members].filter(([id]) => id !== info.id).map(([id, address]) => ({ id, address, lastAckAgoMs: lastAcks.get(id) ?? UNKNOWN_MS })),
    timing: {
      heartbeatMs: config.heartbeatIntervalMs,
      electionTimeoutMs: config.electionTimeoutMinMs,
      electionJitterMs: config.electionJitterMs,
      maxClockDrift: config.maxClockDrift,
    },
    holdsLease: leaseRemainingMs > 0,
    leaseRemainingMs,
    inStartupWait: core.inStartupWait,
    faults: encodeFaults(faults.faults()),
    incarnation: String(info.incarnation),
    peerAddress: info.peerAddress,
    adminAddress: info.adminAddress,
  };
}

/** Faulty links, ordered by peer id so that repeated calls print alike. */
export function encodeFaults(faults: ReadonlyMap<NodeId, LinkFaults>): LinkFaults__Output[] {
  return [...faults].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([peer, link]) => ({ peer, ...link }));
}

/** A core event as the Watch stream carries it: the term it belongs to (a term change: the one it enters), its own fields in `detail`. */
export function encodeNodeEvent({ node, wallTimeMs, event }: NodeEvent): NodeEvent__Output {
  const header = { node, wallTimeMs, type: event.type, term: String(event.type === 'term-changed' ? event.to : event.term) };
  switch (event.type) {
    case 'role-changed':
      return { ...header, detail: 'roleChanged', roleChanged: { from: event.from, to: event.to } };
    case 'term-changed':
      return { ...header, detail: 'termChanged', termChanged: { from: String(event.from), to: String(event.to) } };
    case 'leader-changed':
      return { ...header, detail: 'leaderChanged', leaderChanged: { leaderId: event.leaderId ?? '' } };
    case 'election-started':
      return { ...header, detail: 'electionStarted', electionStarted: { preVote: event.preVote, transfer: event.transfer } };
    case 'election-won':
      return { ...header, detail: 'electionWon', electionWon: {} };
    case 'election-lost':
      return { ...header, detail: 'electionLost', electionLost: { preVote: event.preVote, reason: event.reason } };
    case 'stepped-down':
      return { ...header, detail: 'steppedDown', steppedDown: { reason: event.reason } };
    case 'vote-granted':
      return { ...header, detail: 'voteGranted', voteGranted: { candidate: event.candidate, preVote: event.preVote } };
    case 'lease-acquired':
      return { ...header, detail: 'leaseAcquired', leaseAcquired: { untilMs: event.untilMs } };
    case 'lease-lost':
      return { ...header, detail: 'leaseLost', leaseLost: { reason: event.reason } };
    case 'safety-alarm':
      return { ...header, detail: 'safetyAlarm', safetyAlarm: encodeSafetyAlarm(event.alarm) };
    case 'stall-detected':
      return { ...header, detail: 'stallDetected', stallDetected: { lateByMs: event.lateByMs } };
    default:
      return assertNever(event);
  }
}

function encodeSafetyAlarm(alarm: SafetyAlarm): SafetyAlarm__Output {
  switch (alarm.kind) {
    case 'second-leader':
      return { kind: 'secondLeader', secondLeader: { from: alarm.from, leaderId: alarm.leaderId } };
    case 'timeout-now-refused':
      return { kind: 'timeoutNowRefused', timeoutNowRefused: { from: alarm.from, leaderId: alarm.leaderId ?? '' } };
    case 'term-jump-refused':
      return { kind: 'termJumpRefused', termJumpRefused: { from: alarm.from, claimedTerm: String(alarm.claimedTerm) } };
    case 'term-exhausted':
      return { kind: 'termExhausted', termExhausted: {} };
    default:
      return assertNever(alarm);
  }
}

export function encodeMembers(context: AdminContext): MembersResponse__Output {
  const members = context.driver.members().map((member) => ({
    id: member.id,
    address: context.info.members.get(member.id) ?? '',
    role: member.role,
    state: member.state,
    phi: member.phi,
    lastSeenAgoMs: member.lastSeenAgoMs ?? UNKNOWN_MS,
    stateSinceAgoMs: member.stateSinceAgoMs ?? UNKNOWN_MS,
    incarnation: String(member.incarnation ?? 0),
    version: member.version ?? '',
    eventLoopDelayP99Ms: member.load?.eventLoopDelayP99Ms ?? 0,
    cpuPercent: member.load?.cpuPercent ?? 0,
    rssBytes: String(Math.round(member.load?.rssBytes ?? 0)),
    isSelf: member.isSelf,
  }));
  return { id: context.info.id, members };
}

export function encodeGetLeader(context: AdminContext): GetLeaderResponse__Output {
  const { driver, info } = context;
  const core = driver.status();
  const leaseRemainingMs = driver.leaseRemainingMs();
  const holdsLease = leaseRemainingMs > 0;
  return {
    id: info.id,
    leaderId: core.leaderId ?? '',
    term: String(core.term),
    holdsLease,
    leaseRemainingMs,
    // Only the lease holder can vouch that nobody else leads right now.
    authoritative: holdsLease,
    leaderHeardAgoMs: core.leaderHeardAgoMs ?? UNKNOWN_MS,
  };
}

/** The fencing token, or null when this node does not hold the lease at this moment. */
export function encodeLeaseToken(context: AdminContext): WaitForLeaseResponse__Output | null {
  const validForMs = context.driver.leaseRemainingMs();
  if (validForMs <= 0) return null;
  return { leaderId: context.info.id, term: String(context.driver.status().term), validForMs };
}

export function encodeLeaseState(context: AdminContext): LeaseState__Output {
  const leaseRemainingMs = context.driver.leaseRemainingMs();
  return {
    node: context.info.id,
    holdsLease: leaseRemainingMs > 0,
    term: String(context.driver.status().term),
    leaseRemainingMs,
    wallTimeMs: Date.now(),
  };
}
