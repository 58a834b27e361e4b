import type { AdminNode } from '../../client/admin-node.ts';
import type { Command } from '../command.ts';
import { faultsLine } from '../../client/describe-link-faults.ts';
import { exitCodes } from '../../command-line/exit-codes.ts';
import { findNamedNode } from '../find-named-node.ts';
import { parseIdList, parseNodeId } from '../../command-line/flag-values.ts';
import { reportNodeFailure } from '../report.ts';

export const healCommand: Command = {
  name: 'heal',
  summary: 'remove link faults (partitions and delays) from one node or all',
  synopsis: '[<node>] [--peers <id,...>]',
  description: [
    'Removes the faults on the links of <node>, or of every node when no node is given, then prints',
    'the faults left on each. Exits 1 if any node could not be healed.',
  ],
  positionals: [{ name: 'node', optional: true }],
  flags: [{ name: 'peers', type: 'string', placeholder: '<id,...>', description: 'heal only the links to these peers (default: every link)' }],
  runsUntilInterrupted: false,
  run: async (args, { io, usageError, withCluster }) => {
    const nodeText = args.positionals[0];
    const nodeId = nodeText === undefined ? undefined : parseNodeId(nodeText, '<node>');
    if (nodeId !== undefined && !nodeId.ok) return usageError(nodeId.problem);
    const peersText = args.strings.get('peers');
    const peers = peersText === undefined ? undefined : parseIdList(peersText, '--peers');
    if (peers !== undefined && !peers.ok) return usageError(peers.problem);
    const links = peers?.value ?? [];

    return withCluster(async (cluster) => {
      let nodes: readonly AdminNode[] = cluster.nodes;
      if (nodeId !== undefined) {
        const node = await findNamedNode(cluster, nodeId.value, io);
        if (node === undefined) return exitCodes.failed;
        nodes = [node];
      }
      const results = await Promise.all(nodes.map(async (node) => ({ node, result: await node.client.heal(links) })));
      for (const { node, result } of results) {
        if (result.ok) io.stdout(faultsLine(node.name, result.value));
        else reportNodeFailure(io, node, result.failure);
      }
      return results.every(({ result }) => result.ok) ? exitCodes.ok : exitCodes.failed;
    });
  },
};
