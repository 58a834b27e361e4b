import type { PartitionDirection } from '../../client/admin-client.ts';
import { type Command, findNamedNode } from '../command.ts';
import { faultsLine } from '../../client/describe-link-faults.ts';
import { exitCodes } from '../../command-line/program.ts';
import { choice, idList, nodeId, positional, stringFlag } from '../../command-line/flag.ts';
import { reportNodeFailure } from '../output.ts';

const directions: readonly PartitionDirection[] = ['inbound', 'outbound', 'both'];

const nodePositional = positional('node', nodeId);
const fromFlag = stringFlag({
  name: 'from',
  placeholder: '<id,...>',
  description: 'the peers to cut <node> off from',
  required: 'the peers to cut the node off from, e.g. --from n2,n3',
  parse: idList,
});
const directionFlag = stringFlag({
  name: 'direction',
  placeholder: '<inbound|outbound|both>',
  description: 'drop what <node> receives from them, what it sends them, or both',
  defaultText: 'both',
  parse: choice(directions),
});

export const partitionCommand: Command = {
  name: 'partition',
  summary: "cut a node's links to some peers",
  synopsis: '<node> --from <id,...> [--direction inbound|outbound|both]',
  description: ['Makes <node> drop the peer traffic it exchanges with the given peers, then prints its link faults.', 'Undo with `hbctl heal`.'],
  positionals: [nodePositional],
  flags: [fromFlag, directionFlag],
  runsUntilInterrupted: false,
  run: async (args, { io, withCluster }) =>
    withCluster(async (cluster) => {
      const node = await findNamedNode(cluster, args.positional(nodePositional), io);
      if (node === undefined) return exitCodes.failed;
      const result = await node.client.partition(args.value(fromFlag) ?? [], args.value(directionFlag, 'both'));
      if (!result.ok) {
        reportNodeFailure(io, node, result.failure);
        return exitCodes.failed;
      }
      io.stdout(faultsLine(node.name, result.value));
      return exitCodes.ok;
    }),
};
