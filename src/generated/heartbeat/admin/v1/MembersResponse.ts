// Original file: proto/admin.proto

import type { Member as _heartbeat_admin_v1_Member, Member__Output as _heartbeat_admin_v1_Member__Output } from '../../../heartbeat/admin/v1/Member.ts';

export interface MembersResponse {
  /**
   * The answering node.
   */
  'id'?: (string);
  'members'?: (_heartbeat_admin_v1_Member)[];
}

export interface MembersResponse__Output {
  /**
   * The answering node.
   */
  'id': (string);
  'members': (_heartbeat_admin_v1_Member__Output)[];
}
