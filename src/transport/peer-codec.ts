/**
 * The one place where peer wire objects (as produced and consumed by @grpc/proto-loader with
 * `keepCase: false, longs: String, defaults: true, oneofs: true`) become validated core values
 * and back. Nothing outside this file looks at wire envelopes.
 */
import { status, type MethodDefinition } from '@grpc/grpc-js';
import { assertNever } from '../core/assert-never.ts';
import { isValidId, type ClusterId, type NodeId } from '../core/ids.ts';
import type { NodeMetadata } from '../health/node-metadata.ts';
import { maxTerm, type PeerMessage } from '../core/messages.ts';
import { loadProtoDefinition } from './proto-loader.ts';

/** uint64 on the wire: proto-loader renders it as a decimal string (`longs: String`). */
export type WireUint64 = string;

export interface WireHeartbeat {
  round: WireUint64;
}
export interface WireHeartbeatAck {
  round: WireUint64;
}
export interface WireVoteRequest {
  preVote: boolean;
  transfer: boolean;
}
export interface WireVoteResponse {
  preVote: boolean;
  granted: boolean;
}
export interface WireTimeoutNow {
  target: string;
}

/** Name of the oneof member that is set, as proto-loader reports it (`oneofs: true`). */
export type WireBodyKind = 'heartbeat' | 'heartbeatAck' | 'voteRequest' | 'voteResponse' | 'timeoutNow';

/** An `Envelope` as this codec produces it (exactly one body member is set). */
export interface WireEnvelope {
  clusterId: string;
  from: string;
  to: string;
  term: WireUint64;
  body: WireBodyKind;
  heartbeat?: WireHeartbeat;
  heartbeatAck?: WireHeartbeatAck;
  voteRequest?: WireVoteRequest;
  voteResponse?: WireVoteResponse;
  timeoutNow?: WireTimeoutNow;
  metadata?: WireNodeMetadata;
}

export interface WireNodeMetadata {
  incarnation: WireUint64;
  version: string;
  eventLoopDelayP99Ms: number;
  cpuPercent: number;
  rssBytes: WireUint64;
}

/** What an inbound envelope must match to be accepted. */
export interface EnvelopeExpectation {
  readonly clusterId: ClusterId;
  /** The receiving node: `to` must name it. */
  readonly self: NodeId;
  /** The senders accepted. */
  readonly peers: ReadonlySet<NodeId>;
}

/**
 * Why an inbound envelope was refused, as counted in `hbc_peer_messages_rejected_total{reason}`:
 * another cluster's, from a node that is not a member, addressed to another node, not a valid
 * Envelope (wrong types, out-of-range numbers, no body), bytes that are not protobuf at all, or
 * more bytes than any envelope of this protocol needs.
 */
export type RejectionReason = 'wrong-cluster' | 'unknown-sender' | 'wrong-receiver' | 'malformed' | 'term-out-of-range' | 'undecodable' | 'oversized';

export type DecodeResult =
  | { readonly ok: true; readonly from: NodeId; readonly message: PeerMessage; readonly metadata: NodeMetadata | null }
  | { readonly ok: false; readonly code: status; readonly rejection: RejectionReason; readonly reason: string };

/**
 * The largest encoded envelope accepted. The largest valid one (three 63-character ids, a
 * 64-character version, every number at its maximum) is under 400 bytes; a heartbeat is about 50.
 */
export const MAX_ENVELOPE_BYTES = 1024;

const BODY_KINDS: readonly WireBodyKind[] = ['heartbeat', 'heartbeatAck', 'voteRequest', 'voteResponse', 'timeoutNow'];
const decimalPattern = /^[0-9]+$/;

/** Thrown internally while decoding; never escapes `decodeEnvelope`. */
class DecodeError extends Error {
  constructor(
    readonly code: status,
    reason: string,
  ) {
    super(reason);
  }
}

function invalid(reason: string): DecodeError {
  return new DecodeError(status.INVALID_ARGUMENT, reason);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 70 ? `${value.slice(0, 70)}…` : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}

/** A uint64 field as a JS number: a decimal string (or, defensively, a number/bigint) within the safe range. */
function readUint64(value: unknown, field: string): number {
  let result: number;
  if (typeof value === 'string') {
    if (!decimalPattern.test(value)) {
      throw invalid(`${field} must be a non-negative decimal integer, got ${describe(value)}`);
    }
    // Any decimal above MAX_SAFE_INTEGER converts to a number above it (2^53 or more), never below.
    result = Number(value);
  } else if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0) {
      throw invalid(`${field} must be a non-negative integer, got ${describe(value)}`);
    }
    result = value;
  } else if (typeof value === 'bigint') {
    if (value < 0n) throw invalid(`${field} must be a non-negative integer, got ${describe(value)}`);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw invalid(`${field} ${value} is out of range (max ${Number.MAX_SAFE_INTEGER})`);
    }
    return Number(value);
  } else {
    throw invalid(`${field} is missing or not an integer (got ${describe(value)})`);
  }
  if (result > Number.MAX_SAFE_INTEGER) {
    throw invalid(`${field} ${String(value)} is out of range (max ${Number.MAX_SAFE_INTEGER})`);
  }
  return result;
}

