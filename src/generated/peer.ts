import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { Envelope as _heartbeat_peer_v1_Envelope, Envelope__Output as _heartbeat_peer_v1_Envelope__Output } from './heartbeat/peer/v1/Envelope.ts';
import type { Heartbeat as _heartbeat_peer_v1_Heartbeat, Heartbeat__Output as _heartbeat_peer_v1_Heartbeat__Output } from './heartbeat/peer/v1/Heartbeat.ts';
import type { HeartbeatAck as _heartbeat_peer_v1_HeartbeatAck, HeartbeatAck__Output as _heartbeat_peer_v1_HeartbeatAck__Output } from './heartbeat/peer/v1/HeartbeatAck.ts';
import type { NodeMetadata as _heartbeat_peer_v1_NodeMetadata, NodeMetadata__Output as _heartbeat_peer_v1_NodeMetadata__Output } from './heartbeat/peer/v1/NodeMetadata.ts';
import type { PeerClient as _heartbeat_peer_v1_PeerClient, PeerDefinition as _heartbeat_peer_v1_PeerDefinition } from './heartbeat/peer/v1/Peer.ts';
import type { TimeoutNow as _heartbeat_peer_v1_TimeoutNow, TimeoutNow__Output as _heartbeat_peer_v1_TimeoutNow__Output } from './heartbeat/peer/v1/TimeoutNow.ts';
import type { VoteRequest as _heartbeat_peer_v1_VoteRequest, VoteRequest__Output as _heartbeat_peer_v1_VoteRequest__Output } from './heartbeat/peer/v1/VoteRequest.ts';
import type { VoteResponse as _heartbeat_peer_v1_VoteResponse, VoteResponse__Output as _heartbeat_peer_v1_VoteResponse__Output } from './heartbeat/peer/v1/VoteResponse.ts';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  heartbeat: {
    peer: {
      v1: {
        Envelope: MessageTypeDefinition<_heartbeat_peer_v1_Envelope, _heartbeat_peer_v1_Envelope__Output>
        Heartbeat: MessageTypeDefinition<_heartbeat_peer_v1_Heartbeat, _heartbeat_peer_v1_Heartbeat__Output>
        HeartbeatAck: MessageTypeDefinition<_heartbeat_peer_v1_HeartbeatAck, _heartbeat_peer_v1_HeartbeatAck__Output>
        NodeMetadata: MessageTypeDefinition<_heartbeat_peer_v1_NodeMetadata, _heartbeat_peer_v1_NodeMetadata__Output>
        /**
         * The service every node serves to its peers.
         */
        Peer: SubtypeConstructor<typeof grpc.Client, _heartbeat_peer_v1_PeerClient> & { service: _heartbeat_peer_v1_PeerDefinition }
        TimeoutNow: MessageTypeDefinition<_heartbeat_peer_v1_TimeoutNow, _heartbeat_peer_v1_TimeoutNow__Output>
        VoteRequest: MessageTypeDefinition<_heartbeat_peer_v1_VoteRequest, _heartbeat_peer_v1_VoteRequest__Output>
        VoteResponse: MessageTypeDefinition<_heartbeat_peer_v1_VoteResponse, _heartbeat_peer_v1_VoteResponse__Output>
      }
    }
  }
}

