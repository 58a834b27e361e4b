// Original file: proto/admin.proto

import type { LinkFaults as _heartbeat_admin_v1_LinkFaults, LinkFaults__Output as _heartbeat_admin_v1_LinkFaults__Output } from '../../../heartbeat/admin/v1/LinkFaults.ts';

export interface FaultsResponse {
  'faults'?: (_heartbeat_admin_v1_LinkFaults)[];
}

export interface FaultsResponse__Output {
  'faults': (_heartbeat_admin_v1_LinkFaults__Output)[];
}
