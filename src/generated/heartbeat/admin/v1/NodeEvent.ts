// Original file: proto/admin.proto

import type { RoleChanged as _heartbeat_admin_v1_RoleChanged, RoleChanged__Output as _heartbeat_admin_v1_RoleChanged__Output } from '../../../heartbeat/admin/v1/RoleChanged.ts';
import type { TermChanged as _heartbeat_admin_v1_TermChanged, TermChanged__Output as _heartbeat_admin_v1_TermChanged__Output } from '../../../heartbeat/admin/v1/TermChanged.ts';
import type { LeaderChanged as _heartbeat_admin_v1_LeaderChanged, LeaderChanged__Output as _heartbeat_admin_v1_LeaderChanged__Output } from '../../../heartbeat/admin/v1/LeaderChanged.ts';
import type { ElectionStarted as _heartbeat_admin_v1_ElectionStarted, ElectionStarted__Output as _heartbeat_admin_v1_ElectionStarted__Output } from '../../../heartbeat/admin/v1/ElectionStarted.ts';
import type { ElectionWon as _heartbeat_admin_v1_ElectionWon, ElectionWon__Output as _heartbeat_admin_v1_ElectionWon__Output } from '../../../heartbeat/admin/v1/ElectionWon.ts';
import type { ElectionLost as _heartbeat_admin_v1_ElectionLost, ElectionLost__Output as _heartbeat_admin_v1_ElectionLost__Output } from '../../../heartbeat/admin/v1/ElectionLost.ts';
import type { SteppedDown as _heartbeat_admin_v1_SteppedDown, SteppedDown__Output as _heartbeat_admin_v1_SteppedDown__Output } from '../../../heartbeat/admin/v1/SteppedDown.ts';
import type { VoteGranted as _heartbeat_admin_v1_VoteGranted, VoteGranted__Output as _heartbeat_admin_v1_VoteGranted__Output } from '../../../heartbeat/admin/v1/VoteGranted.ts';
import type { LeaseAcquired as _heartbeat_admin_v1_LeaseAcquired, LeaseAcquired__Output as _heartbeat_admin_v1_LeaseAcquired__Output } from '../../../heartbeat/admin/v1/LeaseAcquired.ts';
import type { LeaseLost as _heartbeat_admin_v1_LeaseLost, LeaseLost__Output as _heartbeat_admin_v1_LeaseLost__Output } from '../../../heartbeat/admin/v1/LeaseLost.ts';
import type { SafetyAlarm as _heartbeat_admin_v1_SafetyAlarm, SafetyAlarm__Output as _heartbeat_admin_v1_SafetyAlarm__Output } from '../../../heartbeat/admin/v1/SafetyAlarm.ts';
import type { StallDetected as _heartbeat_admin_v1_StallDetected, StallDetected__Output as _heartbeat_admin_v1_StallDetected__Output } from '../../../heartbeat/admin/v1/StallDetected.ts';
import type { Long } from '@grpc/proto-loader';

export interface NodeEvent {
  'node'?: (string);
  /**
   * Wall-clock time, for display only.
   */
  'wallTimeMs'?: (number | string);
  /**
   * role-changed | term-changed | leader-changed | election-started | election-won |
   * election-lost | stepped-down | vote-granted | lease-acquired | lease-lost | safety-alarm |
   * stall-detected: the member of `detail` that is set, so that a client can name a type newer
   * than itself.
   */
  'type'?: (string);
  'term'?: (number | string | Long);
  'roleChanged'?: (_heartbeat_admin_v1_RoleChanged | null);
  'termChanged'?: (_heartbeat_admin_v1_TermChanged | null);
  'leaderChanged'?: (_heartbeat_admin_v1_LeaderChanged | null);
  'electionStarted'?: (_heartbeat_admin_v1_ElectionStarted | null);
  'electionWon'?: (_heartbeat_admin_v1_ElectionWon | null);
  'electionLost'?: (_heartbeat_admin_v1_ElectionLost | null);
  'steppedDown'?: (_heartbeat_admin_v1_SteppedDown | null);
  'voteGranted'?: (_heartbeat_admin_v1_VoteGranted | null);
  'leaseAcquired'?: (_heartbeat_admin_v1_LeaseAcquired | null);
  'leaseLost'?: (_heartbeat_admin_v1_LeaseLost | null);
  'safetyAlarm'?: (_heartbeat_admin_v1_SafetyAlarm | null);
  'stallDetected'?: (_heartbeat_admin_v1_StallDetected | null);
  /**
   * The event's own fields, one message per type (src/core/core-event.ts).
   */
  'detail'?: "roleChanged"|"termChanged"|"leaderChanged"|"electionStarted"|"electionWon"|"electionLost"|"steppedDown"|"voteGranted"|"leaseAcquired"|"leaseLost"|"safetyAlarm"|"stallDetected";
}

export interface NodeEvent__Output {
  'node': (string);
  /**
   * Wall-clock time, for display only.
   */
  'wallTimeMs': (number);
  /**
   * role-changed | term-changed | leader-changed | election-started | election-won |
   * election-lost | stepped-down | vote-granted | lease-acquired | lease-lost | safety-alarm |
   * stall-detected: the member of `detail` that is set, so that a client can name a type newer
   * than itself.
   */
  'type': (string);
  'term': (string);
  'roleChanged'?: (_heartbeat_admin_v1_RoleChanged__Output | null);
  'termChanged'?: (_heartbeat_admin_v1_TermChanged__Output | null);
  'leaderChanged'?: (_heartbeat_admin_v1_LeaderChanged__Output | null);
  'electionStarted'?: (_heartbeat_admin_v1_ElectionStarted__Output | null);
  'electionWon'?: (_heartbeat_admin_v1_ElectionWon__Output | null);
  'electionLost'?: (_heartbeat_admin_v1_ElectionLost__Output | null);
  'steppedDown'?: (_heartbeat_admin_v1_SteppedDown__Output | null);
  'voteGranted'?: (_heartbeat_admin_v1_VoteGranted__Output | null);
  'leaseAcquired'?: (_heartbeat_admin_v1_LeaseAcquired__Output | null);
  'leaseLost'?: (_heartbeat_admin_v1_LeaseLost__Output | null);
  'safetyAlarm'?: (_heartbeat_admin_v1_SafetyAlarm__Output | null);
  'stallDetected'?: (_heartbeat_admin_v1_StallDetected__Output | null);
  /**
   * The event's own fields, one message per type (src/core/core-event.ts).
   */
  'detail'?: "roleChanged"|"termChanged"|"leaderChanged"|"electionStarted"|"electionWon"|"electionLost"|"steppedDown"|"voteGranted"|"leaseAcquired"|"leaseLost"|"safetyAlarm"|"stallDetected";
}
