/**
 * heartbeat-cluster's client library, the package's main entry point: `connect()` to a cluster,
 * follow its leader, and act under its lease with a fencing token. The embeddable node is
 * `heartbeat-cluster/node`.
 */
export { connect, type ConnectOptions } from './connect.ts';
export { ClusterClient, type AcquireLeaseOptions, type ClusterClientOptions, type HandOver, type HandOverOptions, type NodeAnswer } from './cluster-client.ts';
export { LeaseEndedError, type Lease, type LeaseEndReason, type LeaseScope } from './lease.ts';
export type { LeaderChange, ObserveLeaderOptions } from './observe-leader.ts';
export { AdminClient, type CallOptions, type PartitionDirection } from './admin-client.ts';
export type { AdminNode } from './admin-node.ts';
export type { LeaderView, LeaseState, LeaseToken, LinkFault, MemberInfo, MembersView, NodeEvent, NodeStatus, NodeTiming } from './admin-responses.ts';
export { describeCallFailure, type CallFailure, type CallResult } from './call-failure.ts';
export type { BackoffSettings } from './backoff.ts';
export type { ClientClock } from './client-clock.ts';
export type { ClientTlsFiles } from '../tls/client-tls.ts';
export type { ClientTlsMaterial } from '../tls/tls-channel.ts';
