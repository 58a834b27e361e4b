// Original file: proto/peer.proto

import type { Long } from '@grpc/proto-loader';

/**
 * A follower's answer to a heartbeat. A term above the leader's tells it to step down.
 */
export interface HeartbeatAck {
  /**
   * The round of the heartbeat being acknowledged.
   */
  'round'?: (number | string | Long);
}

/**
 * A follower's answer to a heartbeat. A term above the leader's tells it to step down.
 */
export interface HeartbeatAck__Output {
  /**
   * The round of the heartbeat being acknowledged.
   */
  'round': (string);
}
