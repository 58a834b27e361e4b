import type { AdminNode } from '../client/admin-node.ts';
import type { CliIo } from '../command-line/program.ts';
import type { ClusterClient } from '../client/cluster-client.ts';
import { reportProblem } from './report.ts';

/** The node a command line names by id; says which nodes there are if none has that id. */
export async function findNamedNode(cluster: ClusterClient, id: string, io: CliIo): Promise<AdminNode | undefined> {
  const node = await cluster.findNode(id);
  if (node === undefined) reportProblem(io, `no node ${id} among ${cluster.names()}`);
  return node;
}
