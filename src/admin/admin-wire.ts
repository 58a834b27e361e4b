/**
 * Admin responses as @grpc/proto-loader encodes them (`keepCase: false`: camelCase fields;
 * `longs: String`: uint64 values such as terms as decimal strings), built from the node's state.
 * Durations that may be unknown are -1 on the wire, as admin.proto documents.
 */
import { assertNever } from '../core/assert-never.ts';
import type { CoreEvent } from '../core/core-event.ts';
import type { NodeId } from '../core/ids.ts';
import type { NodeEvent } from '../runtime/node-driver.ts';
import type { LinkFaults } from '../transport/fault-injecting-transport.ts';
import type { AdminContext } from './admin-context.ts';

/** uint64 on the wire: a decimal string. */
export type WireUint64 = string;

export interface WireLinkFaults {
  peer: string;
  inboundBlocked: boolean;
  outboundBlocked: boolean;
  delayMs: number;
  jitterMs: number;
}

export interface WirePeerStatus {
  id: string;
  address: string;
  lastAckAgoMs: number;
}

export interface WireTiming {
  heartbeatMs: number;
  electionTimeoutMs: number;
  electionJitterMs: number;
  maxClockDrift: number;
}

export interface WireStatusResponse {
  id: string;
  clusterId: string;
  role: string;
  term: WireUint64;
  leaderId: string;
  votedFor: string;
  pid: number;
  uptimeMs: number;
  version: string;
  dataDir: string;
  leaderHeardAgoMs: number;
  peers: WirePeerStatus[];
  timing: WireTiming;
  holdsLease: boolean;
  leaseRemainingMs: number;
  inStartupWait: boolean;
  faults: WireLinkFaults[];
  incarnation: WireUint64;
  peerAddress: string;
  adminAddress: string;
}

export interface WireNodeEvent {
  node: string;
  wallTimeMs: number;
  type: string;
  term: WireUint64;
  detailJson: string;
}

/** Both StepDownResponse and TransferLeadershipResponse. */
export interface WireTransferResponse {
  /** Empty when the leader simply stepped down. */
  target: string;
}

export interface WireFaultsResponse {
  faults: WireLinkFaults[];
}

export interface WireGetLeaderResponse {
  id: string;
  leaderId: string;
  term: WireUint64;
  holdsLease: boolean;
  leaseRemainingMs: number;
  authoritative: boolean;
  leaderHeardAgoMs: number;
}

/** WaitForLeaseResponse: the fencing token. */
export interface WireLeaseToken {
  leaderId: string;
  term: WireUint64;
  validForMs: number;
}

export interface WireLeaseState {
  node: string;
  holdsLease: boolean;
  term: WireUint64;
  leaseRemainingMs: number;
  wallTimeMs: number;
}

const UNKNOWN_MS = -1;

export function encodeStatus(context: AdminContext): WireStatusResponse {
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
export function encodeFaults(faults: ReadonlyMap<NodeId, LinkFaults>): WireLinkFaults[] {
  return [...faults]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([peer, link]) => ({
      peer,
      inboundBlocked: link.inboundBlocked,
      outboundBlocked: link.outboundBlocked,
      delayMs: link.delayMs,
      jitterMs: link.jitterMs,
    }));
}

/** The term an event belongs to: a term change belongs to the term it enters. */
function eventTerm(event: CoreEvent): number {
  switch (event.type) {
    case 'term-changed':
      return event.to;
    case 'role-changed':
    case 'leader-changed':
    case 'election-started':
    case 'election-won':
    case 'election-lost':
    case 'stepped-down':
    case 'vote-granted':
    case 'lease-acquired':
    case 'lease-lost':
    case 'safety-alarm':
    case 'stall-detected':
      return event.term;
    default:
      return assertNever(event);
  }
}

export function encodeNodeEvent({ node, wallTimeMs, event }: NodeEvent): WireNodeEvent {
  const detail = Object.fromEntries(Object.entries(event).filter(([key]) => key !== 'type' && key !== 'term'));
  return { node, wallTimeMs, type: event.type, term: String(eventTerm(event)), detailJson: JSON.stringify(detail) };
}

export interface WireMember {
  id: string;
  address: string;
  role: string;
  state: string;
  phi: number;
  lastSeenAgeMs: number;
  stateAgeMs: number;
  incarnation: WireUint64;
  version: string;
  eventLoopDelayP99Ms: number;
  cpuPercent: number;
  rssBytes: WireUint64;
  isSelf: boolean;
}

export interface WireMembersResponse {
  id: string;
  members: WireMember[];
}

export function encodeMembers(context: AdminContext): WireMembersResponse {
  const members = context.driver.members().map((member) => ({
    id: member.id,
    address: context.info.members.get(member.id) ?? '',
    role: member.role,
    state: member.state,
    phi: member.phi,
    lastSeenAgeMs: member.lastSeenAgoMs ?? UNKNOWN_MS,
    stateAgeMs: member.stateSinceAgoMs ?? UNKNOWN_MS,
    incarnation: String(member.incarnation ?? 0),
    version: member.version ?? '',
    eventLoopDelayP99Ms: member.load?.eventLoopDelayP99Ms ?? 0,
    cpuPercent: member.load?.cpuPercent ?? 0,
    rssBytes: String(Math.round(member.load?.rssBytes ?? 0)),
    isSelf: member.isSelf,
  }));
  return { id: context.info.id, members };
}

export function encodeGetLeader(context: AdminContext): WireGetLeaderResponse {
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
export function encodeLeaseToken(context: AdminContext): WireLeaseToken | null {
  const validForMs = context.driver.leaseRemainingMs();
  if (validForMs <= 0) return null;
  return { leaderId: context.info.id, term: String(context.driver.status().term), validForMs };
}

export function encodeLeaseState(context: AdminContext): WireLeaseState {
  const leaseRemainingMs = context.driver.leaseRemainingMs();
  return {
    node: context.info.id,
    holdsLease: leaseRemainingMs > 0,
    term: String(context.driver.status().term),
    leaseRemainingMs,
    wallTimeMs: Date.now(),
  };
}
