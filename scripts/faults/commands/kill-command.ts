import type { AdminNode } from '../../../src/client/admin-node.ts';
import { booleanFlag } from '../../../src/command-line/flag.ts';
import { exitCodes } from '../../../src/command-line/program.ts';
import type { FaultCluster } from '../fault-cluster.ts';
import { reportProblem, type FaultCommand } from '../fault-command.ts';
import { killProcess } from '../../../src/util/process-signals.ts';
import { launcherChildren } from '../launcher-children.ts';
import { findNodePid, leaderWord, resolveTarget, targetPositional } from '../resolve-target.ts';

const forceFlag = booleanFlag({ name: 'force', description: 'kill even the last node the launcher runs itself' });

export const killCommand: FaultCommand = {
  name: 'kill',
  summary: 'SIGKILL a node, or the leader',
  synopsis: `<node|${leaderWord}> [--force]`,
  description: [
    "Kills the node's process with SIGKILL and waits until it is gone. Its pid comes from the node",
    'itself, or from cluster.json if it does not answer (e.g. while paused).',
    '`leader` is the node the nodes agree leads (waiting up to 5 s while they do not).',
    'The launcher reports the exit of the nodes it started. Start the node again with `restart`.',
    'The launcher stops once every node it started itself has exited, and restarted nodes stop with',
    'it, so the last such node is only killed with --force (told apart on Linux, from /proc).',
  ],
  positionals: [targetPositional],
  flags: [forceFlag],
  run: async (args, { io, withCluster, paused }) =>
    withCluster(async (cluster) => {
      const target = await resolveTarget(cluster, args.positional(targetPositional), io);
      if (target === undefined) return exitCodes.failed;
      const pid = await findNodePid(target.node);
      if (!pid.ok) {
        reportProblem(io, pid.problem);
        return exitCodes.failed;
      }
      if (!args.value(forceFlag, false) && (await isLastLauncherNode(cluster, target.node, pid.value))) {
        reportProblem(
          io,
          `${target.node.name} is the last node the launcher (pid ${cluster.file.launcherPid}) runs itself: killing it stops the launcher, ` +
            'and every restarted node with it. Pass --force to kill it anyway.',
        );
        return exitCodes.failed;
      }
      paused.forget(pid.value);
      const killed = await killProcess(pid.value);
      if (!killed.ok) {
        reportProblem(io, `cannot kill ${target.node.name}: ${killed.problem}`);
        return exitCodes.failed;
      }
      const leader = target.leaderTerm === null ? '' : `, the leader in term ${target.leaderTerm}`;
      io.stdout(`killed ${target.node.name} (pid ${pid.value}${leader}) with SIGKILL`);
      return exitCodes.ok;
    }),
};

async function isLastLauncherNode(cluster: FaultCluster, target: AdminNode, targetPid: number): Promise<boolean> {
  const others = cluster.connection.nodes.filter((node) => node !== target);
  const otherPids = await Promise.all(others.map((node) => findNodePid(node)));
  const pids = new Map([[target.name, targetPid]]);
  others.forEach((node, index) => {
    const found = otherPids[index];
    if (found?.ok) pids.set(node.name, found.value);
  });
  const children = await launcherChildren(pids, cluster.file.launcherPid);
  return children !== null && children.size === 1 && children.has(target.name);
}
