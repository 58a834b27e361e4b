import { assertNever } from '../../../src/core/assert-never.ts';
import type { CoreEvent } from '../../../src/core/core-event.ts';
import { asNodeId, type NodeId } from '../../../src/core/ids.ts';
import type { PeerMessage } from '../../../src/core/messages.ts';
import type { CoreStatus } from '../../../src/core/ready.ts';

/** How scenarios spell message kinds, as etcd's testdata spells MsgVote and friends. */
const kindNames = {
  heartbeat: 'Heartbeat',
  'heartbeat-ack': 'HeartbeatAck',
  'vote-request': 'VoteRequest',
  'vote-response': 'VoteResponse',
  'timeout-now': 'TimeoutNow',
} as const satisfies Record<PeerMessage['kind'], string>;

/** Durations and times print with one decimal, so float noise (94.99999) does not leak into expected output. */
export function ms(value: number): string {
  return (Math.abs(value) < 0.05 ? 0 : value).toFixed(1);
}

/** `key=value` for each field but `skip`, in the object's own field order. */
function fields(object: object, skip: string): string {
  return Object.entries(object)
    .filter(([key]) => key !== skip)
    .map(([key, value]) => {
      if (value !== null && typeof value === 'object') return fields(value, '');
      if (typeof value === 'number' && key.endsWith('Ms')) return `${key}=${ms(value)}`;
      return `${key}=${String(value)}`;
    })
    .join(' ');
}

export function formatMessage(from: NodeId, to: NodeId, message: PeerMessage): string {
  return `${from}->${to} ${kindNames[message.kind]} ${fields(message, 'kind')}`;
}

/** `localNow` turns the lease's deadline on the node's own clock into something readable: how long it lasts. */
export function formatEvent(event: CoreEvent, localNow: number): string {
  if (event.type === 'lease-acquired') return `lease-acquired term=${event.term} forMs=${ms(event.untilMs - localNow)}`;
  return `${event.type} ${fields(event, 'type')}`;
}

/** An outcome object (`{ ok, reason, ... }`) as one line. */
export function formatOutcome(outcome: object): string {
  return fields(outcome, '');
}

export function formatStatus(id: NodeId, status: CoreStatus): string {
  const parts = [
    id,
    status.role,
    `term=${status.term}`,
    `vote=${status.votedFor ?? '-'}`,
    `leader=${status.leaderId ?? '-'}`,
    `lease=${status.holdsLease ? `${ms(status.leaseRemainingMs)}ms` : '-'}`,
  ];
  if (status.inStartupWait) parts.push('startup-wait');
  return parts.join(' ');
}

/** Parses `Kind field=value ...` (the notation `formatMessage` prints) into a message to forge. */
export function parseMessage(kindName: string | undefined, args: ReadonlyMap<string, string>): PeerMessage {
  const kind = (Object.keys(kindNames) as PeerMessage['kind'][]).find((k) => kindNames[k] === kindName);
  if (kind === undefined) throw new Error(`unknown message kind ${kindName ?? '(none)'}; one of ${Object.values(kindNames).join(', ')}`);
  const term = integer(args, 'term');
  switch (kind) {
    case 'heartbeat':
    case 'heartbeat-ack':
      return { kind, term, round: integer(args, 'round') };
    case 'vote-request':
      return { kind, term, preVote: flag(args, 'preVote'), transfer: flag(args, 'transfer') };
    case 'vote-response':
      return { kind, term, preVote: flag(args, 'preVote'), granted: flag(args, 'granted') };
    case 'timeout-now':
      return { kind, term, target: asNodeId(required(args, 'target')) };
    default:
      return assertNever(kind);
  }
}

export function required(args: ReadonlyMap<string, string>, key: string): string {
  const value = args.get(key);
  if (value === undefined) throw new Error(`missing ${key}=`);
  return value;
}

export function integer(args: ReadonlyMap<string, string>, key: string): number {
  const value = Number(required(args, key));
  if (!Number.isSafeInteger(value)) throw new Error(`${key}= must be an integer`);
  return value;
}

function flag(args: ReadonlyMap<string, string>, key: string): boolean {
  const value = required(args, key);
  if (value !== 'true' && value !== 'false') throw new Error(`${key}= must be true or false`);
  return value === 'true';
}
