/** Finding and signalling a node's process: failures to expect (gone, not ours) are values. */
import { isProcessAlive } from '../../src/cluster/process-alive.ts';
import type { AdminNode } from '../../src/client/admin-node.ts';
import { describeCallFailure } from '../../src/client/call-failure.ts';

export type SendSignalResult = { readonly ok: true } | { readonly ok: false; readonly problem: string };

/** `process.kill`, with the failures to expect (the process is gone, or not ours) as values. */
export function sendSignal(pid: number, signal: NodeJS.Signals): SendSignalResult {
  try {
    process.kill(pid, signal);
    return { ok: true };
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? error.code : undefined;
    if (code === 'ESRCH') return { ok: false, problem: `process ${pid} no longer exists` };
    if (code === 'EPERM') return { ok: false, problem: `not allowed to signal process ${pid}` };
    throw error;
  }
}

/** Long enough for the kernel and the parent's reaping of the dead process on a busy machine. */
const goneWithinMs = 5_000;

/** SIGKILL, then waits until the process is gone, so that its ports are free for a restart. */
export async function killProcess(pid: number): Promise<SendSignalResult> {
  const sent = sendSignal(pid, 'SIGKILL');
  if (!sent.ok) return sent;
  const deadline = performance.now() + goneWithinMs;
  while (isProcessAlive(pid)) {
    if (performance.now() > deadline) return { ok: false, problem: `process ${pid} still exists ${goneWithinMs / 1000} s after SIGKILL` };
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { ok: true };
}

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
