import type { ClusterId, NodeId } from '../src/core/ids.ts';
import type { NodeMetadata } from '../src/health/node-metadata.ts';
import { encodeEnvelope, type WireEnvelope, type WireReplies } from '../src/transport/peer-codec.ts';
import { getServiceConstructor, loadProto } from '../src/transport/proto-loader.ts';

export interface HeartbeatWireSize {
  /** The Deliver request: an Envelope carrying a Heartbeat and the leader's metadata. */
  readonly heartbeatBytes: number;
  /** The Deliver response: Replies carrying one HeartbeatAck Envelope with the follower's metadata. */
  readonly ackBytes: number;
}

/**
 * Protobuf payload sizes of one heartbeat exchange, encoded exactly as the peer transport does
 * (heartbeats and acks carry each sender's metadata). Not included: gRPC's 5-byte message prefix,
 * HTTP/2 frame headers, and each call's HEADERS and trailers, which on the wire are larger than
 * these payloads.
 */
export function heartbeatWireSize(
  clusterId: ClusterId,
  leader: NodeId,
  follower: NodeId,
  exchange: { readonly term: number; readonly round: number; readonly metadata: NodeMetadata },
): HeartbeatWireSize {
  const deliver = getServiceConstructor(loadProto('peer.proto'), 'heartbeat.peer.v1.Peer').service['Deliver'];
  if (deliver === undefined) throw new Error('heartbeat.peer.v1.Peer has no Deliver method');
  const { term, round, metadata } = exchange;
  const heartbeat: WireEnvelope = encodeEnvelope(clusterId, leader, follower, { kind: 'heartbeat', term, round }, metadata);
  const replies: WireReplies = { envelopes: [encodeEnvelope(clusterId, follower, leader, { kind: 'heartbeat-ack', term, round }, metadata)] };
  return { heartbeatBytes: deliver.requestSerialize(heartbeat).length, ackBytes: deliver.responseSerialize(replies).length };
}
