import type { AdminNode } from '../../client/admin-node.ts';
import { type Command, findNamedNode } from '../command.ts';
import { faultsLine } from '../../client/describe-link-faults.ts';
import { exitCodes } from '../../command-line/program.ts';
import { idList, nodeId, optionalPositional, stringFlag } from '../../command-line/flag.ts';
import { reportNodeFailure } from '../output.ts';

const nodePositional = optionalPositional('node', nodeId);
const peersFlag = stringFlag({
  name: 'peers',
  placeholder: '<id,...>',
  description: 'heal only the links to these peers (default: every link)',
  parse: idList,
});

export const healCommand: Command = {
  name: 'heal',
  summary: 'remove link faults (partitions and delays) from one node or all',
  synopsis: '[<node>] [--peers <id,...>]',
  description: [
    'Removes the faults on the links of <node>, or of every node when no node is given, then prints',
    'the faults left on each. Exits 1 if any node could not be healed.',
  ],
  positionals: [nodePositional],
  flags: [peersFlag],
  runsUntilInterrupted: false,
  run: async (args, { io, withCluster }) => {
    const nodeName = args.positional(nodePositional);
    const links = args.value(peersFlag, []);

    return withCluster(async (cluster) => {
      let nodes: readonly AdminNode[] = cluster.nodes;
      if (nodeName !== undefined) {
        const node = await findNamedNode(cluster, nodeName, io);
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
