import { exitCodes } from '../../../src/command-line/program.ts';
import { positional, wholeNumber } from '../../../src/command-line/flag.ts';
import { reportProblem, type FaultCommand } from '../fault-command.ts';
import { findNodePid, leaderWord, resolveTarget, targetPositional } from '../resolve-target.ts';
import { setTimeout as delay } from 'node:timers/promises';

const maxPauseMs = 3_600_000;
const msPositional = positional('ms', wholeNumber(1, maxPauseMs));

export const pauseCommand: FaultCommand = {
  name: 'pause',
  summary: 'freeze a node, or the leader, for a while (SIGSTOP, then SIGCONT)',
  synopsis: `<node|${leaderWord}> <ms>`,
  description: [
    "Stops the node's process with SIGSTOP, waits <ms>, then continues it with SIGCONT, as a long",
    'garbage-collection pause or a frozen VM would. A paused leader comes back still believing it',
    'leads, until it hears of a newer term or finds it has lost its majority. `leader` is the node',
    'the nodes agree leads (waiting up to 5 s while they do not).',
    'Ctrl-C continues the node at once. Should this script be killed outright, continue the node',
    'with `kill -CONT <pid>` (the pid is printed).',
  ],
  positionals: [targetPositional, msPositional],
  flags: [],
  run: async (args, { io, withCluster, paused, signal }) => {
    const ms = args.positional(msPositional);
    return withCluster(async (cluster) => {
      const target = await resolveTarget(cluster, args.positional(targetPositional), io);
      if (target === undefined) return exitCodes.failed;
      const node = target.node.name;
      const pid = await findNodePid(target.node);
      if (!pid.ok) {
        reportProblem(io, pid.problem);
        return exitCodes.failed;
      }
      const stopped = paused.pause(pid.value);
      if (!stopped.ok) {
        reportProblem(io, `cannot pause ${node}: ${stopped.problem}`);
        return exitCodes.failed;
      }
      const leader = target.leaderTerm === null ? '' : `, the leader in term ${target.leaderTerm}`;
      io.stdout(`paused ${node} (pid ${pid.value}${leader}) with SIGSTOP for ${ms} ms (Ctrl-C resumes it now)`);
      const startedAt = performance.now();
      const fullPause = await delay(Math.max(0, ms), true, { signal }).catch(() => false);
      const resumed = paused.resume(pid.value);
      const after = `${((performance.now() - startedAt) / 1000).toFixed(3)} s`;
      if (!resumed.ok) {
        reportProblem(io, `cannot resume ${node}: ${resumed.problem}`);
        return exitCodes.failed;
      }
      io.stdout(`resumed ${node} (pid ${pid.value}) with SIGCONT ${fullPause ? `after ${after}` : `early, after ${after}: interrupted`}`);
      return fullPause ? exitCodes.ok : exitCodes.interrupted;
    });
  },
};
