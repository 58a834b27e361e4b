// Original file: proto/peer.proto

import type { Long } from '@grpc/proto-loader';

/**
 * What a node says about itself on heartbeats and acks, for failure detection and operators.
 */
export interface NodeMetadata {
  /**
   * Incremented on every start: a higher one means the node restarted.
   */
  'incarnation'?: (number | string | Long);
  'version'?: (string);
  /**
   * Load over the sender's last sampling interval.
   */
  'eventLoopDelayP99Ms'?: (number | string);
  'cpuPercent'?: (number | string);
  'rssBytes'?: (number | string | Long);
}

/**
 * What a node says about itself on heartbeats and acks, for failure detection and operators.
 */
export interface NodeMetadata__Output {
  /**
   * Incremented on every start: a higher one means the node restarted.
   */
  'incarnation': (string);
  'version': (string);
  /**
   * Load over the sender's last sampling interval.
   */
  'eventLoopDelayP99Ms': (number);
  'cpuPercent': (number);
  'rssBytes': (string);
}
