// Original file: proto/admin.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { FaultsResponse as _heartbeat_admin_v1_FaultsResponse, FaultsResponse__Output as _heartbeat_admin_v1_FaultsResponse__Output } from '../../../heartbeat/admin/v1/FaultsResponse.ts';
import type { GetLeaderRequest as _heartbeat_admin_v1_GetLeaderRequest, GetLeaderRequest__Output as _heartbeat_admin_v1_GetLeaderRequest__Output } from '../../../heartbeat/admin/v1/GetLeaderRequest.ts';
import type { GetLeaderResponse as _heartbeat_admin_v1_GetLeaderResponse, GetLeaderResponse__Output as _heartbeat_admin_v1_GetLeaderResponse__Output } from '../../../heartbeat/admin/v1/GetLeaderResponse.ts';
import type { HealRequest as _heartbeat_admin_v1_HealRequest, HealRequest__Output as _heartbeat_admin_v1_HealRequest__Output } from '../../../heartbeat/admin/v1/HealRequest.ts';
import type { LeaseState as _heartbeat_admin_v1_LeaseState, LeaseState__Output as _heartbeat_admin_v1_LeaseState__Output } from '../../../heartbeat/admin/v1/LeaseState.ts';
import type { MembersRequest as _heartbeat_admin_v1_MembersRequest, MembersRequest__Output as _heartbeat_admin_v1_MembersRequest__Output } from '../../../heartbeat/admin/v1/MembersRequest.ts';
import type { MembersResponse as _heartbeat_admin_v1_MembersResponse, MembersResponse__Output as _heartbeat_admin_v1_MembersResponse__Output } from '../../../heartbeat/admin/v1/MembersResponse.ts';
import type { NodeEvent as _heartbeat_admin_v1_NodeEvent, NodeEvent__Output as _heartbeat_admin_v1_NodeEvent__Output } from '../../../heartbeat/admin/v1/NodeEvent.ts';
import type { PartitionRequest as _heartbeat_admin_v1_PartitionRequest, PartitionRequest__Output as _heartbeat_admin_v1_PartitionRequest__Output } from '../../../heartbeat/admin/v1/PartitionRequest.ts';
import type { SetDelayRequest as _heartbeat_admin_v1_SetDelayRequest, SetDelayRequest__Output as _heartbeat_admin_v1_SetDelayRequest__Output } from '../../../heartbeat/admin/v1/SetDelayRequest.ts';
import type { StatusRequest as _heartbeat_admin_v1_StatusRequest, StatusRequest__Output as _heartbeat_admin_v1_StatusRequest__Output } from '../../../heartbeat/admin/v1/StatusRequest.ts';
import type { StatusResponse as _heartbeat_admin_v1_StatusResponse, StatusResponse__Output as _heartbeat_admin_v1_StatusResponse__Output } from '../../../heartbeat/admin/v1/StatusResponse.ts';
import type { StepDownRequest as _heartbeat_admin_v1_StepDownRequest, StepDownRequest__Output as _heartbeat_admin_v1_StepDownRequest__Output } from '../../../heartbeat/admin/v1/StepDownRequest.ts';
import type { StepDownResponse as _heartbeat_admin_v1_StepDownResponse, StepDownResponse__Output as _heartbeat_admin_v1_StepDownResponse__Output } from '../../../heartbeat/admin/v1/StepDownResponse.ts';
import type { TransferLeadershipRequest as _heartbeat_admin_v1_TransferLeadershipRequest, TransferLeadershipRequest__Output as _heartbeat_admin_v1_TransferLeadershipRequest__Output } from '../../../heartbeat/admin/v1/TransferLeadershipRequest.ts';
import type { TransferLeadershipResponse as _heartbeat_admin_v1_TransferLeadershipResponse, TransferLeadershipResponse__Output as _heartbeat_admin_v1_TransferLeadershipResponse__Output } from '../../../heartbeat/admin/v1/TransferLeadershipResponse.ts';
import type { WaitForLeaseRequest as _heartbeat_admin_v1_WaitForLeaseRequest, WaitForLeaseRequest__Output as _heartbeat_admin_v1_WaitForLeaseRequest__Output } from '../../../heartbeat/admin/v1/WaitForLeaseRequest.ts';
import type { WaitForLeaseResponse as _heartbeat_admin_v1_WaitForLeaseResponse, WaitForLeaseResponse__Output as _heartbeat_admin_v1_WaitForLeaseResponse__Output } from '../../../heartbeat/admin/v1/WaitForLeaseResponse.ts';
import type { WatchLeaseRequest as _heartbeat_admin_v1_WatchLeaseRequest, WatchLeaseRequest__Output as _heartbeat_admin_v1_WatchLeaseRequest__Output } from '../../../heartbeat/admin/v1/WatchLeaseRequest.ts';
import type { WatchRequest as _heartbeat_admin_v1_WatchRequest, WatchRequest__Output as _heartbeat_admin_v1_WatchRequest__Output } from '../../../heartbeat/admin/v1/WatchRequest.ts';

