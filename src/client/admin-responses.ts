import type { Role } from '../core/role.ts';

/**
 * Typed views of admin.proto's responses, decoded from what @grpc/proto-loader produces for
 * `proto-loader.ts`'s options: camelCase fields, every field present, uint64 as a decimal string.
 */

export interface LinkFault {
  readonly peer: string;
  readonly inboundBlocked: boolean;
  readonly outboundBlocked: boolean;
  readonly delayMs: number;
  readonly jitterMs: number;
}

export interface PeerAck {
  readonly id: string;
  /** Null if never acknowledged or the node is not the leader. */
  readonly lastAckAgoMs: number | null;
}

/** The node's timing settings, which every node of a cluster shares. */
export interface NodeTiming {
  readonly heartbeatMs: number;
  readonly electionTimeoutMs: number;
  readonly electionJitterMs: number;
  /** The cluster's bound on how much faster one clock may run than another; it shortens leases. */
  readonly maxClockDrift: number;
}

export interface NodeStatus {
  readonly id: string;
  readonly role: Role;
  readonly term: number;
  readonly leaderId: string | null;
  readonly votedFor: string | null;
  /** Null when the node does not report one. */
  readonly pid: number | null;
  readonly holdsLease: boolean;
  readonly leaseRemainingMs: number;
  /** Null when unknown, e.g. on the leader itself. */
  readonly leaderHeardAgoMs: number | null;
  readonly peers: readonly PeerAck[];
  readonly faults: readonly LinkFault[];
  /** Null when the node does not report it. */
  readonly timing: NodeTiming | null;
}

export interface LeaderView {
  readonly id: string;
  readonly leaderId: string | null;
  readonly term: number;
  readonly holdsLease: boolean;
  readonly leaseRemainingMs: number;
}

/** WaitForLeaseResponse: the fencing token of the node that holds the lease. */
export interface LeaseToken {
  readonly holder: string;
  /** The fencing token: strictly increasing from one lease holder to the next. */
  readonly term: number;
  /** How long the lease lasts from when the node answered, on the node's clock. */
  readonly validForMs: number;
}

/** One WatchLease message: whether the node holds the lease now. */
export interface LeaseState {
  readonly node: string;
  readonly holdsLease: boolean;
  readonly term: number;
  readonly leaseRemainingMs: number;
}

export interface NodeEvent {
  readonly node: string;
  readonly wallTimeMs: number;
  readonly type: string;
  readonly term: number;
  /** The parsed `detail_json`; empty when the node sent none. */
  readonly detail: Readonly<Record<string, unknown>>;
}

export interface MemberInfo {
  readonly id: string;
  /** The peer address from the cluster membership; empty if not known. */
  readonly address: string;
  /** A role, or `unknown` for a peer whose role the answering node does not know. */
  readonly role: string;
  /** alive | suspect | dead | unknown, as the answering node's phi-accrual detector sees it. */
  readonly state: string;
  readonly phi: number;
  /** Null for the answering node itself. */
  readonly lastSeenAgoMs: number | null;
  readonly stateSinceAgoMs: number | null;
  /** Null when not known yet. */
  readonly incarnation: number | null;
  readonly version: string | null;
  readonly eventLoopDelayP99Ms: number;
  readonly cpuPercent: number;
  readonly rssBytes: number;
  readonly isSelf: boolean;
}

/** One node's view of the membership (MembersResponse). */
export interface MembersView {
  /** The answering node. */
  readonly id: string;
  readonly members: readonly MemberInfo[];
}

export type Decoded<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };

const roles: readonly Role[] = ['follower', 'pre-candidate', 'candidate', 'leader'];

export function decodeStatus(raw: unknown): Decoded<NodeStatus> {
  return decodeWith(raw, (read) => {
    const role = read.string('role');
    if (!(roles as readonly string[]).includes(role)) read.problem(`role ${JSON.stringify(role)} is not one of ${roles.join(', ')}`);
    const pid = read.number('pid');
    return {
      id: read.string('id'),
      role: role as Role,
      term: read.uint64('term'),
      leaderId: read.optionalString('leaderId'),
      votedFor: read.optionalString('votedFor'),
      pid: pid > 0 ? pid : null,
      holdsLease: read.bool('holdsLease'),
      leaseRemainingMs: read.number('leaseRemainingMs'),
      leaderHeardAgoMs: nonNegativeOrNull(read.number('leaderHeardAgoMs')),
      peers: read.list('peers').map((peer) =>
        decodeNested(read, peer, 'peers', (peerRead) => ({
          id: peerRead.string('id'),
          lastAckAgoMs: nonNegativeOrNull(peerRead.number('lastAckAgoMs')),
        })),
      ),
      faults: read.list('faults').map((fault) => decodeNested(read, fault, 'faults', readLinkFault)),
      timing: decodeTiming(read),
    };
  });
}

function decodeTiming(read: FieldReader): NodeTiming | null {
  const raw = read.nested('timing');
  if (raw === null || raw === undefined) return null;
  return decodeNested(read, raw, 'timing', (timing) => ({
    heartbeatMs: timing.number('heartbeatMs'),
    electionTimeoutMs: timing.number('electionTimeoutMs'),
    electionJitterMs: timing.number('electionJitterMs'),
    maxClockDrift: timing.number('maxClockDrift'),
  }));
}

export function decodeLeaseToken(raw: unknown): Decoded<LeaseToken> {
  return decodeWith(raw, (read) => {
    const token = { holder: read.string('leaderId'), term: read.uint64('term'), validForMs: read.number('validForMs') };
    if (token.holder === '') read.problem('leaderId is empty');
    return token;
  });
}

