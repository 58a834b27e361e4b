import { assertNever } from '../core/assert-never.ts';
import type { Role } from '../core/role.ts';
import type { FaultsResponse__Output } from '../generated/heartbeat/admin/v1/FaultsResponse.ts';
import type { GetLeaderResponse__Output } from '../generated/heartbeat/admin/v1/GetLeaderResponse.ts';
import type { LeaseState__Output } from '../generated/heartbeat/admin/v1/LeaseState.ts';
import type { LinkFaults__Output } from '../generated/heartbeat/admin/v1/LinkFaults.ts';
import type { Member__Output } from '../generated/heartbeat/admin/v1/Member.ts';
import type { PeerStatus__Output } from '../generated/heartbeat/admin/v1/PeerStatus.ts';
import type { MembersResponse__Output } from '../generated/heartbeat/admin/v1/MembersResponse.ts';
import type { NodeEvent__Output } from '../generated/heartbeat/admin/v1/NodeEvent.ts';
import type { SafetyAlarm__Output } from '../generated/heartbeat/admin/v1/SafetyAlarm.ts';
import type { StatusResponse__Output } from '../generated/heartbeat/admin/v1/StatusResponse.ts';
import type { Timing__Output } from '../generated/heartbeat/admin/v1/Timing.ts';
import type { TransferLeadershipResponse__Output } from '../generated/heartbeat/admin/v1/TransferLeadershipResponse.ts';
import type { WaitForLeaseResponse__Output } from '../generated/heartbeat/admin/v1/WaitForLeaseResponse.ts';

/**
 * Typed views of admin.proto's responses. proto-loader (PROTO_LOADER_OPTIONS) hands over the
 * generated `__Output` shapes: every field present, uint64 as a decimal string. What is left to
 * check is what protobuf cannot say: roles, 64-bit numbers a JS number holds exactly, and the
 * empty strings, zeros and -1s that admin.proto uses for "none" (null here).
 */

/**
 * A response as this client hands it out: readonly, the uint64 fields `U` as exact numbers, and the
 * fields `N` null where admin.proto says "none" (an empty string, 0 or -1).
 */
type View<T, U extends keyof T = never, N extends keyof T = never> = {
  readonly [K in keyof T]: K extends U ? (K extends N ? number | null : number) : K extends N ? T[K] | null : T[K];
};

export type LinkFault = View<LinkFaults__Output>;

/** The node's timing settings, which every node of a cluster shares; `maxClockDrift` shortens leases. */
export type NodeTiming = View<Timing__Output>;

/** `lastAckAgoMs` null if never acknowledged or the node is not the leader. */
export type PeerAck = View<PeerStatus__Output, never, 'lastAckAgoMs'>;

/** Ids and durations null when none or unknown; `pid` null when not reported; addresses and data dir empty then. */
export type NodeStatus = Omit<
  View<StatusResponse__Output, 'term' | 'incarnation', 'leaderId' | 'votedFor' | 'pid' | 'leaderHeardAgoMs'>,
  'role' | 'peers' | 'faults'
> & {
  readonly role: Role;
  readonly peers: readonly PeerAck[];
  readonly faults: readonly LinkFault[];
};

export type LeaderView = View<Pick<GetLeaderResponse__Output, 'id' | 'leaderId' | 'term' | 'holdsLease' | 'leaseRemainingMs'>, 'term', 'leaderId'>;

export interface LeaseToken {
  readonly holder: string;
  /** The fencing token: strictly increasing from one lease holder to the next. */
  readonly term: number;
  /** How long the lease lasts from when the node answered, on the node's clock. */
  readonly validForMs: number;
}

/** One WatchLease message: whether the node holds the lease now. */
export type LeaseState = View<LeaseState__Output, 'term'>;

export interface NodeEvent {
  readonly node: string;
  readonly wallTimeMs: number;
  readonly type: string;
  readonly term: number;
  /** The event's own fields as src/core/core-event.ts names them (none but `type` and `term`); empty for a type this client does not know. */
  readonly detail: Readonly<Record<string, unknown>>;
}

/** `role` and `state` may be `unknown` for a peer; ages null for the answering node itself; incarnation and version null until known. */
export type MemberInfo = View<Member__Output, 'incarnation' | 'rssBytes', 'lastSeenAgoMs' | 'stateSinceAgoMs' | 'incarnation' | 'version'>;

/** One node's view of the membership (MembersResponse). */
export interface MembersView {
  /** The answering node. */
  readonly id: string;
  readonly members: readonly MemberInfo[];
}

export type Decoded<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };

/** Thrown by the checks below; `decoding` turns it into a Decoded failure. */
class ContractBroken extends Error {}

function decoding<Raw, T>(decode: (raw: Raw) => T): (raw: Raw) => Decoded<T> {
  return (raw) => {
    try {
      return { ok: true, value: decode(raw) };
    } catch (error) {
      if (error instanceof ContractBroken) return { ok: false, problem: error.message };
      throw error;
    }
  };
}

