/**
 * Turns admin request messages (as @grpc/proto-loader decodes them: camelCase fields, defaults
 * filled in) into typed commands, or into the INVALID_ARGUMENT answer that says what is wrong.
 * Nothing here touches the node: a rejected request changes nothing.
 */
import { status } from '@grpc/grpc-js';
import type { NodeId } from '../core/ids.ts';
import type { PartitionDirection } from '../transport/fault-injecting-transport.ts';
import type { AdminNodeInfo } from './admin-context.ts';

/** The longest delay, jitter or wait an operator may ask for; anything longer is surely a slip. */
export const MAX_ADMIN_DURATION_MS = 60_000;

export interface AdminRequestRejection {
  readonly ok: false;
  readonly code: status;
  readonly message: string;
}

export type AdminRequestResult<T> = { readonly ok: true; readonly value: T } | AdminRequestRejection;

/** Which node this is and who its fellow members are: all that request validation needs. */
export type AdminMembership = Pick<AdminNodeInfo, 'id' | 'members'>;

export interface PartitionCommand {
  readonly peers: readonly NodeId[];
  readonly direction: PartitionDirection;
}

export interface HealCommand {
  /** Null: every link. */
  readonly peers: readonly NodeId[] | null;
}

export interface SetDelayCommand {
  readonly peers: readonly NodeId[];
  readonly delayMs: number;
  readonly jitterMs: number;
}

export interface TransferCommand {
  /** Null: the most responsive follower. */
  readonly target: NodeId | null;
}

export interface WaitForLeaseCommand {
  readonly timeoutMs: number;
}

const DIRECTIONS: readonly PartitionDirection[] = ['inbound', 'outbound', 'both'];

function accept<T>(value: T): { readonly ok: true; readonly value: T } {
  return { ok: true, value };
}

function reject(message: string): AdminRequestRejection {
  return { ok: false, code: status.INVALID_ARGUMENT, message };
}

/** Quotes a caller-supplied value for a message, cut short so a huge input cannot flood logs. */
function quote(value: string): string {
  return JSON.stringify(value.length > 70 ? `${value.slice(0, 70)}…` : value);
}

function fieldOf(raw: unknown, name: string): unknown {
  return typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>)[name] : undefined;
}

function peersOf(cluster: AdminMembership): NodeId[] {
  return [...cluster.members.keys()].filter((id) => id !== cluster.id);
}

function describePeers(cluster: AdminMembership): string {
  const peers = peersOf(cluster);
  return peers.length === 0 ? `${cluster.id} has no peers` : `the peers of ${cluster.id} are ${peers.join(', ')}`;
}

function readString(raw: unknown, name: string, wireName: string): AdminRequestResult<string> {
  const value = fieldOf(raw, name);
  // proto-loader fills in '' for an unset string; anything else means a malformed request.
  return typeof value === 'string' ? accept(value) : reject(`${wireName} must be a string`);
}

function readDuration(raw: unknown, name: string, wireName: string): AdminRequestResult<number> {
  const value = fieldOf(raw, name);
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    return reject(`${wireName} must be a non-negative whole number of milliseconds`);
  }
  if (value > MAX_ADMIN_DURATION_MS) {
    return reject(`${wireName} ${value} is absurd: at most ${MAX_ADMIN_DURATION_MS} ms (one minute) is accepted`);
  }
  return accept(value);
}

/** The named peers, each once, in the order given; this node or a non-member is an error. */
function readPeers(raw: unknown, cluster: AdminMembership): AdminRequestResult<NodeId[]> {
  const value = fieldOf(raw, 'peers');
  if (!Array.isArray(value)) return reject('peers must be a list of node ids');
  const peers: NodeId[] = [];
  for (const entry of value as unknown[]) {
    if (typeof entry !== 'string') return reject('peers must be a list of node ids');
    if (entry === cluster.id) {
      return reject(`${entry} is this node, not one of its peers: ${describePeers(cluster)}`);
    }
    const peer = peersOf(cluster).find((id) => id === entry);
    if (peer === undefined) return reject(`unknown peer ${quote(entry)}: ${describePeers(cluster)}`);
    if (!peers.includes(peer)) peers.push(peer);
  }
  return accept(peers);
}

function readNonEmptyPeers(raw: unknown, cluster: AdminMembership, rpc: string): AdminRequestResult<NodeId[]> {
  const peers = readPeers(raw, cluster);
  if (peers.ok && peers.value.length === 0) {
    return reject(`${rpc} needs at least one peer: ${describePeers(cluster)}`);
  }
  return peers;
}

function isDirection(value: string): value is PartitionDirection {
  return (DIRECTIONS as readonly string[]).includes(value);
}

export function parsePartitionRequest(raw: unknown, cluster: AdminMembership): AdminRequestResult<PartitionCommand> {
  const peers = readNonEmptyPeers(raw, cluster, 'Partition');
  if (!peers.ok) return peers;
  const direction = readString(raw, 'direction', 'direction');
  if (!direction.ok) return direction;
  if (!isDirection(direction.value)) {
    return reject(`direction must be one of ${DIRECTIONS.join(', ')} (got ${quote(direction.value)})`);
  }
  return accept({ peers: peers.value, direction: direction.value });
}

export function parseHealRequest(raw: unknown, cluster: AdminMembership): AdminRequestResult<HealCommand> {
  const peers = readPeers(raw, cluster);
  if (!peers.ok) return peers;
  return accept({ peers: peers.value.length === 0 ? null : peers.value });
}

export function parseSetDelayRequest(raw: unknown, cluster: AdminMembership): AdminRequestResult<SetDelayCommand> {
  const peers = readNonEmptyPeers(raw, cluster, 'SetDelay');
  if (!peers.ok) return peers;
  const delayMs = readDuration(raw, 'delayMs', 'delay_ms');
  if (!delayMs.ok) return delayMs;
  const jitterMs = readDuration(raw, 'jitterMs', 'jitter_ms');
  if (!jitterMs.ok) return jitterMs;
  return accept({ peers: peers.value, delayMs: delayMs.value, jitterMs: jitterMs.value });
}

export function parseTransferLeadershipRequest(raw: unknown, cluster: AdminMembership): AdminRequestResult<TransferCommand> {
  const target = readString(raw, 'target', 'target');
  if (!target.ok) return target;
  if (target.value === '') return accept({ target: null });
  if (target.value === cluster.id) {
    return reject(`cannot transfer leadership to ${cluster.id}, the node asked: ${describePeers(cluster)}`);
  }
  const peer = peersOf(cluster).find((id) => id === target.value);
  if (peer === undefined) return reject(`unknown node ${quote(target.value)}: ${describePeers(cluster)}`);
  return accept({ target: peer });
}

export function parseWaitForLeaseRequest(raw: unknown): AdminRequestResult<WaitForLeaseCommand> {
  const timeoutMs = readDuration(raw, 'timeoutMs', 'timeout_ms');
  if (!timeoutMs.ok) return timeoutMs;
  return accept({ timeoutMs: timeoutMs.value });
}
