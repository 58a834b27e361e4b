import type { AdminNode } from '../../src/client/admin-node.ts';
import type { LinkFault } from '../../src/client/admin-responses.ts';
import type { CallResult } from '../../src/client/call-failure.ts';
import type { FaultCluster } from './fault-cluster.ts';
import type { PartitionPlan } from '../../src/nemesis/partition-shapes.ts';

/** One node's answer to a Partition or Heal: the faults now on its links. */
export interface LinkFaultsOutcome {
  readonly node: AdminNode;
  readonly result: CallResult<readonly LinkFault[]>;
}

/** Cuts each node's links as planned, all nodes at once. Cuts add to those already in place. */
export async function applyPartition(cluster: FaultCluster, plan: PartitionPlan, skip: ReadonlySet<string> = new Set()): Promise<LinkFaultsOutcome[]> {
  const cuts = plan.cuts.filter((cut) => !skip.has(cut.node));
  return Promise.all(
    cuts.map(async (cut) => {
      const node = adminOf(cluster, cut.node);
      return { node, result: await node.client.partition(cut.peers, cut.direction) };
    }),
  );
}

/** Removes every cut and delay on the links of these nodes, all at once. */
export async function healLinks(cluster: FaultCluster, ids: readonly string[]): Promise<LinkFaultsOutcome[]> {
  return Promise.all(
    ids.map(async (id) => {
      const node = adminOf(cluster, id);
      return { node, result: await node.client.heal([]) };
    }),
  );
}

function adminOf(cluster: FaultCluster, id: string): AdminNode {
  const node = cluster.admin(id);
  if (node === undefined) throw new Error(`link-faults: ${id} is planned but not in the cluster file`);
  return node;
}
