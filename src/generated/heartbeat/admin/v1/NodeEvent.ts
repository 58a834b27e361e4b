// Original file: proto/admin.proto

import type { Long } from '@grpc/proto-loader';

export interface NodeEvent {
  'node'?: (string);
  /**
   * Wall-clock time, for display only.
   */
  'wallTimeMs'?: (number | string);
  /**
   * role-changed | term-changed | leader-changed | election-started | election-won |
   * election-lost | stepped-down | vote-granted | lease-acquired | lease-lost | stall-detected
   */
  'type'?: (string);
  'term'?: (number | string | Long);
  /**
   * The event's own fields (from/to roles, leader id, reason...), as a JSON object.
   */
  'detailJson'?: (string);
}

export interface NodeEvent__Output {
  'node': (string);
  /**
   * Wall-clock time, for display only.
   */
  'wallTimeMs': (number);
  /**
   * role-changed | term-changed | leader-changed | election-started | election-won |
   * election-lost | stepped-down | vote-granted | lease-acquired | lease-lost | stall-detected
   */
  'type': (string);
  'term': (string);
  /**
   * The event's own fields (from/to roles, leader id, reason...), as a JSON object.
   */
  'detailJson': (string);
}
