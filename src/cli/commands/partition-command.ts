import type { PartitionDirection } from '../../client/admin-client.ts';
import type { Command } from '../command.ts';
import { faultsLine } from '../../client/describe-link-faults.ts';
import { exitCodes } from '../../command-line/exit-codes.ts';
import { findNamedNode } from '../find-named-node.ts';
import { parseIdList, parseNodeId } from '../../command-line/flag-values.ts';
import { reportNodeFailure } from '../report.ts';

const directions: readonly PartitionDirection[] = ['inbound', 'outbound', 'both'];

export const partitionCommand: Command = {
  name: 'partition',
  summary: "cut a node's links to some peers",
  synopsis: '<node> --from <id,...> [--direction inbound|outbound|both]',
  description: ['Makes <node> drop the peer traffic it exchanges with the given peers, then prints its link faults.', 'Undo with `hbctl heal`.'],
  positionals: [{ name: 'node', optional: false }],
  flags: [
    { name: 'from', type: 'string', placeholder: '<id,...>', description: 'the peers to cut <node> off from (required)' },
    {
      name: 'direction',
      type: 'string',
      placeholder: '<inbound|outbound|both>',
      description: 'drop what <node> receives from them, what it sends them, or both (default both)',
    },
  ],
  runsUntilInterrupted: false,
  run: async (args, { io, usageError, withCluster }) => {
    const nodeId = parseNodeId(args.positionals[0] ?? '', '<node>');
    if (!nodeId.ok) return usageError(nodeId.problem);
    const fromText = args.strings.get('from');
    if (fromText === undefined) return usageError('--from is required: the peers to cut the node off from, e.g. --from n2,n3');
    const peers = parseIdList(fromText, '--from');
    if (!peers.ok) return usageError(peers.problem);
    const directionText = args.strings.get('direction') ?? 'both';
    const direction = directions.find((candidate) => candidate === directionText);
    if (direction === undefined) return usageError(`--direction must be one of ${directions.join(', ')} (got ${JSON.stringify(directionText)})`);

    return withCluster(async (cluster) => {
      const node = await findNamedNode(cluster, nodeId.value, io);
      if (node === undefined) return exitCodes.failed;
      const result = await node.client.partition(peers.value, direction);
      if (!result.ok) {
        reportNodeFailure(io, node, result.failure);
        return exitCodes.failed;
      }
      io.stdout(faultsLine(node.name, result.value));
      return exitCodes.ok;
    });
  },
};
