import type { ClusterId, NodeId } from '../src/core/ids.ts';
import type { NodeMetadata } from '../src/health/node-metadata.ts';
import { encodeEnvelope, envelopeBytes } from '../src/transport/peer-codec.ts';

export interface HeartbeatWireSize {
  /** The leader's Envelope carrying a Heartbeat and its metadata. */
  readonly heartbeatBytes: number;
  /** The follower's Envelope carrying the HeartbeatAck and its metadata, back on the same stream. */
  readonly ackBytes: number;
}

/**
 * Protobuf payload sizes of one heartbeat exchange, encoded exactly as the peer transport does
 * (heartbeats and acks carry each sender's metadata). Not included: gRPC's 5-byte message prefix
 * and the 9-byte HTTP/2 DATA frame header each message travels in on its peer stream.
 */
export function heartbeatWireSize(
  clusterId: ClusterId,
  leader: NodeId,
  follower: NodeId,
  exchange: { readonly term: number; readonly round: number; readonly metadata: NodeMetadata },
): HeartbeatWireSize {
  const { term, round, metadata } = exchange;
  const heartbeat = encodeEnvelope(clusterId, leader, follower, { kind: 'heartbeat', term, round }, metadata);
  const ack = encodeEnvelope(clusterId, follower, leader, { kind: 'heartbeat-ack', term, round }, metadata);
  return { heartbeatBytes: envelopeBytes(heartbeat).length, ackBytes: envelopeBytes(ack).length };
}
