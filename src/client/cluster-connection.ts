import type { LeaderView, MembersView, NodeStatus } from './admin-responses.ts';
import { AdminNode } from './admin-node.ts';
import type { CallResult } from './call-failure.ts';
import type { AdminTarget } from './endpoints.ts';

/** One node's answer to a call made to every node. */
export interface NodeAnswer<T> {
  readonly node: AdminNode;
  readonly result: CallResult<T>;
}

/** A client per node of the cluster; close it when done so the process can exit. */
export class ClusterConnection {
  readonly nodes: readonly AdminNode[];

  constructor(targets: readonly AdminTarget[], timeoutMs: number) {
    this.nodes = targets.map((target) => new AdminNode(target, timeoutMs));
  }

  /** Every node's Status, asked in parallel, in the nodes' order. Nodes that answer have their ids learned. */
  async statusAll(): Promise<readonly NodeAnswer<NodeStatus>[]> {
    return Promise.all(
      this.nodes.map(async (node) => {
        const result = await node.client.status();
        if (result.ok) node.learnId(result.value.id);
        return { node, result };
      }),
    );
  }

  /** Every node's GetLeader, asked in parallel, in the nodes' order. */
  async getLeaderAll(): Promise<readonly NodeAnswer<LeaderView>[]> {
    return Promise.all(
      this.nodes.map(async (node) => {
        const result = await node.client.getLeader();
        if (result.ok) node.learnId(result.value.id);
        return { node, result };
      }),
    );
  }

  /** Every node's Members view, asked in parallel, in the nodes' order. */
  async membersAll(): Promise<readonly NodeAnswer<MembersView>[]> {
    return Promise.all(
      this.nodes.map(async (node) => {
        const result = await node.client.members();
        if (result.ok) node.learnId(result.value.id);
        return { node, result };
      }),
    );
  }

  /** The node with this id; asks every node its id first if some are not known yet (with --endpoints). */
  async findNode(id: string): Promise<AdminNode | undefined> {
    const known = this.nodes.find((node) => node.id === id);
    if (known !== undefined || this.nodes.every((node) => node.id !== null)) return known;
    await this.statusAll();
    return this.nodes.find((node) => node.id === id);
  }

  /** Ids where known, endpoints otherwise: for messages naming the nodes one could have meant. */
  names(): string {
    return this.nodes.map((node) => node.name).join(', ');
  }

  close(): void {
    for (const node of this.nodes) node.client.close();
  }
}
