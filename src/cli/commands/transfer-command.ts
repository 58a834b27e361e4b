import type { Command } from '../command.ts';
import { exitCodes } from '../../command-line/program.ts';
import { nodeId, stringFlag } from '../../command-line/flag.ts';
import { locateLeader } from '../../client/locate-leader.ts';
import { reportNodeFailure, reportNoLeader } from '../output.ts';

const toFlag = stringFlag({
  name: 'to',
  placeholder: '<id>',
  description: 'the node to hand leadership to (default: the most responsive follower)',
  parse: nodeId,
});

export const transferCommand: Command = {
  name: 'transfer',
  summary: 'hand leadership to a given node (or the most responsive follower)',
  synopsis: '[--to <id>]',
  description: ["Finds the leader (from every node's Status) and asks it to transfer leadership."],
  positionals: [],
  flags: [toFlag],
  runsUntilInterrupted: false,
  run: async (args, { io, withCluster }) => {
    const target = args.value(toFlag) ?? null;
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
