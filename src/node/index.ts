/**
 * `heartbeat-cluster/node`: run a member of the cluster inside an application, with the lease
 * in-process (events and AbortSignal). The client library is the package's main entry point.
 */
export {
  EmbeddedNode,
  NodeStoppedError,
  StartNodeError,
  startNode,
  type EmbeddedNodeEvents,
  type EmbeddedNodeStatus,
  type LocalLeaseOptions,
  type StartNodeSettings,
} from './embedded-node.ts';
export { LeaseEndedError, type Lease, type LeaseEndReason, type LeaseScope } from '../client/lease.ts';
export type { LeaderChange } from '../client/observe-leader.ts';
export type { LogLevel } from './node-options.ts';
export type { TlsReloadReport } from '../tls/node-tls.ts';
