// Original file: proto/peer.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { Envelope as _heartbeat_peer_v1_Envelope, Envelope__Output as _heartbeat_peer_v1_Envelope__Output } from '../../../heartbeat/peer/v1/Envelope.ts';

/**
 * The service every node serves to its peers.
 */
export interface PeerClient extends grpc.Client {
  /**
   * One long-lived stream from the caller to the called node, opened when the caller starts and
   * re-opened whenever it breaks. The caller sends every message it has for the called node on
   * it; the called node answers each on the same stream with its replies (a heartbeat ack, a vote
   * response), addressed to the caller. Every envelope the caller sends names the same sender,
   * the one the call's `hbc-from` metadata names (with `hbc-cluster-id`, its cluster); a stream
   * that breaks either rule is ended with FAILED_PRECONDITION, a malformed envelope with
   * INVALID_ARGUMENT, an envelope over 1 KiB with RESOURCE_EXHAUSTED.
   */
  Link(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_heartbeat_peer_v1_Envelope, _heartbeat_peer_v1_Envelope__Output>;
  Link(options?: grpc.CallOptions): grpc.ClientDuplexStream<_heartbeat_peer_v1_Envelope, _heartbeat_peer_v1_Envelope__Output>;
  /**
   * One long-lived stream from the caller to the called node, opened when the caller starts and
   * re-opened whenever it breaks. The caller sends every message it has for the called node on
   * it; the called node answers each on the same stream with its replies (a heartbeat ack, a vote
   * response), addressed to the caller. Every envelope the caller sends names the same sender,
   * the one the call's `hbc-from` metadata names (with `hbc-cluster-id`, its cluster); a stream
   * that breaks either rule is ended with FAILED_PRECONDITION, a malformed envelope with
   * INVALID_ARGUMENT, an envelope over 1 KiB with RESOURCE_EXHAUSTED.
   */
  link(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_heartbeat_peer_v1_Envelope, _heartbeat_peer_v1_Envelope__Output>;
  link(options?: grpc.CallOptions): grpc.ClientDuplexStream<_heartbeat_peer_v1_Envelope, _heartbeat_peer_v1_Envelope__Output>;
  
}

/**
 * The service every node serves to its peers.
 */
export interface PeerHandlers extends grpc.UntypedServiceImplementation {
  /**
   * One long-lived stream from the caller to the called node, opened when the caller starts and
   * re-opened whenever it breaks. The caller sends every message it has for the called node on
   * it; the called node answers each on the same stream with its replies (a heartbeat ack, a vote
   * response), addressed to the caller. Every envelope the caller sends names the same sender,
   * the one the call's `hbc-from` metadata names (with `hbc-cluster-id`, its cluster); a stream
   * that breaks either rule is ended with FAILED_PRECONDITION, a malformed envelope with
   * INVALID_ARGUMENT, an envelope over 1 KiB with RESOURCE_EXHAUSTED.
   */
  Link: grpc.handleBidiStreamingCall<_heartbeat_peer_v1_Envelope__Output, _heartbeat_peer_v1_Envelope>;
  
}

export interface PeerDefinition extends grpc.ServiceDefinition {
  Link: MethodDefinition<_heartbeat_peer_v1_Envelope, _heartbeat_peer_v1_Envelope, _heartbeat_peer_v1_Envelope__Output, _heartbeat_peer_v1_Envelope__Output>
}
