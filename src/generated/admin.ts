import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { AdminClient as _heartbeat_admin_v1_AdminClient, AdminDefinition as _heartbeat_admin_v1_AdminDefinition } from './heartbeat/admin/v1/Admin.ts';
import type { ElectionLost as _heartbeat_admin_v1_ElectionLost, ElectionLost__Output as _heartbeat_admin_v1_ElectionLost__Output } from './heartbeat/admin/v1/ElectionLost.ts';
import type { ElectionStarted as _heartbeat_admin_v1_ElectionStarted, ElectionStarted__Output as _heartbeat_admin_v1_ElectionStarted__Output } from './heartbeat/admin/v1/ElectionStarted.ts';
import type { ElectionWon as _heartbeat_admin_v1_ElectionWon, ElectionWon__Output as _heartbeat_admin_v1_ElectionWon__Output } from './heartbeat/admin/v1/ElectionWon.ts';
import type { FaultsResponse as _heartbeat_admin_v1_FaultsResponse, FaultsResponse__Output as _heartbeat_admin_v1_FaultsResponse__Output } from './heartbeat/admin/v1/FaultsResponse.ts';
import type { GetLeaderRequest as _heartbeat_admin_v1_GetLeaderRequest, GetLeaderRequest__Output as _heartbeat_admin_v1_GetLeaderRequest__Output } from './heartbeat/admin/v1/GetLeaderRequest.ts';
import type { GetLeaderResponse as _heartbeat_admin_v1_GetLeaderResponse, GetLeaderResponse__Output as _heartbeat_admin_v1_GetLeaderResponse__Output } from './heartbeat/admin/v1/GetLeaderResponse.ts';
import type { HealRequest as _heartbeat_admin_v1_HealRequest, HealRequest__Output as _heartbeat_admin_v1_HealRequest__Output } from './heartbeat/admin/v1/HealRequest.ts';
import type { LeaderChanged as _heartbeat_admin_v1_LeaderChanged, LeaderChanged__Output as _heartbeat_admin_v1_LeaderChanged__Output } from './heartbeat/admin/v1/LeaderChanged.ts';
import type { LeaseAcquired as _heartbeat_admin_v1_LeaseAcquired, LeaseAcquired__Output as _heartbeat_admin_v1_LeaseAcquired__Output } from './heartbeat/admin/v1/LeaseAcquired.ts';
import type { LeaseLost as _heartbeat_admin_v1_LeaseLost, LeaseLost__Output as _heartbeat_admin_v1_LeaseLost__Output } from './heartbeat/admin/v1/LeaseLost.ts';
import type { LeaseState as _heartbeat_admin_v1_LeaseState, LeaseState__Output as _heartbeat_admin_v1_LeaseState__Output } from './heartbeat/admin/v1/LeaseState.ts';
import type { LinkFaults as _heartbeat_admin_v1_LinkFaults, LinkFaults__Output as _heartbeat_admin_v1_LinkFaults__Output } from './heartbeat/admin/v1/LinkFaults.ts';
import type { Member as _heartbeat_admin_v1_Member, Member__Output as _heartbeat_admin_v1_Member__Output } from './heartbeat/admin/v1/Member.ts';
import type { MembersRequest as _heartbeat_admin_v1_MembersRequest, MembersRequest__Output as _heartbeat_admin_v1_MembersRequest__Output } from './heartbeat/admin/v1/MembersRequest.ts';
import type { MembersResponse as _heartbeat_admin_v1_MembersResponse, MembersResponse__Output as _heartbeat_admin_v1_MembersResponse__Output } from './heartbeat/admin/v1/MembersResponse.ts';
import type { NodeEvent as _heartbeat_admin_v1_NodeEvent, NodeEvent__Output as _heartbeat_admin_v1_NodeEvent__Output } from './heartbeat/admin/v1/NodeEvent.ts';
import type { PartitionRequest as _heartbeat_admin_v1_PartitionRequest, PartitionRequest__Output as _heartbeat_admin_v1_PartitionRequest__Output } from './heartbeat/admin/v1/PartitionRequest.ts';
import type { PeerStatus as _heartbeat_admin_v1_PeerStatus, PeerStatus__Output as _heartbeat_admin_v1_PeerStatus__Output } from './heartbeat/admin/v1/PeerStatus.ts';
import type { RoleChanged as _heartbeat_admin_v1_RoleChanged, RoleChanged__Output as _heartbeat_admin_v1_RoleChanged__Output } from './heartbeat/admin/v1/RoleChanged.ts';
import type { SafetyAlarm as _heartbeat_admin_v1_SafetyAlarm, SafetyAlarm__Output as _heartbeat_admin_v1_SafetyAlarm__Output } from './heartbeat/admin/v1/SafetyAlarm.ts';
import type { SecondLeader as _heartbeat_admin_v1_SecondLeader, SecondLeader__Output as _heartbeat_admin_v1_SecondLeader__Output } from './heartbeat/admin/v1/SecondLeader.ts';
import type { SetDelayRequest as _heartbeat_admin_v1_SetDelayRequest, SetDelayRequest__Output as _heartbeat_admin_v1_SetDelayRequest__Output } from './heartbeat/admin/v1/SetDelayRequest.ts';
import type { StallDetected as _heartbeat_admin_v1_StallDetected, StallDetected__Output as _heartbeat_admin_v1_StallDetected__Output } from './heartbeat/admin/v1/StallDetected.ts';
import type { StatusRequest as _heartbeat_admin_v1_StatusRequest, StatusRequest__Output as _heartbeat_admin_v1_StatusRequest__Output } from './heartbeat/admin/v1/StatusRequest.ts';
import type { StatusResponse as _heartbeat_admin_v1_StatusResponse, StatusResponse__Output as _heartbeat_admin_v1_StatusResponse__Output } from './heartbeat/admin/v1/StatusResponse.ts';
import type { StepDownRequest as _heartbeat_admin_v1_StepDownRequest, StepDownRequest__Output as _heartbeat_admin_v1_StepDownRequest__Output } from './heartbeat/admin/v1/StepDownRequest.ts';
import type { StepDownResponse as _heartbeat_admin_v1_StepDownResponse, StepDownResponse__Output as _heartbeat_admin_v1_StepDownResponse__Output } from './heartbeat/admin/v1/StepDownResponse.ts';
import type { SteppedDown as _heartbeat_admin_v1_SteppedDown, SteppedDown__Output as _heartbeat_admin_v1_SteppedDown__Output } from './heartbeat/admin/v1/SteppedDown.ts';
import type { TermChanged as _heartbeat_admin_v1_TermChanged, TermChanged__Output as _heartbeat_admin_v1_TermChanged__Output } from './heartbeat/admin/v1/TermChanged.ts';
import type { TermExhausted as _heartbeat_admin_v1_TermExhausted, TermExhausted__Output as _heartbeat_admin_v1_TermExhausted__Output } from './heartbeat/admin/v1/TermExhausted.ts';
import type { TermJumpRefused as _heartbeat_admin_v1_TermJumpRefused, TermJumpRefused__Output as _heartbeat_admin_v1_TermJumpRefused__Output } from './heartbeat/admin/v1/TermJumpRefused.ts';
import type { TimeoutNowRefused as _heartbeat_admin_v1_TimeoutNowRefused, TimeoutNowRefused__Output as _heartbeat_admin_v1_TimeoutNowRefused__Output } from './heartbeat/admin/v1/TimeoutNowRefused.ts';
import type { Timing as _heartbeat_admin_v1_Timing, Timing__Output as _heartbeat_admin_v1_Timing__Output } from './heartbeat/admin/v1/Timing.ts';
import type { TransferLeadershipRequest as _heartbeat_admin_v1_TransferLeadershipRequest, TransferLeadershipRequest__Output as _heartbeat_admin_v1_TransferLeadershipRequest__Output } from './heartbeat/admin/v1/TransferLeadershipRequest.ts';
import type { TransferLeadershipResponse as _heartbeat_admin_v1_TransferLeadershipResponse, TransferLeadershipResponse__Output as _heartbeat_admin_v1_TransferLeadershipResponse__Output } from './heartbeat/admin/v1/TransferLeadershipResponse.ts';
import type { VoteGranted as _heartbeat_admin_v1_VoteGranted, VoteGranted__Output as _heartbeat_admin_v1_VoteGranted__Output } from './heartbeat/admin/v1/VoteGranted.ts';
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
        ElectionLost: MessageTypeDefinition<_heartbeat_admin_v1_ElectionLost, _heartbeat_admin_v1_ElectionLost__Output>
        ElectionStarted: MessageTypeDefinition<_heartbeat_admin_v1_ElectionStarted, _heartbeat_admin_v1_ElectionStarted__Output>
        ElectionWon: MessageTypeDefinition<_heartbeat_admin_v1_ElectionWon, _heartbeat_admin_v1_ElectionWon__Output>
        FaultsResponse: MessageTypeDefinition<_heartbeat_admin_v1_FaultsResponse, _heartbeat_admin_v1_FaultsResponse__Output>
        GetLeaderRequest: MessageTypeDefinition<_heartbeat_admin_v1_GetLeaderRequest, _heartbeat_admin_v1_GetLeaderRequest__Output>
        GetLeaderResponse: MessageTypeDefinition<_heartbeat_admin_v1_GetLeaderResponse, _heartbeat_admin_v1_GetLeaderResponse__Output>
        HealRequest: MessageTypeDefinition<_heartbeat_admin_v1_HealRequest, _heartbeat_admin_v1_HealRequest__Output>
        LeaderChanged: MessageTypeDefinition<_heartbeat_admin_v1_LeaderChanged, _heartbeat_admin_v1_LeaderChanged__Output>
        LeaseAcquired: MessageTypeDefinition<_heartbeat_admin_v1_LeaseAcquired, _heartbeat_admin_v1_LeaseAcquired__Output>
        LeaseLost: MessageTypeDefinition<_heartbeat_admin_v1_LeaseLost, _heartbeat_admin_v1_LeaseLost__Output>
        LeaseState: MessageTypeDefinition<_heartbeat_admin_v1_LeaseState, _heartbeat_admin_v1_LeaseState__Output>
        LinkFaults: MessageTypeDefinition<_heartbeat_admin_v1_LinkFaults, _heartbeat_admin_v1_LinkFaults__Output>
        Member: MessageTypeDefinition<_heartbeat_admin_v1_Member, _heartbeat_admin_v1_Member__Output>
        MembersRequest: MessageTypeDefinition<_heartbeat_admin_v1_MembersRequest, _heartbeat_admin_v1_MembersRequest__Output>
        MembersResponse: MessageTypeDefinition<_heartbeat_admin_v1_MembersResponse, _heartbeat_admin_v1_MembersResponse__Output>
        NodeEvent: MessageTypeDefinition<_heartbeat_admin_v1_NodeEvent, _heartbeat_admin_v1_NodeEvent__Output>
        PartitionRequest: MessageTypeDefinition<_heartbeat_admin_v1_PartitionRequest, _heartbeat_admin_v1_PartitionRequest__Output>
        PeerStatus: MessageTypeDefinition<_heartbeat_admin_v1_PeerStatus, _heartbeat_admin_v1_PeerStatus__Output>
        RoleChanged: MessageTypeDefinition<_heartbeat_admin_v1_RoleChanged, _heartbeat_admin_v1_RoleChanged__Output>
        SafetyAlarm: MessageTypeDefinition<_heartbeat_admin_v1_SafetyAlarm, _heartbeat_admin_v1_SafetyAlarm__Output>
        SecondLeader: MessageTypeDefinition<_heartbeat_admin_v1_SecondLeader, _heartbeat_admin_v1_SecondLeader__Output>
        SetDelayRequest: MessageTypeDefinition<_heartbeat_admin_v1_SetDelayRequest, _heartbeat_admin_v1_SetDelayRequest__Output>
        StallDetected: MessageTypeDefinition<_heartbeat_admin_v1_StallDetected, _heartbeat_admin_v1_StallDetected__Output>
        StatusRequest: MessageTypeDefinition<_heartbeat_admin_v1_StatusRequest, _heartbeat_admin_v1_StatusRequest__Output>
        StatusResponse: MessageTypeDefinition<_heartbeat_admin_v1_StatusResponse, _heartbeat_admin_v1_StatusResponse__Output>
        StepDownRequest: MessageTypeDefinition<_heartbeat_admin_v1_StepDownRequest, _heartbeat_admin_v1_StepDownRequest__Output>
        StepDownResponse: MessageTypeDefinition<_heartbeat_admin_v1_StepDownResponse, _heartbeat_admin_v1_StepDownResponse__Output>
        SteppedDown: MessageTypeDefinition<_heartbeat_admin_v1_SteppedDown, _heartbeat_admin_v1_SteppedDown__Output>
        TermChanged: MessageTypeDefinition<_heartbeat_admin_v1_TermChanged, _heartbeat_admin_v1_TermChanged__Output>
        TermExhausted: MessageTypeDefinition<_heartbeat_admin_v1_TermExhausted, _heartbeat_admin_v1_TermExhausted__Output>
        TermJumpRefused: MessageTypeDefinition<_heartbeat_admin_v1_TermJumpRefused, _heartbeat_admin_v1_TermJumpRefused__Output>
        TimeoutNowRefused: MessageTypeDefinition<_heartbeat_admin_v1_TimeoutNowRefused, _heartbeat_admin_v1_TimeoutNowRefused__Output>
        Timing: MessageTypeDefinition<_heartbeat_admin_v1_Timing, _heartbeat_admin_v1_Timing__Output>
        TransferLeadershipRequest: MessageTypeDefinition<_heartbeat_admin_v1_TransferLeadershipRequest, _heartbeat_admin_v1_TransferLeadershipRequest__Output>
        TransferLeadershipResponse: MessageTypeDefinition<_heartbeat_admin_v1_TransferLeadershipResponse, _heartbeat_admin_v1_TransferLeadershipResponse__Output>
        VoteGranted: MessageTypeDefinition<_heartbeat_admin_v1_VoteGranted, _heartbeat_admin_v1_VoteGranted__Output>
        WaitForLeaseRequest: MessageTypeDefinition<_heartbeat_admin_v1_WaitForLeaseRequest, _heartbeat_admin_v1_WaitForLeaseRequest__Output>
        WaitForLeaseResponse: MessageTypeDefinition<_heartbeat_admin_v1_WaitForLeaseResponse, _heartbeat_admin_v1_WaitForLeaseResponse__Output>
        WatchLeaseRequest: MessageTypeDefinition<_heartbeat_admin_v1_WatchLeaseRequest, _heartbeat_admin_v1_WatchLeaseRequest__Output>
        WatchRequest: MessageTypeDefinition<_heartbeat_admin_v1_WatchRequest, _heartbeat_admin_v1_WatchRequest__Output>
      }
    }
  }
}

