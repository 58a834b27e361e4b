import { faultsLine } from '../../../src/client/describe-link-faults.ts';
import { exitCodes } from '../../../src/command-line/program.ts';
import { reportNodeFailure, reportProblem, type FaultCommand } from '../fault-command.ts';
import { healLinks } from '../link-faults.ts';
import { healKernelCuts } from '../net-faults.ts';

export const healCommand: FaultCommand = {
  name: 'heal',
  summary: 'remove every cut and delay on every node',
  synopsis: '',
  description: [
    'Calls Heal on every node, which removes all the faults on its links (cuts and delays alike).',
    "With --net it removes the kernel rules in the nodes' network namespaces instead.",
  ],
  positionals: [],
  flags: [],
  run: async (_args, { io, withCluster, net }) =>
    withCluster(async (cluster) => {
      if (net !== null) return healKernelCuts(cluster, io);
      const outcomes = await healLinks(cluster, cluster.ids);
      const failed = outcomes.filter(({ result }) => !result.ok).map(({ node }) => node.name);
      for (const { node, result } of outcomes) if (!result.ok) reportNodeFailure(io, node, result.failure);
      if (failed.length === 0) io.stdout(`healed every link of ${cluster.ids.join(', ')}`);
      else reportProblem(io, `could not heal ${failed.join(', ')}`);
      for (const { node, result } of outcomes) if (result.ok) io.stdout(`  ${faultsLine(node.name, result.value)}`);
      return failed.length === 0 ? exitCodes.ok : exitCodes.failed;
    }),
};