export interface AdminClient extends grpc.Client {
  /**
   * Who leads, as this node knows it, and whether this node holds the lease.
   */
  GetLeader(argument: _heartbeat_admin_v1_GetLeaderRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_heartbeat_admin_v1_GetLeaderResponse__Output>): grpc.ClientUnaryCall;
  GetLeader(argument: _heartbeat_admin_v1_GetLeaderRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_heartbeat_admin_v1_GetLeaderResponse__Output>): grpc.ClientUnaryCall;
  GetLeader(argument: _heartbeat_admin_v1_GetLeaderRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_heartbeat_admin_v1_GetLeaderResponse__Output>): grpc.ClientUnaryCall;
  GetLeader(argument: _heartbeat_admin_v1_GetLeaderRequest, callback: grpc.requestCallback<_heartbeat_admin_v1_GetLeaderResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Who leads, as this node knows it, and whether this node holds the lease.
   */
  getLeader(argument: _heartbeat_admin_v1_GetLeaderRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_heartbeat_admin_v1_GetLeaderResponse__Output>): grpc.ClientUnaryCall;
  getLeader(argument: _heartbeat_admin_v1_GetLeaderRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_heartbeat_admin_v1_GetLeaderResponse__Output>): grpc.ClientUnaryCall;
  getLeader(argument: _heartbeat_admin_v1_GetLeaderRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_heartbeat_admin_v1_GetLeaderResponse__Output>): grpc.ClientUnaryCall;
  getLeader(argument: _heartbeat_admin_v1_GetLeaderRequest, callback: grpc.requestCallback<_heartbeat_admin_v1_GetLeaderResponse__Output>): grpc.ClientUnaryCall;
  
  Heal(argument: _heartbeat_admin_v1_HealRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_heartbeat_admin_v1_FaultsResponse__Output>): grpc.ClientUnaryCall;
  Heal(argument: _heartbeat_admin_v1_HealRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_heartbeat_admin_v1_FaultsResponse__Output>): grpc.ClientUnaryCall;
  Heal(argument: _heartbeat_admin_v1_HealRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_heartbeat_admin_v1_FaultsResponse__Output>): grpc.ClientUnaryCall;
  Heal(argument: _heartbeat_admin_v1_HealRequest, callback: grpc.requestCallback<_heartbeat_admin_v1_FaultsResponse__Output>): grpc.ClientUnaryCall;
  heal(argument: _heartbeat_admin_v1_HealRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_heartbeat_admin_v1_FaultsResponse__Output>): grpc.ClientUnaryCall;
  heal(argument: _heartbeat_admin_v1_HealRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_heartbeat_admin_v1_FaultsResponse__Output>): grpc.ClientUnaryCall;
  heal(argument: _heartbeat_admin_v1_HealRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_heartbeat_admin_v1_FaultsResponse__Output>): grpc.ClientUnaryCall;
  heal(argument: _heartbeat_admin_v1_HealRequest, callback: grpc.requestCallback<_heartbeat_admin_v1_FaultsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * This node and every peer it hears from (the leader sees everyone; a follower, the leader),
   * with failure-detector state and the metadata peers piggyback on heartbeats and acks.
   */
  Members(argument: _heartbeat_admin_v1_MembersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_heartbeat_admin_v1_MembersResponse__Output>): grpc.ClientUnaryCall;
  Members(argument: _heartbeat_admin_v1_MembersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_heartbeat_admin_v1_MembersResponse__Output>): grpc.ClientUnaryCall;
  Members(argument: _heartbeat_admin_v1_MembersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_heartbeat_admin_v1_MembersResponse__Output>): grpc.ClientUnaryCall;
  Members(argument: _heartbeat_admin_v1_MembersRequest, callback: grpc.requestCallback<_heartbeat_admin_v1_MembersResponse__Output>): grpc.ClientUnaryCall;
  /**
   * This node and every peer it hears from (the leader sees everyone; a follower, the leader),
   * with failure-detector state and the metadata peers piggyback on heartbeats and acks.
   */
  members(argument: _heartbeat_admin_v1_MembersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_heartbeat_admin_v1_MembersResponse__Output>): grpc.ClientUnaryCall;
  members(argument: _heartbeat_admin_v1_MembersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_heartbeat_admin_v1_MembersResponse__Output>): grpc.ClientUnaryCall;
  members(argument: _heartbeat_admin_v1_MembersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_heartbeat_admin_v1_MembersResponse__Output>): grpc.ClientUnaryCall;
  members(argument: _heartbeat_admin_v1_MembersRequest, callback: grpc.requestCallback<_heartbeat_admin_v1_MembersResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Fault injection on this node's peer links.
   */
  Partition(argument: _heartbeat_admin_v1_PartitionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_heartbeat_admin_v1_FaultsResponse__Output>): grpc.ClientUnaryCall;
  Partition(argument: _heartbeat_admin_v1_PartitionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_heartbeat_admin_v1_FaultsResponse__Output>): grpc.ClientUnaryCall;
  Partition(argument: _heartbeat_admin_v1_PartitionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_heartbeat_admin_v1_FaultsResponse__Output>): grpc.ClientUnaryCall;
  Partition(argument: _heartbeat_admin_v1_PartitionRequest, callback: grpc.requestCallback<_heartbeat_admin_v1_FaultsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Fault injection on this node's peer links.
   */
  partition(argument: _heartbeat_admin_v1_PartitionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_heartbeat_admin_v1_FaultsResponse__Output>): grpc.ClientUnaryCall;
  partition(argument: _heartbeat_admin_v1_PartitionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_heartbeat_admin_v1_FaultsResponse__Output>): grpc.ClientUnaryCall;
  partition(argument: _heartbeat_admin_v1_PartitionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_heartbeat_admin_v1_FaultsResponse__Output>): grpc.ClientUnaryCall;
  partition(argument: _heartbeat_admin_v1_PartitionRequest, callback: grpc.requestCallback<_heartbeat_admin_v1_FaultsResponse__Output>): grpc.ClientUnaryCall;
  
  SetDelay(argument: _heartbeat_admin_v1_SetDelayRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_heartbeat_admin_v1_FaultsResponse__Output>): grpc.ClientUnaryCall;
  SetDelay(argument: _heartbeat_admin_v1_SetDelayRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_heartbeat_admin_v1_FaultsResponse__Output>): grpc.ClientUnaryCall;
  SetDelay(argument: _heartbeat_admin_v1_SetDelayRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_heartbeat_admin_v1_FaultsResponse__Output>): grpc.ClientUnaryCall;
  SetDelay(argument: _heartbeat_admin_v1_SetDelayRequest, callback: grpc.requestCallback<_heartbeat_admin_v1_FaultsResponse__Output>): grpc.ClientUnaryCall;
  setDelay(argument: _heartbeat_admin_v1_SetDelayRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_heartbeat_admin_v1_FaultsResponse__Output>): grpc.ClientUnaryCall;
  setDelay(argument: _heartbeat_admin_v1_SetDelayRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_heartbeat_admin_v1_FaultsResponse__Output>): grpc.ClientUnaryCall;
  setDelay(argument: _heartbeat_admin_v1_SetDelayRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_heartbeat_admin_v1_FaultsResponse__Output>): grpc.ClientUnaryCall;
  setDelay(argument: _heartbeat_admin_v1_SetDelayRequest, callback: grpc.requestCallback<_heartbeat_admin_v1_FaultsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * One node's view of itself and the cluster.
   */
  Status(argument: _heartbeat_admin_v1_StatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_heartbeat_admin_v1_StatusResponse__Output>): grpc.ClientUnaryCall;
  Status(argument: _heartbeat_admin_v1_StatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_heartbeat_admin_v1_StatusResponse__Output>): grpc.ClientUnaryCall;
  Status(argument: _heartbeat_admin_v1_StatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_heartbeat_admin_v1_StatusResponse__Output>): grpc.ClientUnaryCall;
  Status(argument: _heartbeat_admin_v1_StatusRequest, callback: grpc.requestCallback<_heartbeat_admin_v1_StatusResponse__Output>): grpc.ClientUnaryCall;
  /**
   * One node's view of itself and the cluster.
   */
  status(argument: _heartbeat_admin_v1_StatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_heartbeat_admin_v1_StatusResponse__Output>): grpc.ClientUnaryCall;
  status(argument: _heartbeat_admin_v1_StatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_heartbeat_admin_v1_StatusResponse__Output>): grpc.ClientUnaryCall;
  status(argument: _heartbeat_admin_v1_StatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_heartbeat_admin_v1_StatusResponse__Output>): grpc.ClientUnaryCall;
  status(argument: _heartbeat_admin_v1_StatusRequest, callback: grpc.requestCallback<_heartbeat_admin_v1_StatusResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * The leader hands leadership to its most responsive follower (or just steps down if none).
   * FAILED_PRECONDITION on a non-leader, naming the leader. Like every hand-off, it first waits
   * until the lease tokens this node handed out (WaitForLease) have run out, at most one lease.
   */
  StepDown(argument: _heartbeat_admin_v1_StepDownRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_heartbeat_admin_v1_StepDownResponse__Output>): grpc.ClientUnaryCall;
  StepDown(argument: _heartbeat_admin_v1_StepDownRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_heartbeat_admin_v1_StepDownResponse__Output>): grpc.ClientUnaryCall;
  StepDown(argument: _heartbeat_admin_v1_StepDownRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_heartbeat_admin_v1_StepDownResponse__Output>): grpc.ClientUnaryCall;
  StepDown(argument: _heartbeat_admin_v1_StepDownRequest, callback: grpc.requestCallback<_heartbeat_admin_v1_StepDownResponse__Output>): grpc.ClientUnaryCall;
  /**
   * The leader hands leadership to its most responsive follower (or just steps down if none).
   * FAILED_PRECONDITION on a non-leader, naming the leader. Like every hand-off, it first waits
   * until the lease tokens this node handed out (WaitForLease) have run out, at most one lease.
   */
  stepDown(argument: _heartbeat_admin_v1_StepDownRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_heartbeat_admin_v1_StepDownResponse__Output>): grpc.ClientUnaryCall;
  stepDown(argument: _heartbeat_admin_v1_StepDownRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_heartbeat_admin_v1_StepDownResponse__Output>): grpc.ClientUnaryCall;
  stepDown(argument: _heartbeat_admin_v1_StepDownRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_heartbeat_admin_v1_StepDownResponse__Output>): grpc.ClientUnaryCall;
  stepDown(argument: _heartbeat_admin_v1_StepDownRequest, callback: grpc.requestCallback<_heartbeat_admin_v1_StepDownResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * The leader hands leadership to `target` (or the most responsive follower when empty), after
   * the same wait.
   */
  TransferLeadership(argument: _heartbeat_admin_v1_TransferLeadershipRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_heartbeat_admin_v1_TransferLeadershipResponse__Output>): grpc.ClientUnaryCall;
  TransferLeadership(argument: _heartbeat_admin_v1_TransferLeadershipRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_heartbeat_admin_v1_TransferLeadershipResponse__Output>): grpc.ClientUnaryCall;
  TransferLeadership(argument: _heartbeat_admin_v1_TransferLeadershipRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_heartbeat_admin_v1_TransferLeadershipResponse__Output>): grpc.ClientUnaryCall;
  TransferLeadership(argument: _heartbeat_admin_v1_TransferLeadershipRequest, callback: grpc.requestCallback<_heartbeat_admin_v1_TransferLeadershipResponse__Output>): grpc.ClientUnaryCall;
  /**
   * The leader hands leadership to `target` (or the most responsive follower when empty), after
   * the same wait.
   */
  transferLeadership(argument: _heartbeat_admin_v1_TransferLeadershipRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_heartbeat_admin_v1_TransferLeadershipResponse__Output>): grpc.ClientUnaryCall;
  transferLeadership(argument: _heartbeat_admin_v1_TransferLeadershipRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_heartbeat_admin_v1_TransferLeadershipResponse__Output>): grpc.ClientUnaryCall;
  transferLeadership(argument: _heartbeat_admin_v1_TransferLeadershipRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_heartbeat_admin_v1_TransferLeadershipResponse__Output>): grpc.ClientUnaryCall;
  transferLeadership(argument: _heartbeat_admin_v1_TransferLeadershipRequest, callback: grpc.requestCallback<_heartbeat_admin_v1_TransferLeadershipResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * A lease token if this node holds the lease, waiting up to `timeout_ms` for it.
   */
  WaitForLease(argument: _heartbeat_admin_v1_WaitForLeaseRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_heartbeat_admin_v1_WaitForLeaseResponse__Output>): grpc.ClientUnaryCall;
  WaitForLease(argument: _heartbeat_admin_v1_WaitForLeaseRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_heartbeat_admin_v1_WaitForLeaseResponse__Output>): grpc.ClientUnaryCall;
  WaitForLease(argument: _heartbeat_admin_v1_WaitForLeaseRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_heartbeat_admin_v1_WaitForLeaseResponse__Output>): grpc.ClientUnaryCall;
  WaitForLease(argument: _heartbeat_admin_v1_WaitForLeaseRequest, callback: grpc.requestCallback<_heartbeat_admin_v1_WaitForLeaseResponse__Output>): grpc.ClientUnaryCall;
  /**
   * A lease token if this node holds the lease, waiting up to `timeout_ms` for it.
   */
  waitForLease(argument: _heartbeat_admin_v1_WaitForLeaseRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_heartbeat_admin_v1_WaitForLeaseResponse__Output>): grpc.ClientUnaryCall;
  waitForLease(argument: _heartbeat_admin_v1_WaitForLeaseRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_heartbeat_admin_v1_WaitForLeaseResponse__Output>): grpc.ClientUnaryCall;
  waitForLease(argument: _heartbeat_admin_v1_WaitForLeaseRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_heartbeat_admin_v1_WaitForLeaseResponse__Output>): grpc.ClientUnaryCall;
  waitForLease(argument: _heartbeat_admin_v1_WaitForLeaseRequest, callback: grpc.requestCallback<_heartbeat_admin_v1_WaitForLeaseResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Role, term and leader changes, elections, step-downs and lease changes as they happen.
   */
  Watch(argument: _heartbeat_admin_v1_WatchRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_heartbeat_admin_v1_NodeEvent__Output>;
  Watch(argument: _heartbeat_admin_v1_WatchRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_heartbeat_admin_v1_NodeEvent__Output>;
  /**
   * Role, term and leader changes, elections, step-downs and lease changes as they happen.
   */
  watch(argument: _heartbeat_admin_v1_WatchRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_heartbeat_admin_v1_NodeEvent__Output>;
  watch(argument: _heartbeat_admin_v1_WatchRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_heartbeat_admin_v1_NodeEvent__Output>;
  
  /**
   * Says when this node gains or loses the lease; the first message is the current state. A
   * node waiting to hand leadership over says it holds none.
   */
  WatchLease(argument: _heartbeat_admin_v1_WatchLeaseRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_heartbeat_admin_v1_LeaseState__Output>;
  WatchLease(argument: _heartbeat_admin_v1_WatchLeaseRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_heartbeat_admin_v1_LeaseState__Output>;
  /**
   * Says when this node gains or loses the lease; the first message is the current state. A
   * node waiting to hand leadership over says it holds none.
   */
  watchLease(argument: _heartbeat_admin_v1_WatchLeaseRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_heartbeat_admin_v1_LeaseState__Output>;
  watchLease(argument: _heartbeat_admin_v1_WatchLeaseRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_heartbeat_admin_v1_LeaseState__Output>;
  
}

export interface AdminHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Who leads, as this node knows it, and whether this node holds the lease.
   */
  GetLeader: grpc.handleUnaryCall<_heartbeat_admin_v1_GetLeaderRequest__Output, _heartbeat_admin_v1_GetLeaderResponse>;
  
  Heal: grpc.handleUnaryCall<_heartbeat_admin_v1_HealRequest__Output, _heartbeat_admin_v1_FaultsResponse>;
  
  /**
   * This node and every peer it hears from (the leader sees everyone; a follower, the leader),
   * with failure-detector state and the metadata peers piggyback on heartbeats and acks.
   */
  Members: grpc.handleUnaryCall<_heartbeat_admin_v1_MembersRequest__Output, _heartbeat_admin_v1_MembersResponse>;
  
  /**
   * Fault injection on this node's peer links.
   */
  Partition: grpc.handleUnaryCall<_heartbeat_admin_v1_PartitionRequest__Output, _heartbeat_admin_v1_FaultsResponse>;
  
  SetDelay: grpc.handleUnaryCall<_heartbeat_admin_v1_SetDelayRequest__Output, _heartbeat_admin_v1_FaultsResponse>;
  
  /**
   * One node's view of itself and the cluster.
   */
  Status: grpc.handleUnaryCall<_heartbeat_admin_v1_StatusRequest__Output, _heartbeat_admin_v1_StatusResponse>;
  
  /**
   * The leader hands leadership to its most responsive follower (or just steps down if none).
   * FAILED_PRECONDITION on a non-leader, naming the leader. Like every hand-off, it first waits
   * until the lease tokens this node handed out (WaitForLease) have run out, at most one lease.
   */
  StepDown: grpc.handleUnaryCall<_heartbeat_admin_v1_StepDownRequest__Output, _heartbeat_admin_v1_StepDownResponse>;
  
  /**
   * The leader hands leadership to `target` (or the most responsive follower when empty), after
   * the same wait.
   */
  TransferLeadership: grpc.handleUnaryCall<_heartbeat_admin_v1_TransferLeadershipRequest__Output, _heartbeat_admin_v1_TransferLeadershipResponse>;
  
  /**
   * A lease token if this node holds the lease, waiting up to `timeout_ms` for it.
   */
  WaitForLease: grpc.handleUnaryCall<_heartbeat_admin_v1_WaitForLeaseRequest__Output, _heartbeat_admin_v1_WaitForLeaseResponse>;
  
  /**
   * Role, term and leader changes, elections, step-downs and lease changes as they happen.
   */
  Watch: grpc.handleServerStreamingCall<_heartbeat_admin_v1_WatchRequest__Output, _heartbeat_admin_v1_NodeEvent>;
  
  /**
   * Says when this node gains or loses the lease; the first message is the current state. A
   * node waiting to hand leadership over says it holds none.
   */
  WatchLease: grpc.handleServerStreamingCall<_heartbeat_admin_v1_WatchLeaseRequest__Output, _heartbeat_admin_v1_LeaseState>;
  
}

export interface AdminDefinition extends grpc.ServiceDefinition {
  GetLeader: MethodDefinition<_heartbeat_admin_v1_GetLeaderRequest, _heartbeat_admin_v1_GetLeaderResponse, _heartbeat_admin_v1_GetLeaderRequest__Output, _heartbeat_admin_v1_GetLeaderResponse__Output>
  Heal: MethodDefinition<_heartbeat_admin_v1_HealRequest, _heartbeat_admin_v1_FaultsResponse, _heartbeat_admin_v1_HealRequest__Output, _heartbeat_admin_v1_FaultsResponse__Output>
  Members: MethodDefinition<_heartbeat_admin_v1_MembersRequest, _heartbeat_admin_v1_MembersResponse, _heartbeat_admin_v1_MembersRequest__Output, _heartbeat_admin_v1_MembersResponse__Output>
  Partition: MethodDefinition<_heartbeat_admin_v1_PartitionRequest, _heartbeat_admin_v1_FaultsResponse, _heartbeat_admin_v1_PartitionRequest__Output, _heartbeat_admin_v1_FaultsResponse__Output>
  SetDelay: MethodDefinition<_heartbeat_admin_v1_SetDelayRequest, _heartbeat_admin_v1_FaultsResponse, _heartbeat_admin_v1_SetDelayRequest__Output, _heartbeat_admin_v1_FaultsResponse__Output>
  Status: MethodDefinition<_heartbeat_admin_v1_StatusRequest, _heartbeat_admin_v1_StatusResponse, _heartbeat_admin_v1_StatusRequest__Output, _heartbeat_admin_v1_StatusResponse__Output>
  StepDown: MethodDefinition<_heartbeat_admin_v1_StepDownRequest, _heartbeat_admin_v1_StepDownResponse, _heartbeat_admin_v1_StepDownRequest__Output, _heartbeat_admin_v1_StepDownResponse__Output>
  TransferLeadership: MethodDefinition<_heartbeat_admin_v1_TransferLeadershipRequest, _heartbeat_admin_v1_TransferLeadershipResponse, _heartbeat_admin_v1_TransferLeadershipRequest__Output, _heartbeat_admin_v1_TransferLeadershipResponse__Output>
  WaitForLease: MethodDefinition<_heartbeat_admin_v1_WaitForLeaseRequest, _heartbeat_admin_v1_WaitForLeaseResponse, _heartbeat_admin_v1_WaitForLeaseRequest__Output, _heartbeat_admin_v1_WaitForLeaseResponse__Output>
  Watch: MethodDefinition<_heartbeat_admin_v1_WatchRequest, _heartbeat_admin_v1_NodeEvent, _heartbeat_admin_v1_WatchRequest__Output, _heartbeat_admin_v1_NodeEvent__Output>
  WatchLease: MethodDefinition<_heartbeat_admin_v1_WatchLeaseRequest, _heartbeat_admin_v1_LeaseState, _heartbeat_admin_v1_WatchLeaseRequest__Output, _heartbeat_admin_v1_LeaseState__Output>
}
