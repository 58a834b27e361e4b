import { describeCallFailure } from '../../../src/client/call-failure.ts';
import { exitCodes } from '../../../src/command-line/program.ts';
import { planChaos } from '../chaos-schedule.ts';
import { launcherChildren } from '../launcher-children.ts';
import { msFlag, readSeed, reportProblem, seedFlag, type FaultCommand } from '../fault-command.ts';
import { completeRestartSettings, readRestartSettingsFlags, restartSettingsFlags } from '../restart-settings.ts';
import { runChaos } from '../run-chaos.ts';

const defaults = { durationMs: 30_000, intervalMs: 2_000, recoverTimeoutMs: 30_000 } as const;

const durationFlag = msFlag('duration-ms', 'how long to inject faults', defaults.durationMs);
const intervalFlag = msFlag('interval-ms', 'mean time between faults, at least 100', defaults.intervalMs, 100);
const recoverTimeoutFlag = msFlag('recover-timeout-ms', 'how long the nodes get to agree on a leader at the end', defaults.recoverTimeoutMs);

export const chaosCommand: FaultCommand = {
  name: 'chaos',
  summary: 'a random mix of every fault for a while, then recovery and a summary',
  synopsis: '[--duration-ms <ms>] [--seed <n>] [--interval-ms <ms>]',
  description: [
    'Injects a fault about every --interval-ms (each gap 0.5 to 1.5 times it): partitions of every',
    'shape (isolate, halves, bridge, majorities-ring, one-way; each replaces the one before), heal,',
    'kill (restarted 1 to 3 intervals later) and pause (0.1 to 2 intervals). At most a minority of',
    'the nodes is down at once (a restarted node counts as down for one more interval), and one of',
    'the nodes the launcher runs itself is never killed, as the launcher stops once all of them have',
    'exited. The faults come in the same order for the same seed, flags and cluster; only their',
    'timing varies. Prints a line per fault and, polling every node about every 100 ms, a line per',
    'change of leader. At the end (or on Ctrl-C) it resumes, restarts and heals every node, waits',
    'for them all to agree on a leader and prints a summary. Exits 1 if they do not agree in time.',
    'Restarted nodes get the timing read from a node at the start (see `restart --help`).',
  ],
  positionals: [],
  flags: [durationFlag, seedFlag, intervalFlag, recoverTimeoutFlag, ...restartSettingsFlags],
  run: async (args, { io, withCluster, signal, paused }) => {
    const durationMs = args.value(durationFlag, defaults.durationMs);
    const intervalMs = args.value(intervalFlag, defaults.intervalMs);
    const recoverTimeoutMs = args.value(recoverTimeoutFlag, defaults.recoverTimeoutMs);
    const seed = readSeed(args);
    const given = readRestartSettingsFlags(args);

    return withCluster(async (cluster) => {
      if (cluster.ids.length < 2) {
        reportProblem(io, `chaos needs at least 2 nodes (the cluster has ${cluster.ids.length})`);
        return exitCodes.failed;
      }
      const answers = await cluster.connection.status();
      const pids = new Map<string, number>();
      for (const { node, result } of answers) {
        const pid = result.ok ? (result.value.pid ?? node.filePid) : null;
        if (pid !== null) pids.set(node.name, pid);
        else reportProblem(io, `${node.label}: ${result.ok ? 'its pid is unknown' : describeCallFailure(result.failure)}`);
      }
      if (pids.size < cluster.ids.length) {
        reportProblem(io, 'chaos starts from a cluster whose every node runs and answers');
        return exitCodes.failed;
      }
      const restartSettings = await completeRestartSettings(cluster, '', given);
      if (!restartSettings.ok) {
        reportProblem(io, restartSettings.problem);
        return exitCodes.failed;
      }

      // Without /proc, the nodes are taken for the launcher's own, as in a cluster just started.
      const launcherNodes = [...((await launcherChildren(pids, cluster.file.launcherPid)) ?? cluster.ids)];
      const steps = planChaos({
        nodes: cluster.ids,
        launcherNodes,
        durationMs,
        intervalMs,
        seed,
      });
      io.stdout(
        `chaos on ${cluster.ids.join(', ')} for ${(durationMs / 1000).toFixed(1)} s, a fault every ~${(intervalMs / 1000).toFixed(1)} s, ` +
          `seed ${seed} (Ctrl-C ends it early and restores the cluster)`,
      );
      return runChaos({
        cluster,
        steps,
        durationMs,
        seed,
        pids,
        restartSettings: restartSettings.value.settings,
        recoverTimeoutMs,
        io,
        signal,
        paused,
      });
    });
  },
};