function readMetric(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw invalid(`${field} must be a non-negative number, got ${describe(value)}`);
  }
  return value;
}

const MAX_VERSION_LENGTH = 64;

/** Absent metadata (only heartbeats and acks carry it) is null, not an error. */
function readMetadata(value: unknown): NodeMetadata | null {
  if (value === null || value === undefined) return null;
  const metadata = readObject(value, 'metadata');
  const version = metadata['version'];
  if (typeof version !== 'string' || version.length > MAX_VERSION_LENGTH) {
    throw invalid(`metadata.version must be a string of at most ${MAX_VERSION_LENGTH} characters`);
  }
  return {
    incarnation: readUint64(metadata['incarnation'], 'metadata.incarnation'),
    version,
    load: {
      eventLoopDelayP99Ms: readMetric(metadata['eventLoopDelayP99Ms'], 'metadata.eventLoopDelayP99Ms'),
      cpuPercent: readMetric(metadata['cpuPercent'], 'metadata.cpuPercent'),
      rssBytes: readUint64(metadata['rssBytes'], 'metadata.rssBytes'),
    },
  };
}

function readBool(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw invalid(`${field} must be a boolean, got ${describe(value)}`);
  return value;
}

function readId(value: unknown, field: string): string {
  if (typeof value !== 'string' || !isValidId(value)) {
    throw invalid(`malformed ${field} id ${describe(value)}`);
  }
  return value;
}

function readObject(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(`${field} must be a message, got ${describe(value)}`);
  }
  return value as Record<string, unknown>;
}

function isBodyKind(value: unknown): value is WireBodyKind {
  return typeof value === 'string' && (BODY_KINDS as readonly string[]).includes(value);
}

/** Which oneof member is set: the `body` discriminant if present, else the single member present. */
function readBodyKind(envelope: Record<string, unknown>): WireBodyKind {
  const named = envelope['body'];
  if (named !== undefined && named !== null) {
    if (!isBodyKind(named)) throw invalid(`unknown message kind ${describe(named)}`);
    return named;
  }
  let found: WireBodyKind | undefined;
  for (const kind of BODY_KINDS) {
    const member = envelope[kind];
    if (member === undefined || member === null) continue;
    if (found !== undefined) throw invalid(`envelope carries both ${found} and ${kind}`);
    found = kind;
  }
  if (found === undefined) throw invalid('envelope has no message body');
  return found;
}

function readMessage(envelope: Record<string, unknown>, term: number): PeerMessage {
  const kind = readBodyKind(envelope);
  const body = readObject(envelope[kind], kind);
  switch (kind) {
    case 'heartbeat':
      return { kind: 'heartbeat', term, round: readUint64(body['round'], 'heartbeat.round') };
    case 'heartbeatAck':
      return { kind: 'heartbeat-ack', term, round: readUint64(body['round'], 'heartbeatAck.round') };
    case 'voteRequest':
      return {
        kind: 'vote-request',
        term,
        preVote: readBool(body['preVote'], 'voteRequest.preVote'),
        transfer: readBool(body['transfer'], 'voteRequest.transfer'),
      };
    case 'voteResponse':
      return {
        kind: 'vote-response',
        term,
        preVote: readBool(body['preVote'], 'voteResponse.preVote'),
        granted: readBool(body['granted'], 'voteResponse.granted'),
      };
    case 'timeoutNow':
      return { kind: 'timeout-now', term, target: readId(body['target'], 'timeoutNow.target') as NodeId };
    default:
      return assertNever(kind);
  }
}

/**
 * Validates a wire `Envelope` against what this node expects and turns it into a core message.
 * Never throws: failures carry the gRPC status to answer with and a human-readable reason.
 *
 * - cluster id other than ours, unknown sender, `to` not this node: FAILED_PRECONDITION;
 * - malformed ids, terms/rounds that are not non-negative integers or exceed
 *   Number.MAX_SAFE_INTEGER, missing or ambiguous body, wrongly typed fields: INVALID_ARGUMENT;
 * - a term above `maxTerm`, which no node ever enters: OUT_OF_RANGE.
 *
 * Replies carried back on a stream are decoded with the same function, with `self` the node that
 * opened the stream and `peers` just the peer it called.
 */
