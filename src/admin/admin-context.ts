import type { Logger } from 'pino';
import type { ClusterId, NodeId } from '../core/ids.ts';
import type { MonotonicClock, NodeDriver } from '../runtime/node-driver.ts';
import type { FaultInjectingTransport } from '../transport/fault-injecting-transport.ts';

/** Facts about the running node that the core does not know but an operator asks about. */
export interface AdminNodeInfo {
  readonly clusterId: ClusterId;
  readonly id: NodeId;
  readonly pid: number;
  readonly version: string;
  readonly dataDir: string;
  readonly peerAddress: string;
  readonly adminAddress: string;
  /** Every member of the cluster and its peer address, this node included. */
  readonly members: ReadonlyMap<NodeId, string>;
  readonly incarnation: number;
  /** When the node started, on `clock` (monotonic), so uptime survives wall-clock jumps. */
  readonly startedAtMs: number;
}

/** Everything the admin service reads or acts on. */
export interface AdminContext {
  readonly driver: NodeDriver;
  /** The node's peer transport, through which partitions and delays are injected. */
  readonly faults: FaultInjectingTransport;
  /** The clock the driver runs on. */
  readonly clock: MonotonicClock;
  readonly logger: Logger;
  readonly info: AdminNodeInfo;
}
