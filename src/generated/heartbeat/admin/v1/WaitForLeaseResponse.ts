// Original file: proto/admin.proto

import type { Long } from '@grpc/proto-loader';

export interface WaitForLeaseResponse {
  /**
   * The fencing token: the holder's id and term. Terms strictly increase across lease holders.
   */
  'leaderId'?: (string);
  'term'?: (number | string | Long);
  /**
   * How long the lease lasts from the moment this answer was made, on the node's clock. No other
   * node holds the lease before that, hand-offs included.
   */
  'validForMs'?: (number | string);
}

export interface WaitForLeaseResponse__Output {
  /**
   * The fencing token: the holder's id and term. Terms strictly increase across lease holders.
   */
  'leaderId': (string);
  'term': (string);
  /**
   * How long the lease lasts from the moment this answer was made, on the node's clock. No other
   * node holds the lease before that, hand-offs included.
   */
  'validForMs': (number);
}
