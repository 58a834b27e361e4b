import type { NodeId } from '../core/ids.ts';
import type { PeerMessage } from '../core/messages.ts';

/**
 * One peer message as it leaves this node (handed to the transport, or returned as a reply on
 * the exchange that brought its request) or arrives here, stamped with the driver's monotonic
 * clock. Observers count and time heartbeats with it.
 */
export interface PeerTraffic {
  readonly direction: 'sent' | 'received';
  readonly peer: NodeId;
  readonly message: PeerMessage;
  readonly atMs: number;
}
