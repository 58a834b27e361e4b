// Original file: proto/admin.proto

import type { Long } from '@grpc/proto-loader';

export interface Member {
  'id'?: (string);
  /**
   * The peer address from the cluster membership.
   */
  'address'?: (string);
  /**
   * leader | follower | candidate | pre-candidate (this node), or as last known for a peer; unknown if not known.
   */
  'role'?: (string);
  /**
   * alive | suspect | dead (phi-accrual suspicion; dead after a long silence), or unknown: the
   * answering node does not expect to hear from it (a follower from another follower) or has not
   * heard from it since it began to.
   */
  'state'?: (string);
  'phi'?: (number | string);
  /**
   * ms since this node last heard from it; -1 for the answering node itself.
   */
  'lastSeenAgoMs'?: (number | string);
  /**
   * ms since it entered its state; -1 for the answering node itself.
   */
  'stateSinceAgoMs'?: (number | string);
  /**
   * Incremented on every restart; 0 if not known yet.
   */
  'incarnation'?: (number | string | Long);
  'version'?: (string);
  'eventLoopDelayP99Ms'?: (number | string);
  'cpuPercent'?: (number | string);
  'rssBytes'?: (number | string | Long);
  'isSelf'?: (boolean);
}

export interface Member__Output {
  'id': (string);
  /**
   * The peer address from the cluster membership.
   */
  'address': (string);
  /**
   * leader | follower | candidate | pre-candidate (this node), or as last known for a peer; unknown if not known.
   */
  'role': (string);
  /**
   * alive | suspect | dead (phi-accrual suspicion; dead after a long silence), or unknown: the
   * answering node does not expect to hear from it (a follower from another follower) or has not
   * heard from it since it began to.
   */
  'state': (string);
  'phi': (number);
  /**
   * ms since this node last heard from it; -1 for the answering node itself.
   */
  'lastSeenAgoMs': (number);
  /**
   * ms since it entered its state; -1 for the answering node itself.
   */
  'stateSinceAgoMs': (number);
  /**
   * Incremented on every restart; 0 if not known yet.
   */
  'incarnation': (string);
  'version': (string);
  'eventLoopDelayP99Ms': (number);
  'cpuPercent': (number);
  'rssBytes': (string);
  'isSelf': (boolean);
}