/** Terms and counters are uint64 on the wire; the client works with numbers, so they must be exact. */
function uint64(value: string, field: string): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number)) throw new ContractBroken(`${field} must be a whole number below 2^53 (got "${value}")`);
  return number;
}

const roles: readonly Role[] = ['follower', 'pre-candidate', 'candidate', 'leader'];

function role(value: string): Role {
  if (!(roles as readonly string[]).includes(value)) throw new ContractBroken(`role ${JSON.stringify(value)} is not one of ${roles.join(', ')}`);
  return value as Role;
}

/** admin.proto's "none": an empty string, or -1 for a duration. */
const stringOrNull = (value: string): string | null => (value === '' ? null : value);
const msOrNull = (value: number): number | null => (value >= 0 ? value : null);

export const decodeStatus = decoding((raw: StatusResponse__Output): NodeStatus => ({
  ...raw,
  role: role(raw.role),
  term: uint64(raw.term, 'term'),
  incarnation: uint64(raw.incarnation, 'incarnation'),
  leaderId: stringOrNull(raw.leaderId),
  votedFor: stringOrNull(raw.votedFor),
  pid: raw.pid > 0 ? raw.pid : null,
  leaderHeardAgoMs: msOrNull(raw.leaderHeardAgoMs),
  peers: raw.peers.map((peer) => ({ ...peer, lastAckAgoMs: msOrNull(peer.lastAckAgoMs) })),
}));

export const decodeLeaseToken = decoding((raw: WaitForLeaseResponse__Output): LeaseToken => {
  if (raw.leaderId === '') throw new ContractBroken('leaderId is empty');
  return { holder: raw.leaderId, term: uint64(raw.term, 'term'), validForMs: raw.validForMs };
});

export const decodeLeaseState = decoding((raw: LeaseState__Output): LeaseState => ({ ...raw, term: uint64(raw.term, 'term') }));

export const decodeLeaderView = decoding((raw: GetLeaderResponse__Output): LeaderView => ({
  id: raw.id,
  leaderId: stringOrNull(raw.leaderId),
  term: uint64(raw.term, 'term'),
  holdsLease: raw.holdsLease,
  leaseRemainingMs: raw.leaseRemainingMs,
}));

/** StepDownResponse and TransferLeadershipResponse (the same fields): the node leadership went to, if any. */
export const decodeHandoverTarget = decoding((raw: TransferLeadershipResponse__Output): string | null => stringOrNull(raw.target));

export const decodeFaults = decoding((raw: FaultsResponse__Output): readonly LinkFault[] => raw.faults);

export const decodeNodeEvent = decoding((raw: NodeEvent__Output): NodeEvent => ({
  node: raw.node,
  wallTimeMs: raw.wallTimeMs,
  type: raw.type,
  term: uint64(raw.term, 'term'),
  detail: eventDetail(raw),
}));

/** The oneof member that is set, with what admin.proto encodes as "none" or as a uint64 made a null or a number again. */
function eventDetail(raw: NodeEvent__Output): Record<string, unknown> {
  switch (raw.detail) {
    case 'termChanged':
      return raw.termChanged ? { from: uint64(raw.termChanged.from, 'termChanged.from'), to: uint64(raw.termChanged.to, 'termChanged.to') } : {};
    case 'leaderChanged':
      return { leaderId: stringOrNull(raw.leaderChanged?.leaderId ?? '') };
    case 'safetyAlarm':
      return raw.safetyAlarm ? { alarm: safetyAlarm(raw.safetyAlarm) } : {};
    case undefined:
      return {};
    default:
      // Every other member's fields are the core event's as they are.
      return { ...raw[raw.detail] };
  }
}

function safetyAlarm(raw: SafetyAlarm__Output): Record<string, unknown> {
  switch (raw.kind) {
    case 'secondLeader':
      return { kind: 'second-leader', ...raw.secondLeader };
    case 'timeoutNowRefused':
      return { kind: 'timeout-now-refused', from: raw.timeoutNowRefused?.from, leaderId: stringOrNull(raw.timeoutNowRefused?.leaderId ?? '') };
    case 'termJumpRefused':
      return { kind: 'term-jump-refused', from: raw.termJumpRefused?.from, claimedTerm: uint64(raw.termJumpRefused?.claimedTerm ?? '0', 'claimedTerm') };
    case 'termExhausted':
      return { kind: 'term-exhausted' };
    case undefined:
      return {};
    default:
      return assertNever(raw.kind);
  }
}

export const decodeMembers = decoding((raw: MembersResponse__Output): MembersView => ({ id: raw.id, members: raw.members.map(member) }));

function member(raw: Member__Output): MemberInfo {
  const incarnation = uint64(raw.incarnation, 'members[].incarnation');
  return {
    ...raw,
    lastSeenAgoMs: msOrNull(raw.lastSeenAgoMs),
    stateSinceAgoMs: msOrNull(raw.stateSinceAgoMs),
    incarnation: incarnation > 0 ? incarnation : null,
    version: stringOrNull(raw.version),
    rssBytes: uint64(raw.rssBytes, 'members[].rssBytes'),
  };
}
