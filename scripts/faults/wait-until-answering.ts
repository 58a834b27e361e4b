import type { AdminNode } from '../../src/client/admin-node.ts';
import type { NodeExit } from '../../src/harness/node-process.ts';
import { setTimeout as delay } from 'node:timers/promises';

export type WaitUntilAnsweringResult =
  { readonly ok: true; readonly afterMs: number } | { readonly ok: false; readonly reason: 'exited' | 'timeout' | 'interrupted'; readonly problem: string };

const pollMs = 200;

/** Polls a starting node's Status until it answers, it exits, time runs out or `signal` aborts. */
export async function waitUntilAnswering(
  node: AdminNode,
  exited: Promise<NodeExit>,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<WaitUntilAnsweringResult> {
  const startedAt = performance.now();
  // A holder, not a local: TypeScript cannot see the callback's write and would narrow a local to null.
  const seen: { exit: NodeExit | null } = { exit: null };
  void exited.then((value) => (seen.exit = value));
  for (;;) {
    if (signal.aborted) return { ok: false, reason: 'interrupted', problem: `stopped waiting for ${node.label} to answer` };
    if (seen.exit !== null) {
      const { code, signal: exitSignal } = seen.exit;
      return { ok: false, reason: 'exited', problem: `${node.name} exited (${code === null ? `signal ${exitSignal}` : `code ${code}`}) before answering` };
    }
    const status = await node.client.status();
    const afterMs = performance.now() - startedAt;
    if (status.ok) return { ok: true, afterMs };
    if (afterMs > timeoutMs) return { ok: false, reason: 'timeout', problem: `${node.label} does not answer ${Math.round(timeoutMs / 1000)} s after starting` };
    await delay(pollMs);
  }
}