export function decodeEnvelope(raw: unknown, expected: EnvelopeExpectation): DecodeResult {
  try {
    const envelope = readObject(raw, 'envelope');
    const clusterId = readId(envelope['clusterId'], 'cluster');
    if (clusterId !== expected.clusterId) {
      return {
        ok: false,
        code: status.FAILED_PRECONDITION,
        rejection: 'wrong-cluster',
        reason: `message for cluster ${clusterId}, this is cluster ${expected.clusterId}`,
      };
    }
    const from = readId(envelope['from'], 'sender') as NodeId;
    if (!expected.peers.has(from)) {
      return { ok: false, code: status.FAILED_PRECONDITION, rejection: 'unknown-sender', reason: `unknown sender ${from}` };
    }
    const to = readId(envelope['to'], 'receiver');
    if (to !== expected.self) {
      return {
        ok: false,
        code: status.FAILED_PRECONDITION,
        rejection: 'wrong-receiver',
        reason: `message from ${from} addressed to ${to}, this is ${expected.self}`,
      };
    }
    const term = readUint64(envelope['term'], 'term');
    if (term > maxTerm) {
      return { ok: false, code: status.OUT_OF_RANGE, rejection: 'term-out-of-range', reason: `term ${term} is above the highest term, ${maxTerm}` };
    }
    return { ok: true, from, message: readMessage(envelope, term), metadata: readMetadata(envelope['metadata']) };
  } catch (error) {
    if (error instanceof DecodeError) return { ok: false, code: error.code, rejection: 'malformed', reason: error.message };
    return { ok: false, code: status.INTERNAL, rejection: 'malformed', reason: `cannot decode envelope: ${String(error)}` };
  }
}

/**
 * Decodes the bytes of one `Envelope` as they came off a stream, then validates it as
 * `decodeEnvelope` does. Bytes over `MAX_ENVELOPE_BYTES` are refused unread (RESOURCE_EXHAUSTED);
 * bytes that are not a protobuf Envelope are INVALID_ARGUMENT.
 */
export function decodeEnvelopeBytes(bytes: Buffer, expected: EnvelopeExpectation): DecodeResult {
  if (bytes.length > MAX_ENVELOPE_BYTES) {
    return {
      ok: false,
      code: status.RESOURCE_EXHAUSTED,
      rejection: 'oversized',
      reason: `envelope of ${bytes.length} bytes, at most ${MAX_ENVELOPE_BYTES} accepted`,
    };
  }
  let raw: unknown;
  try {
    raw = envelopeSerializers().deserialize(bytes);
  } catch (error) {
    return {
      ok: false,
      code: status.INVALID_ARGUMENT,
      rejection: 'undecodable',
      reason: `not a protobuf Envelope: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  return decodeEnvelope(raw, expected);
}

/** The protobuf bytes of a wire envelope. */
export function envelopeBytes(envelope: WireEnvelope): Buffer {
  return envelopeSerializers().serialize(envelope);
}

interface EnvelopeSerializers {
  readonly serialize: (envelope: WireEnvelope) => Buffer;
  readonly deserialize: (bytes: Buffer) => unknown;
}

let serializers: EnvelopeSerializers | undefined;

/** proto-loader's (protobufjs) serializers of `Envelope`, taken from the Link method that carries it. */
function envelopeSerializers(): EnvelopeSerializers {
  if (serializers === undefined) {
    const service = loadProtoDefinition('peer.proto')['heartbeat.peer.v1.Peer'] as Record<string, MethodDefinition<WireEnvelope, unknown> | undefined>;
    const link = service['Link'];
    if (link === undefined) throw new Error('heartbeat.peer.v1.Peer has no Link method');
    serializers = { serialize: link.requestSerialize, deserialize: link.requestDeserialize };
  }
  return serializers;
}

/** The wire form of a node's metadata; a sender builds it once per sample, not once per message. */
export function encodeMetadata(metadata: NodeMetadata): WireNodeMetadata {
  return {
    incarnation: String(metadata.incarnation),
    version: metadata.version,
    eventLoopDelayP99Ms: metadata.load.eventLoopDelayP99Ms,
    cpuPercent: metadata.load.cpuPercent,
    rssBytes: String(Math.round(metadata.load.rssBytes)),
  };
}

/** Builds the wire `Envelope` for `message` (uint64 values as decimal strings), with the sender's metadata if given. */
export function encodeEnvelope(
  clusterId: ClusterId,
  from: NodeId,
  to: NodeId,
  message: PeerMessage,
  metadata: NodeMetadata | WireNodeMetadata | null = null,
): WireEnvelope {
  const envelope = encodeBody(clusterId, from, to, message);
  if (metadata !== null) envelope.metadata = 'load' in metadata ? encodeMetadata(metadata) : metadata;
  return envelope;
}

function encodeBody(clusterId: ClusterId, from: NodeId, to: NodeId, message: PeerMessage): WireEnvelope {
  const term = String(message.term);
  switch (message.kind) {
    case 'heartbeat':
      return { clusterId, from, to, term, body: 'heartbeat', heartbeat: { round: String(message.round) } };
    case 'heartbeat-ack':
      return { clusterId, from, to, term, body: 'heartbeatAck', heartbeatAck: { round: String(message.round) } };
    case 'vote-request':
      return {
        clusterId,
        from,
        to,
        term,
        body: 'voteRequest',
        voteRequest: { preVote: message.preVote, transfer: message.transfer },
      };
    case 'vote-response':
      return {
        clusterId,
        from,
        to,
        term,
        body: 'voteResponse',
        voteResponse: { preVote: message.preVote, granted: message.granted },
      };
    case 'timeout-now':
      return { clusterId, from, to, term, body: 'timeoutNow', timeoutNow: { target: message.target } };
    default:
      return assertNever(message);
  }
}
