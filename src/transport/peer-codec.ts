/**
 * The one place where peer wire objects become validated core values and back. The shapes come
 * from src/generated/ (what proto-loader hands over with PROTO_LOADER_OPTIONS: every field present,
 * uint64 as a decimal string, the oneof's member named in `body`); this file checks what protobuf
 * cannot: ids, ranges, and that a body is set. Nothing outside it looks at wire envelopes.
 */
import { status, type MethodDefinition } from '@grpc/grpc-js';
import { assertNever } from '../core/assert-never.ts';
import { isValidId, type ClusterId, type NodeId } from '../core/ids.ts';
import { maxTerm, type PeerMessage } from '../core/messages.ts';
import type { Envelope, Envelope__Output } from '../generated/heartbeat/peer/v1/Envelope.ts';
import type { NodeMetadata as WireNodeMetadata, NodeMetadata__Output } from '../generated/heartbeat/peer/v1/NodeMetadata.ts';
import type { NodeMetadata } from '../health/node-metadata.ts';
import { loadProtoDefinition } from './proto-loader.ts';

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
 * Envelope (malformed ids, out-of-range numbers, no body), bytes that are not protobuf at all, or
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

const MAX_VERSION_LENGTH = 64;

/** Thrown internally while decoding; never escapes `decodeEnvelope`. */
class MalformedEnvelope extends Error {}

function refuse(code: status, rejection: RejectionReason, reason: string): DecodeResult {
  return { ok: false, code, rejection, reason };
}

/** A uint64 (a decimal string on the wire) as a JS number; above Number.MAX_SAFE_INTEGER it would not be exact. */
function readUint64(value: string, field: string): number {
  const result = Number(value);
  if (!Number.isSafeInteger(result)) throw new MalformedEnvelope(`${field} ${value} is out of range (max ${Number.MAX_SAFE_INTEGER})`);
  return result;
}

/** A float on the wire may be negative, NaN or infinite; a load figure may not. */
function readMetric(value: number, field: string): number {
  if (!Number.isFinite(value) || value < 0) throw new MalformedEnvelope(`${field} must be a non-negative number, got ${value}`);
  return value;
}

function readId(value: string, field: string): string {
  if (!isValidId(value)) throw new MalformedEnvelope(`malformed ${field} id ${JSON.stringify(value.length > 70 ? `${value.slice(0, 70)}…` : value)}`);
  return value;
}

/** Absent metadata (only heartbeats and acks carry it) is null, not an error. */
function readMetadata(metadata: NodeMetadata__Output | null): NodeMetadata | null {
  if (metadata === null) return null;
  if (metadata.version.length > MAX_VERSION_LENGTH) throw new MalformedEnvelope(`metadata.version must be at most ${MAX_VERSION_LENGTH} characters`);
  return {
    incarnation: readUint64(metadata.incarnation, 'metadata.incarnation'),
    version: metadata.version,
    load: {
      eventLoopDelayP99Ms: readMetric(metadata.eventLoopDelayP99Ms, 'metadata.eventLoopDelayP99Ms'),
      cpuPercent: readMetric(metadata.cpuPercent, 'metadata.cpuPercent'),
      rssBytes: readUint64(metadata.rssBytes, 'metadata.rssBytes'),
    },
  };
}

function readMessage(envelope: Envelope__Output, term: number): PeerMessage {
  const { heartbeat, heartbeatAck, voteRequest, voteResponse, timeoutNow } = envelope;
  switch (envelope.body) {
    case 'heartbeat':
      if (heartbeat) return { kind: 'heartbeat', term, round: readUint64(heartbeat.round, 'heartbeat.round') };
      break;
    case 'heartbeatAck':
      if (heartbeatAck) return { kind: 'heartbeat-ack', term, round: readUint64(heartbeatAck.round, 'heartbeatAck.round') };
      break;
    case 'voteRequest':
      if (voteRequest) return { kind: 'vote-request', term, preVote: voteRequest.preVote, transfer: voteRequest.transfer };
      break;
    case 'voteResponse':
      if (voteResponse) return { kind: 'vote-response', term, preVote: voteResponse.preVote, granted: voteResponse.granted };
      break;
    case 'timeoutNow':
      if (timeoutNow) return { kind: 'timeout-now', term, target: readId(timeoutNow.target, 'timeoutNow.target') as NodeId };
      break;
    case undefined:
      break;
    default:
      return assertNever(envelope.body);
  }
  throw new MalformedEnvelope('envelope has no message body');
}

