import type { Command } from '../command.ts';
import { exitCodes } from '../../command-line/program.ts';
import { locateLeader } from '../../client/locate-leader.ts';
import { reportNodeFailure, reportNoLeader } from '../output.ts';

export const stepDownCommand: Command = {
  name: 'step-down',
  summary: 'make the leader hand leadership to its most responsive follower',
  synopsis: '',
  description: [
    "Finds the leader (from every node's Status) and asks it to step down. It hands leadership to its",
    'most responsive follower, or simply steps down if no follower is fit to take over.',
  ],
  positionals: [],
  flags: [],
  runsUntilInterrupted: false,
  run: (_args, { io, withCluster }) =>
    withCluster(async (cluster) => {
      const leader = await locateLeader(cluster);
      if (!leader.ok) {
        reportNoLeader(io, leader);
        return exitCodes.failed;
      }
      const result = await leader.node.client.stepDown();
      if (!result.ok) {
        reportNodeFailure(io, leader.node, result.failure);
        return exitCodes.failed;
      }
      const name = leader.node.name;
      io.stdout(result.value === null ? `${name} stepped down` : `${name} stepped down; leadership handed to ${result.value}`);
      return exitCodes.ok;
    }),
};
