import type { Command } from '../command.ts';
import { exitCodes } from '../../command-line/program.ts';
import { agreeOnLeader, claimOf } from '../../client/leader-agreement.ts';
import { reportNodeFailure, reportProblem } from '../output.ts';

export const leaderCommand: Command = {
  name: 'leader',
  summary: 'the id of the current leader',
  synopsis: '',
  description: [
    'Asks every node for its Status and prints the id of the leader that the nodes in the highest term',
    'agree on. Exits 1, saying why on stderr, if there is no leader or the nodes disagree.',
  ],
  positionals: [],
  flags: [],
  runsUntilInterrupted: false,
  run: (_args, { io, withCluster }) =>
    withCluster(async (cluster) => {
      const answers = await cluster.status();
      const agreement = agreeOnLeader(answers.flatMap(({ node, result }) => (result.ok ? [claimOf(node.name, result.value)] : [])));
      if (agreement.ok) {
        io.stdout(agreement.leaderId);
        return exitCodes.ok;
      }
      for (const { node, result } of answers) if (!result.ok) reportNodeFailure(io, node, result.failure);
      reportProblem(io, agreement.problem);
      return exitCodes.failed;
    }),
};