/**
 * Validates a wire `Envelope` against what this node expects and turns it into a core message.
 * Never throws: failures carry the gRPC status to answer with and a human-readable reason.
 *
 * - cluster id other than ours, unknown sender, `to` not this node: FAILED_PRECONDITION;
 * - malformed ids, numbers above Number.MAX_SAFE_INTEGER or negative loads, no body: INVALID_ARGUMENT;
 * - a term above `maxTerm`, which no node ever enters: OUT_OF_RANGE.
 *
 * Replies carried back on a stream are decoded with the same function, with `self` the node that
 * opened the stream and `peers` just the peer it called.
 */
export function decodeEnvelope(envelope: Envelope__Output, expected: EnvelopeExpectation): DecodeResult {
  try {
    const clusterId = readId(envelope.clusterId, 'cluster');
    if (clusterId !== expected.clusterId) {
      return refuse(status.FAILED_PRECONDITION, 'wrong-cluster', `message for cluster ${clusterId}, this is cluster ${expected.clusterId}`);
    }
    const from = readId(envelope.from, 'sender') as NodeId;
    if (!expected.peers.has(from)) return refuse(status.FAILED_PRECONDITION, 'unknown-sender', `unknown sender ${from}`);
    const to = readId(envelope.to, 'receiver');
    if (to !== expected.self) return refuse(status.FAILED_PRECONDITION, 'wrong-receiver', `message from ${from} addressed to ${to}, this is ${expected.self}`);
    const term = readUint64(envelope.term, 'term');
    if (term > maxTerm) return refuse(status.OUT_OF_RANGE, 'term-out-of-range', `term ${term} is above the highest term, ${maxTerm}`);
    return { ok: true, from, message: readMessage(envelope, term), metadata: readMetadata(envelope.metadata) };
  } catch (error) {
    if (error instanceof MalformedEnvelope) return refuse(status.INVALID_ARGUMENT, 'malformed', error.message);
    return refuse(status.INTERNAL, 'malformed', `cannot decode envelope: ${String(error)}`);
  }
}

/**
 * Decodes the bytes of one `Envelope` as they came off a stream, then validates it as
 * `decodeEnvelope` does. Bytes over `MAX_ENVELOPE_BYTES` are refused unread (RESOURCE_EXHAUSTED);
 * bytes that are not a protobuf Envelope are INVALID_ARGUMENT.
 */
export function decodeEnvelopeBytes(bytes: Buffer, expected: EnvelopeExpectation): DecodeResult {
  if (bytes.length > MAX_ENVELOPE_BYTES) {
    return refuse(status.RESOURCE_EXHAUSTED, 'oversized', `envelope of ${bytes.length} bytes, at most ${MAX_ENVELOPE_BYTES} accepted`);
  }
  let envelope: Envelope__Output;
  try {
    envelope = envelopeSerializers().requestDeserialize(bytes);
  } catch (error) {
    return refuse(status.INVALID_ARGUMENT, 'undecodable', `not a protobuf Envelope: ${error instanceof Error ? error.message : String(error)}`);
  }
  return decodeEnvelope(envelope, expected);
}

/** The protobuf bytes of a wire envelope. */
export function envelopeBytes(envelope: Envelope): Buffer {
  return envelopeSerializers().requestSerialize(envelope);
}

/** What proto-loader takes in (`Envelope`) and hands out (`Envelope__Output`) for Link's messages. */
type EnvelopeSerializers = Pick<MethodDefinition<Envelope, unknown>, 'requestSerialize'> & { readonly requestDeserialize: (bytes: Buffer) => Envelope__Output };

let serializers: EnvelopeSerializers | undefined;

/** proto-loader's (protobufjs) serializers of `Envelope`, taken from the Link method that carries it. */
function envelopeSerializers(): EnvelopeSerializers {
  if (serializers === undefined) {
    const service = loadProtoDefinition('peer.proto')['heartbeat.peer.v1.Peer'] as Record<string, EnvelopeSerializers | undefined>;
    serializers = service['Link'];
    if (serializers === undefined) throw new Error('heartbeat.peer.v1.Peer has no Link method');
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
): Envelope {
  const header: Envelope = { clusterId, from, to, term: String(message.term) };
  if (metadata !== null) header.metadata = 'load' in metadata ? encodeMetadata(metadata) : metadata;
  switch (message.kind) {
    case 'heartbeat':
      return { ...header, heartbeat: { round: String(message.round) } };
    case 'heartbeat-ack':
      return { ...header, heartbeatAck: { round: String(message.round) } };
    case 'vote-request':
      return { ...header, voteRequest: { preVote: message.preVote, transfer: message.transfer } };
    case 'vote-response':
      return { ...header, voteResponse: { preVote: message.preVote, granted: message.granted } };
    case 'timeout-now':
      return { ...header, timeoutNow: { target: message.target } };
    default:
      return assertNever(message);
  }
}
