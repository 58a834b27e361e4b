import type { AdminNode } from '../../src/client/admin-node.ts';
import { describeCallFailure } from '../../src/client/call-failure.ts';
import type { CliIo } from '../../src/command-line/program.ts';
import { nodeId, positional } from '../../src/command-line/flag.ts';
import { locateLeader, type LocateLeaderResult } from '../../src/client/locate-leader.ts';
import type { FaultCluster } from './fault-cluster.ts';
import { reportNodeFailure, reportProblem } from './fault-command.ts';
import { isProcessAlive } from '../../src/util/process-signals.ts';
import { setTimeout as delay } from 'node:timers/promises';

/** What `leader` stands for where a command takes `<node|leader>`. */
export const leaderWord = 'leader';

/**
 * The first positional of the commands that act on a node's process. Only its spelling is
 * checked: whether the node exists is known once the cluster file is read.
 */
export const targetPositional = positional(`node|${leaderWord}`, (text, source) => (text === leaderWord ? { ok: true, value: text } : nodeId(text, source)));

export interface Target {
  readonly node: AdminNode;
  /** The term it leads in when it was named as `leader`; null when named by id. */
  readonly leaderTerm: number | null;
}

/** The node a command line names, by id or as `leader`; says why when there is none. */
export async function resolveTarget(cluster: FaultCluster, name: string, io: CliIo): Promise<Target | undefined> {
  if (name === leaderWord) {
    const located = await locateLeaderSoon(cluster);
    if (located.ok) return { node: located.node, leaderTerm: located.term };
    for (const { node, failure } of located.failures) reportNodeFailure(io, node, failure);
    reportProblem(io, `cannot find the leader: ${located.problem}`);
    return undefined;
  }
  const node = cluster.admin(name);
  if (node === undefined) reportProblem(io, `no node ${name} among ${cluster.ids.join(', ')}`);
  return node === undefined ? undefined : { node, leaderTerm: null };
}

/** Long enough for an election in progress, or one a busy machine provoked, to end. */
const leaderWaitMs = 5_000;
const leaderRetryMs = 200;

/** Asks again while the nodes do not agree on a leader, up to `leaderWaitMs`. */
async function locateLeaderSoon(cluster: FaultCluster): Promise<LocateLeaderResult> {
  const deadline = performance.now() + leaderWaitMs;
  for (;;) {
    const located = await locateLeader(cluster.connection);
    if (located.ok || performance.now() > deadline) return located;
    await delay(leaderRetryMs);
  }
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
