// Original file: proto/admin.proto

import type { Long } from '@grpc/proto-loader';

export interface GetLeaderResponse {
  'id'?: (string);
  /**
   * Empty when no leader is known.
   */
  'leaderId'?: (string);
  'term'?: (number | string | Long);
  /**
   * True only on the node that holds a valid lease right now.
   */
  'holdsLease'?: (boolean);
  'leaseRemainingMs'?: (number | string);
  /**
   * False on every node but the lease holder: a follower reports what it last heard.
   */
  'authoritative'?: (boolean);
  /**
   * On a follower: ms since it last heard from the leader; -1 if unknown.
   */
  'leaderHeardAgoMs'?: (number | string);
}

export interface GetLeaderResponse__Output {
  'id': (string);
  /**
   * Empty when no leader is known.
   */
  'leaderId': (string);
  'term': (string);
  /**
   * True only on the node that holds a valid lease right now.
   */
  'holdsLease': (boolean);
  'leaseRemainingMs': (number);
  /**
   * False on every node but the lease holder: a follower reports what it last heard.
   */
  'authoritative': (boolean);
  /**
   * On a follower: ms since it last heard from the leader; -1 if unknown.
   */
  'leaderHeardAgoMs': (number);
}
