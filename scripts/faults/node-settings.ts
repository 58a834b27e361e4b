import { AdminClient } from '../../src/client/admin-client.ts';
import type { NodeStatus, NodeTiming } from '../../src/client/admin-responses.ts';
import type { CallResult } from '../../src/client/call-failure.ts';
import type { ClientTlsMaterial } from '../../src/tls/tls-channel.ts';

export type { NodeTiming };

/**
 * The settings a running node was started with, from its Status: timing, addresses, data dir.
 * Restarting a node copies the timing from a running peer, since cluster.json does not record it.
 */
export type NodeSettings = Pick<NodeStatus, 'id' | 'clusterId' | 'pid' | 'peerAddress' | 'adminAddress' | 'dataDir'> & { readonly timing: NodeTiming };

export async function readNodeSettings(adminAddress: string, timeoutMs: number, tls: ClientTlsMaterial | null = null): Promise<CallResult<NodeSettings>> {
  const client = new AdminClient(adminAddress, timeoutMs, tls);
  try {
    const answer = await client.status();
    if (!answer.ok) return answer;
    const { timing, ...status } = answer.value;
    const complete = timing !== null && [status.id, status.clusterId, status.peerAddress, status.adminAddress, status.dataDir].every((text) => text !== '');
    return complete
      ? { ok: true, value: { ...status, timing } }
      : { ok: false, failure: { kind: 'invalid-response', problem: 'Status: the id, addresses, data dir or timing are missing' } };
  } finally {
    client.close();
  }
}
