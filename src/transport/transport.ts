import type { NodeId } from '../core/ids.ts';
import type { PeerMessage } from '../core/messages.ts';
import type { NodeMetadata } from '../health/node-metadata.ts';

/**
 * Handles one validated inbound message, with the metadata the sender piggybacked on it (null if
 * none), and resolves with the replies addressed to its sender. A transport may carry those
 * replies back on the same exchange (gRPC: the unary response).
 */
export type InboundHandler = (from: NodeId, message: PeerMessage, metadata: NodeMetadata | null) => Promise<readonly PeerMessage[]>;

/** Only heartbeats and their acks carry the sender's metadata: they flow all the time anyway. */
export function carriesMetadata(message: PeerMessage): boolean {
  return message.kind === 'heartbeat' || message.kind === 'heartbeat-ack';
}

/**
 * Moves peer messages between nodes. Delivery is best-effort: messages may be lost, delayed,
 * duplicated or reordered, and the election protocol tolerates all of that.
 */
export interface Transport {
  /** Starts accepting inbound messages; replies to messages this node sends also reach `handler`. */
  start(handler: InboundHandler): Promise<void>;
  /** Fire and forget. Never throws for an unreachable peer. */
  send(to: NodeId, message: PeerMessage): void;
  close(): Promise<void>;
}
