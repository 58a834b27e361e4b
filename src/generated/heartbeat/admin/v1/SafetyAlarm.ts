// Original file: proto/admin.proto

import type { SecondLeader as _heartbeat_admin_v1_SecondLeader, SecondLeader__Output as _heartbeat_admin_v1_SecondLeader__Output } from '../../../heartbeat/admin/v1/SecondLeader.ts';
import type { TimeoutNowRefused as _heartbeat_admin_v1_TimeoutNowRefused, TimeoutNowRefused__Output as _heartbeat_admin_v1_TimeoutNowRefused__Output } from '../../../heartbeat/admin/v1/TimeoutNowRefused.ts';
import type { TermJumpRefused as _heartbeat_admin_v1_TermJumpRefused, TermJumpRefused__Output as _heartbeat_admin_v1_TermJumpRefused__Output } from '../../../heartbeat/admin/v1/TermJumpRefused.ts';
import type { TermExhausted as _heartbeat_admin_v1_TermExhausted, TermExhausted__Output as _heartbeat_admin_v1_TermExhausted__Output } from '../../../heartbeat/admin/v1/TermExhausted.ts';

/**
 * Something a correct cluster never does, refused instead of obeyed.
 */
export interface SafetyAlarm {
  /**
   * A heartbeat from `from` in a term that `leader_id` (perhaps this node) already leads.
   */
  'secondLeader'?: (_heartbeat_admin_v1_SecondLeader | null);
  /**
   * A TimeoutNow from a node not known to lead its term.
   */
  'timeoutNowRefused'?: (_heartbeat_admin_v1_TimeoutNowRefused | null);
  /**
   * A term too far above ours that too few peers vouch for.
   */
  'termJumpRefused'?: (_heartbeat_admin_v1_TermJumpRefused | null);
  /**
   * This node's term has reached the highest term: it cannot campaign again.
   */
  'termExhausted'?: (_heartbeat_admin_v1_TermExhausted | null);
  'kind'?: "secondLeader"|"timeoutNowRefused"|"termJumpRefused"|"termExhausted";
}

/**
 * Something a correct cluster never does, refused instead of obeyed.
 */
export interface SafetyAlarm__Output {
  /**
   * A heartbeat from `from` in a term that `leader_id` (perhaps this node) already leads.
   */
  'secondLeader'?: (_heartbeat_admin_v1_SecondLeader__Output | null);
  /**
   * A TimeoutNow from a node not known to lead its term.
   */
  'timeoutNowRefused'?: (_heartbeat_admin_v1_TimeoutNowRefused__Output | null);
  /**
   * A term too far above ours that too few peers vouch for.
   */
  'termJumpRefused'?: (_heartbeat_admin_v1_TermJumpRefused__Output | null);
  /**
   * This node's term has reached the highest term: it cannot campaign again.
   */
  'termExhausted'?: (_heartbeat_admin_v1_TermExhausted__Output | null);
  'kind'?: "secondLeader"|"timeoutNowRefused"|"termJumpRefused"|"termExhausted";
}