export function decodeLeaseState(raw: unknown): Decoded<LeaseState> {
  return decodeWith(raw, (read) => ({
    node: read.string('node'),
    holdsLease: read.bool('holdsLease'),
    term: read.uint64('term'),
    leaseRemainingMs: read.number('leaseRemainingMs'),
  }));
}

export function decodeLeaderView(raw: unknown): Decoded<LeaderView> {
  return decodeWith(raw, (read) => ({
    id: read.string('id'),
    leaderId: read.optionalString('leaderId'),
    term: read.uint64('term'),
    holdsLease: read.bool('holdsLease'),
    leaseRemainingMs: read.number('leaseRemainingMs'),
  }));
}

/** StepDownResponse and TransferLeadershipResponse: the node leadership went to, if any. */
export function decodeHandoverTarget(raw: unknown): Decoded<string | null> {
  return decodeWith(raw, (read) => read.optionalString('target'));
}

export function decodeFaults(raw: unknown): Decoded<readonly LinkFault[]> {
  return decodeWith(raw, (read) => read.list('faults').map((fault) => decodeNested(read, fault, 'faults', readLinkFault)));
}

export function decodeNodeEvent(raw: unknown): Decoded<NodeEvent> {
  return decodeWith(raw, (read) => {
    const detailText = read.string('detailJson');
    let detail: Record<string, unknown> = {};
    if (detailText !== '') {
      const parsed = parseJsonObject(detailText);
      if (parsed === undefined) read.problem(`detailJson ${JSON.stringify(detailText)} is not a JSON object`);
      else detail = parsed;
    }
    return { node: read.string('node'), wallTimeMs: read.number('wallTimeMs'), type: read.string('type'), term: read.uint64('term'), detail };
  });
}

export function decodeMembers(raw: unknown): Decoded<MembersView> {
  return decodeWith(raw, (read) => ({
    id: read.string('id'),
    members: read.list('members').map((member) => decodeNested(read, member, 'members', readMember)),
  }));
}

function readMember(read: FieldReader): MemberInfo {
  const incarnation = read.uint64('incarnation');
  return {
    id: read.string('id'),
    address: read.string('address'),
    role: read.string('role'),
    state: read.string('state'),
    phi: read.number('phi'),
    lastSeenAgoMs: nonNegativeOrNull(read.number('lastSeenAgeMs')),
    stateSinceAgoMs: nonNegativeOrNull(read.number('stateAgeMs')),
    incarnation: incarnation > 0 ? incarnation : null,
    version: read.optionalString('version'),
    eventLoopDelayP99Ms: read.number('eventLoopDelayP99Ms'),
    cpuPercent: read.number('cpuPercent'),
    rssBytes: read.uint64('rssBytes'),
    isSelf: read.bool('isSelf'),
  };
}

function readLinkFault(read: FieldReader): LinkFault {
  return {
    peer: read.string('peer'),
    inboundBlocked: read.bool('inboundBlocked'),
    outboundBlocked: read.bool('outboundBlocked'),
    delayMs: read.number('delayMs'),
    jitterMs: read.number('jitterMs'),
  };
}

/** The proto uses -1 for "unknown". */
function nonNegativeOrNull(value: number): number | null {
  return value >= 0 ? value : null;
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function decodeWith<T>(raw: unknown, build: (read: FieldReader) => T): Decoded<T> {
  if (!isRecord(raw)) return { ok: false, problem: 'the response is not a message' };
  const read = new FieldReader(raw, '');
  const value = build(read);
  return read.problems.length === 0 ? { ok: true, value } : { ok: false, problem: read.problems.join('; ') };
}

function decodeNested<T>(parent: FieldReader, raw: unknown, field: string, build: (read: FieldReader) => T): T {
  const read = new FieldReader(isRecord(raw) ? raw : {}, `${parent.prefix}${field}[].`);
  if (!isRecord(raw)) read.problem('is not a message');
  const value = build(read);
  parent.problems.push(...read.problems);
  return value;
}

/**
 * Reads fields of one message, collecting every problem instead of stopping at the first, and
 * answering a neutral value for a bad field so that decoding can go on.
 */
class FieldReader {
  readonly problems: string[] = [];

  constructor(
    private readonly message: Record<string, unknown>,
    readonly prefix: string,
  ) {}

  problem(text: string): void {
    this.problems.push(`${this.prefix}${text}`);
  }

  string(name: string): string {
    const value = this.message[name];
    if (typeof value === 'string') return value;
    this.mistyped(name, 'a string', value);
    return '';
  }

  /** Empty strings mean "none" in admin.proto. */
  optionalString(name: string): string | null {
    const value = this.string(name);
    return value === '' ? null : value;
  }

  number(name: string): number {
    const value = this.message[name];
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    this.mistyped(name, 'a finite number', value);
    return 0;
  }

  /** Terms are uint64 on the wire; hbctl works with them as numbers, so they must be exact. */
  uint64(name: string): number {
    const value = this.message[name];
    const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : typeof value === 'number' ? value : Number.NaN;
    if (Number.isSafeInteger(number) && number >= 0) return number;
    this.mistyped(name, 'a whole number below 2^53', value);
    return 0;
  }

  bool(name: string): boolean {
    const value = this.message[name];
    if (typeof value === 'boolean') return value;
    this.mistyped(name, 'a boolean', value);
    return false;
  }

  /** A nested message; `decodeNested` reports it if it is not one. */
  nested(name: string): unknown {
    return this.message[name];
  }

  list(name: string): readonly unknown[] {
    const value = this.message[name];
    if (Array.isArray(value)) return value;
    this.mistyped(name, 'a list', value);
    return [];
  }

  private mistyped(name: string, expected: string, value: unknown): void {
    this.problem(`${name} must be ${expected} (got ${JSON.stringify(value) ?? String(value)})`);
  }
}
