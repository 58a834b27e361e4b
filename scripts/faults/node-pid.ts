import type { AdminNode } from '../../src/client/admin-node.ts';
import { describeCallFailure } from '../../src/client/call-failure.ts';
import { isProcessAlive } from '../../src/cluster/process-alive.ts';

export type NodePidResult = { readonly ok: true; readonly value: number } | { readonly ok: false; readonly problem: string };

/**
 * The process of a node. Its own answer wins: it is the process actually serving its address, and
 * the launcher rewrites cluster.json without the pids of nodes it did not start itself. A paused
 * node cannot answer, so cluster.json's pid is the fallback, if that process exists.
 */
export async function findNodePid(node: AdminNode): Promise<NodePidResult> {
  const status = await node.client.status();
  if (status.ok && status.value.pid !== null) return { ok: true, value: status.value.pid };
  if (node.filePid !== null && isProcessAlive(node.filePid)) return { ok: true, value: node.filePid };
  const why = status.ok ? 'it does not report its pid' : describeCallFailure(status.failure);
  return { ok: false, problem: `${node.label} is not running: it does not answer (${why}) and cluster.json records no live process for it` };
}
