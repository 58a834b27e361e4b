// Original file: proto/peer.proto

import type { NodeMetadata as _heartbeat_peer_v1_NodeMetadata, NodeMetadata__Output as _heartbeat_peer_v1_NodeMetadata__Output } from '../../../heartbeat/peer/v1/NodeMetadata.ts';
import type { Heartbeat as _heartbeat_peer_v1_Heartbeat, Heartbeat__Output as _heartbeat_peer_v1_Heartbeat__Output } from '../../../heartbeat/peer/v1/Heartbeat.ts';
import type { HeartbeatAck as _heartbeat_peer_v1_HeartbeatAck, HeartbeatAck__Output as _heartbeat_peer_v1_HeartbeatAck__Output } from '../../../heartbeat/peer/v1/HeartbeatAck.ts';
import type { VoteRequest as _heartbeat_peer_v1_VoteRequest, VoteRequest__Output as _heartbeat_peer_v1_VoteRequest__Output } from '../../../heartbeat/peer/v1/VoteRequest.ts';
import type { VoteResponse as _heartbeat_peer_v1_VoteResponse, VoteResponse__Output as _heartbeat_peer_v1_VoteResponse__Output } from '../../../heartbeat/peer/v1/VoteResponse.ts';
import type { TimeoutNow as _heartbeat_peer_v1_TimeoutNow, TimeoutNow__Output as _heartbeat_peer_v1_TimeoutNow__Output } from '../../../heartbeat/peer/v1/TimeoutNow.ts';
import type { Long } from '@grpc/proto-loader';

/**
 * One peer message with its routing and the sender's term.
 * Field numbers 6-9 are kept free for future header fields; body variants start at 10.
 */
export interface Envelope {
  /**
   * The cluster the sender belongs to, so that two clusters on one network never mix.
   */
  'clusterId'?: (string);
  /**
   * Node id of the sender.
   */
  'from'?: (string);
  /**
   * Node id of the intended receiver.
   */
  'to'?: (string);
  /**
   * The sender's term (for a pre-vote request, the term it would campaign in); at most 2^52.
   */
  'term'?: (number | string | Long);
  /**
   * The sender's incarnation, version and load; set on heartbeats and acks only.
   */
  'metadata'?: (_heartbeat_peer_v1_NodeMetadata | null);
  'heartbeat'?: (_heartbeat_peer_v1_Heartbeat | null);
  'heartbeatAck'?: (_heartbeat_peer_v1_HeartbeatAck | null);
  'voteRequest'?: (_heartbeat_peer_v1_VoteRequest | null);
  'voteResponse'?: (_heartbeat_peer_v1_VoteResponse | null);
  'timeoutNow'?: (_heartbeat_peer_v1_TimeoutNow | null);
  /**
   * Exactly one message kind per envelope.
   */
  'body'?: "heartbeat"|"heartbeatAck"|"voteRequest"|"voteResponse"|"timeoutNow";
}

/**
 * One peer message with its routing and the sender's term.
 * Field numbers 6-9 are kept free for future header fields; body variants start at 10.
 */
export interface Envelope__Output {
  /**
   * The cluster the sender belongs to, so that two clusters on one network never mix.
   */
  'clusterId': (string);
  /**
   * Node id of the sender.
   */
  'from': (string);
  /**
   * Node id of the intended receiver.
   */
  'to': (string);
  /**
   * The sender's term (for a pre-vote request, the term it would campaign in); at most 2^52.
   */
  'term': (string);
  /**
   * The sender's incarnation, version and load; set on heartbeats and acks only.
   */
  'metadata': (_heartbeat_peer_v1_NodeMetadata__Output | null);
  'heartbeat'?: (_heartbeat_peer_v1_Heartbeat__Output | null);
  'heartbeatAck'?: (_heartbeat_peer_v1_HeartbeatAck__Output | null);
  'voteRequest'?: (_heartbeat_peer_v1_VoteRequest__Output | null);
  'voteResponse'?: (_heartbeat_peer_v1_VoteResponse__Output | null);
  'timeoutNow'?: (_heartbeat_peer_v1_TimeoutNow__Output | null);
  /**
   * Exactly one message kind per envelope.
   */
  'body'?: "heartbeat"|"heartbeatAck"|"voteRequest"|"voteResponse"|"timeoutNow";
}
