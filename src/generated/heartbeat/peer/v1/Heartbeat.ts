// Original file: proto/peer.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Sent by the leader to every peer once per heartbeat round.
 */
export interface Heartbeat {
  /**
   * Increases by one per round; acks name it so the leader knows when the round started.
   */
  'round'?: (number | string | Long);
}

/**
 * Sent by the leader to every peer once per heartbeat round.
 */
export interface Heartbeat__Output {
  /**
   * Increases by one per round; acks name it so the leader knows when the round started.
   */
  'round': (string);
}
