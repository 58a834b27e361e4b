// Original file: proto/admin.proto

import type { PeerStatus as _heartbeat_admin_v1_PeerStatus, PeerStatus__Output as _heartbeat_admin_v1_PeerStatus__Output } from '../../../heartbeat/admin/v1/PeerStatus.ts';
import type { Timing as _heartbeat_admin_v1_Timing, Timing__Output as _heartbeat_admin_v1_Timing__Output } from '../../../heartbeat/admin/v1/Timing.ts';
import type { LinkFaults as _heartbeat_admin_v1_LinkFaults, LinkFaults__Output as _heartbeat_admin_v1_LinkFaults__Output } from '../../../heartbeat/admin/v1/LinkFaults.ts';
import type { Long } from '@grpc/proto-loader';

export interface StatusResponse {
  'id'?: (string);
  'clusterId'?: (string);
  /**
   * follower | pre-candidate | candidate | leader
   */
  'role'?: (string);
  'term'?: (number | string | Long);
  /**
   * Empty when no leader is known.
   */
  'leaderId'?: (string);
  'votedFor'?: (string);
  'pid'?: (number);
  'uptimeMs'?: (number | string);
  'version'?: (string);
  'dataDir'?: (string);
  /**
   * On a follower: ms since it last heard from the leader; -1 if unknown.
   */
  'leaderHeardAgoMs'?: (number | string);
  'peers'?: (_heartbeat_admin_v1_PeerStatus)[];
  'timing'?: (_heartbeat_admin_v1_Timing | null);
  'holdsLease'?: (boolean);
  'leaseRemainingMs'?: (number | string);
  /**
   * True while a (re)started node still refuses to vote.
   */
  'inStartupWait'?: (boolean);
  'faults'?: (_heartbeat_admin_v1_LinkFaults)[];
  'incarnation'?: (number | string | Long);
  'peerAddress'?: (string);
  'adminAddress'?: (string);
}

export interface StatusResponse__Output {
  'id': (string);
  'clusterId': (string);
  /**
   * follower | pre-candidate | candidate | leader
   */
  'role': (string);
  'term': (string);
  /**
   * Empty when no leader is known.
   */
  'leaderId': (string);
  'votedFor': (string);
  'pid': (number);
  'uptimeMs': (number);
  'version': (string);
  'dataDir': (string);
  /**
   * On a follower: ms since it last heard from the leader; -1 if unknown.
   */
  'leaderHeardAgoMs': (number);
  'peers': (_heartbeat_admin_v1_PeerStatus__Output)[];
  'timing': (_heartbeat_admin_v1_Timing__Output | null);
  'holdsLease': (boolean);
  'leaseRemainingMs': (number);
  /**
   * True while a (re)started node still refuses to vote.
   */
  'inStartupWait': (boolean);
  'faults': (_heartbeat_admin_v1_LinkFaults__Output)[];
  'incarnation': (string);
  'peerAddress': (string);
  'adminAddress': (string);
}
