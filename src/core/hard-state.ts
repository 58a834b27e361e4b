import type { NodeId } from './ids.ts';

/**
 * What a node must never forget across a crash: the latest term it has seen and whom it voted
 * for in that term. Written (synced) before any message that depends on it leaves the node.
 */
export interface HardState {
  readonly term: number;
  readonly votedFor: NodeId | null;
}

export const initialHardState: HardState = { term: 0, votedFor: null };
