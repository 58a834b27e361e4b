import type { AdminNode } from './admin-node.ts';
import type { CallFailure } from './call-failure.ts';
import type { ClusterClient } from './cluster-client.ts';
import { agreeOnLeader, claimOf } from './leader-agreement.ts';

export type LocateLeaderResult =
  | { readonly ok: true; readonly node: AdminNode; readonly term: number }
  | {
      readonly ok: false;
      readonly problem: string;
      /** The nodes that did not answer, which may explain the problem. */
      readonly failures: readonly { readonly node: AdminNode; readonly failure: CallFailure }[];
    };

/** Asks every node's Status and finds the node they agree leads (see `agreeOnLeader`). */
export async function locateLeader(cluster: ClusterClient): Promise<LocateLeaderResult> {
  const answers = await cluster.status();
  const claims = answers.flatMap(({ node, result }) => (result.ok ? [claimOf(node.name, result.value)] : []));
  const failures = answers.flatMap(({ node, result }) => (result.ok ? [] : [{ node, failure: result.failure }]));
  const agreement = agreeOnLeader(claims);
  if (!agreement.ok) return { ok: false, problem: agreement.problem, failures };
  // Every node that answered has its id learned by now, so no further lookups are needed.
  const node = cluster.nodes.find((candidate) => candidate.id === agreement.leaderId);
  if (node === undefined) {
    return { ok: false, problem: `the leader is ${agreement.leaderId}, which is not one of the known nodes (${cluster.names()})`, failures };
  }
  return { ok: true, node, term: agreement.term };
}
