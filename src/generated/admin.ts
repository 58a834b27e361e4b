import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { AdminClient as _heartbeat_admin_v1_AdminClient, AdminDefinition as _heartbeat_admin_v1_AdminDefinition } from './heartbeat/admin/v1/Admin.ts';
import type { FaultsResponse as _heartbeat_admin_v1_FaultsResponse, FaultsResponse__Output as _heartbeat_admin_v1_FaultsResponse__Output } from './heartbeat/admin/v1/FaultsResponse.ts';
import type { GetLeaderRequest as _heartbeat_admin_v1_GetLeaderRequest, GetLeaderRequest__Output as _heartbeat_admin_v1_GetLeaderRequest__Output } from './heartbeat/admin/v1/GetLeaderRequest.ts';
import type { GetLeaderResponse as _heartbeat_admin_v1_GetLeaderResponse, GetLeaderResponse__Output as _heartbeat_admin_v1_GetLeaderResponse__Output } from './heartbeat/admin/v1/GetLeaderResponse.ts';
import type { HealRequest as _heartbeat_admin_v1_HealRequest, HealRequest__Output as _heartbeat_admin_v1_HealRequest__Output } from './heartbeat/admin/v1/HealRequest.ts';
import type { LeaseState as _heartbeat_admin_v1_LeaseState, LeaseState__Output as _heartbeat_admin_v1_LeaseState__Output } from './heartbeat/admin/v1/LeaseState.ts';
import type { LinkFaults as _heartbeat_admin_v1_LinkFaults, LinkFaults__Output as _heartbeat_admin_v1_LinkFaults__Output } from './heartbeat/admin/v1/LinkFaults.ts';
import type { Member as _heartbeat_admin_v1_Member, Member__Output as _heartbeat_admin_v1_Member__Output } from './heartbeat/admin/v1/Member.ts';
import type { MembersRequest as _heartbeat_admin_v1_MembersRequest, MembersRequest__Output as _heartbeat_admin_v1_MembersRequest__Output } from './heartbeat/admin/v1/MembersRequest.ts';
import type { MembersResponse as _heartbeat_admin_v1_MembersResponse, MembersResponse__Output as _heartbeat_admin_v1_MembersResponse__Output } from './heartbeat/admin/v1/MembersResponse.ts';
import type { NodeEvent as _heartbeat_admin_v1_NodeEvent, NodeEvent__Output as _heartbeat_admin_v1_NodeEvent__Output } from './heartbeat/admin/v1/NodeEvent.ts';
import type { PartitionRequest as _heartbeat_admin_v1_PartitionRequest, PartitionRequest__Output as _heartbeat_admin_v1_PartitionRequest__Output } from './heartbeat/admin/v1/PartitionRequest.ts';
import type { PeerStatus as _heartbeat_admin_v1_PeerStatus, PeerStatus__Output as _heartbeat_admin_v1_PeerStatus__Output } from './heartbeat/admin/v1/PeerStatus.ts';
import type { SetDelayRequest as _heartbeat_admin_v1_SetDelayRequest, SetDelayRequest__Output as _heartbeat_admin_v1_SetDelayRequest__Output } from './heartbeat/admin/v1/SetDelayRequest.ts';
import type { StatusRequest as _heartbeat_admin_v1_StatusRequest, StatusRequest__Output as _heartbeat_admin_v1_StatusRequest__Output } from './heartbeat/admin/v1/StatusRequest.ts';
import type { StatusResponse as _heartbeat_admin_v1_StatusResponse, StatusResponse__Output as _heartbeat_admin_v1_StatusResponse__Output } from './heartbeat/admin/v1/StatusResponse.ts';
import type { StepDownRequest as _heartbeat_admin_v1_StepDownRequest, StepDownRequest__Output as _heartbeat_admin_v1_StepDownRequest__Output } from './heartbeat/admin/v1/StepDownRequest.ts';
import type { StepDownResponse as _heartbeat_admin_v1_StepDownResponse, StepDownResponse__Output as _heartbeat_admin_v1_StepDownResponse__Output } from './heartbeat/admin/v1/StepDownResponse.ts';
import type { Timing as _heartbeat_admin_v1_Timing, Timing__Output as _heartbeat_admin_v1_Timing__Output } from './heartbeat/admin/v1/Timing.ts';
import type { TransferLeadershipRequest as _heartbeat_admin_v1_TransferLeadershipRequest, TransferLeadershipRequest__Output as _heartbeat_admin_v1_TransferLeadershipRequest__Output } from './heartbeat/admin/v1/TransferLeadershipRequest.ts';
import type { TransferLeadershipResponse as _heartbeat_admin_v1_TransferLeadershipResponse, TransferLeadershipResponse__Output as _heartbeat_admin_v1_TransferLeadershipResponse__Output } from './heartbeat/admin/v1/TransferLeadershipResponse.ts';
import type { WaitForLeaseRequest as _heartbeat_admin_v1_WaitForLeaseRequest, WaitForLeaseRequest__Output as _heartbeat_admin_v1_WaitForLeaseRequest__Output } from './heartbeat/admin/v1/WaitForLeaseRequest.ts';
import type { WaitForLeaseResponse as _heartbeat_admin_v1_WaitForLeaseResponse, WaitForLeaseResponse__Output as _heartbeat_admin_v1_WaitForLeaseResponse__Output } from './heartbeat/admin/v1/WaitForLeaseResponse.ts';
import type { WatchLeaseRequest as _heartbeat_admin_v1_WatchLeaseRequest, WatchLeaseRequest__Output as _heartbeat_admin_v1_WatchLeaseRequest__Output } from './heartbeat/admin/v1/WatchLeaseRequest.ts';
import type { WatchRequest as _heartbeat_admin_v1_WatchRequest, WatchRequest__Output as _heartbeat_admin_v1_WatchRequest__Output } from './heartbeat/admin/v1/WatchRequest.ts';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  heartbeat: {
    admin: {
      v1: {
        Admin: SubtypeConstructor<typeof grpc.Client, _heartbeat_admin_v1_AdminClient> & { service: _heartbeat_admin_v1_AdminDefinition }
        FaultsResponse: MessageTypeDefinition<_heartbeat_admin_v1_FaultsResponse, _heartbeat_admin_v1_FaultsResponse__Output>
        GetLeaderRequest: MessageTypeDefinition<_heartbeat_admin_v1_GetLeaderRequest, _heartbeat_admin_v1_GetLeaderRequest__Output>
        GetLeaderResponse: MessageTypeDefinition<_heartbeat_admin_v1_GetLeaderResponse, _heartbeat_admin_v1_GetLeaderResponse__Output>
        HealRequest: MessageTypeDefinition<_heartbeat_admin_v1_HealRequest, _heartbeat_admin_v1_HealRequest__Output>
        LeaseState: MessageTypeDefinition<_heartbeat_admin_v1_LeaseState, _heartbeat_admin_v1_LeaseState__Output>
        LinkFaults: MessageTypeDefinition<_heartbeat_admin_v1_LinkFaults, _heartbeat_admin_v1_LinkFaults__Output>
        Member: MessageTypeDefinition<_heartbeat_admin_v1_Member, _heartbeat_admin_v1_Member__Output>
        MembersRequest: MessageTypeDefinition<_heartbeat_admin_v1_MembersRequest, _heartbeat_admin_v1_MembersRequest__Output>
        MembersResponse: MessageTypeDefinition<_heartbeat_admin_v1_MembersResponse, _heartbeat_admin_v1_MembersResponse__Output>
        NodeEvent: MessageTypeDefinition<_heartbeat_admin_v1_NodeEvent, _heartbeat_admin_v1_NodeEvent__Output>
        PartitionRequest: MessageTypeDefinition<_heartbeat_admin_v1_PartitionRequest, _heartbeat_admin_v1_PartitionRequest__Output>
        PeerStatus: MessageTypeDefinition<_heartbeat_admin_v1_PeerStatus, _heartbeat_admin_v1_PeerStatus__Output>
        SetDelayRequest: MessageTypeDefinition<_heartbeat_admin_v1_SetDelayRequest, _heartbeat_admin_v1_SetDelayRequest__Output>
        StatusRequest: MessageTypeDefinition<_heartbeat_admin_v1_StatusRequest, _heartbeat_admin_v1_StatusRequest__Output>
        StatusResponse: MessageTypeDefinition<_heartbeat_admin_v1_StatusResponse, _heartbeat_admin_v1_StatusResponse__Output>
        StepDownRequest: MessageTypeDefinition<_heartbeat_admin_v1_StepDownRequest, _heartbeat_admin_v1_StepDownRequest__Output>
        StepDownResponse: MessageTypeDefinition<_heartbeat_admin_v1_StepDownResponse, _heartbeat_admin_v1_StepDownResponse__Output>
        Timing: MessageTypeDefinition<_heartbeat_admin_v1_Timing, _heartbeat_admin_v1_Timing__Output>
        TransferLeadershipRequest: MessageTypeDefinition<_heartbeat_admin_v1_TransferLeadershipRequest, _heartbeat_admin_v1_TransferLeadershipRequest__Output>
        TransferLeadershipResponse: MessageTypeDefinition<_heartbeat_admin_v1_TransferLeadershipResponse, _heartbeat_admin_v1_TransferLeadershipResponse__Output>
        WaitForLeaseRequest: MessageTypeDefinition<_heartbeat_admin_v1_WaitForLeaseRequest, _heartbeat_admin_v1_WaitForLeaseRequest__Output>
        WaitForLeaseResponse: MessageTypeDefinition<_heartbeat_admin_v1_WaitForLeaseResponse, _heartbeat_admin_v1_WaitForLeaseResponse__Output>
        WatchLeaseRequest: MessageTypeDefinition<_heartbeat_admin_v1_WatchLeaseRequest, _heartbeat_admin_v1_WatchLeaseRequest__Output>
        WatchRequest: MessageTypeDefinition<_heartbeat_admin_v1_WatchRequest, _heartbeat_admin_v1_WatchRequest__Output>
      }
    }
  }
}

