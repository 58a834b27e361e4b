import type { Command } from '../command.ts';
import { exitCodes } from '../../command-line/exit-codes.ts';
import { parseNodeId } from '../../command-line/flag-values.ts';
import { locateLeader } from '../../client/locate-leader.ts';
import { reportNodeFailure, reportNoLeader } from '../report.ts';

export const transferCommand: Command = {
  name: 'transfer',
  summary: 'hand leadership to a given node (or the most responsive follower)',
  synopsis: '[--to <id>]',
  description: ["Finds the leader (from every node's Status) and asks it to transfer leadership."],
  positionals: [],
  flags: [{ name: 'to', type: 'string', placeholder: '<id>', description: 'the node to hand leadership to (default: the most responsive follower)' }],
  runsUntilInterrupted: false,
  run: async (args, { io, usageError, withCluster }) => {
    const toText = args.strings.get('to');
    const to = toText === undefined ? undefined : parseNodeId(toText, '--to');
    if (to !== undefined && !to.ok) return usageError(to.problem);
    const target = to?.value ?? null;
    return withCluster(async (cluster) => {
      const leader = await locateLeader(cluster);
      if (!leader.ok) {
        reportNoLeader(io, leader);
        return exitCodes.failed;
      }
      const name = leader.node.name;
      if (target === name) {
        io.stdout(`${name} is already the leader`);
        return exitCodes.ok;
      }
      const result = await leader.node.client.transferLeadership(target);
      if (!result.ok) {
        reportNodeFailure(io, leader.node, result.failure);
        return exitCodes.failed;
      }
      io.stdout(result.value === null ? `${name} stepped down without handing leadership over` : `${name} handed leadership to ${result.value}`);
      return exitCodes.ok;
    });
  },
};
