import { exitCodes } from '../../../src/command-line/program.ts';
import { nodeId, positional } from '../../../src/command-line/flag.ts';
import { isProcessAlive } from '../../../src/util/process-signals.ts';
import { msFlag, reportProblem, type FaultCommand } from '../fault-command.ts';
import { restartNode } from '../restart-node.ts';
import { completeRestartSettings, readRestartSettingsFlags, restartSettingsFlags } from '../restart-settings.ts';
import type { NodeExit } from '../../../src/harness/node-process.ts';
import type { AdminNode } from '../../../src/client/admin-node.ts';
import { setTimeout as delay } from 'node:timers/promises';

/** Loading TypeScript and opening LevelDB take seconds on a small, busy machine. */
const defaultWaitMs = 30_000;

const nodePositional = positional('node', nodeId);
const waitFlag = msFlag('wait-ms', 'how long to wait for the node to answer', defaultWaitMs);

export const restartCommand: FaultCommand = {
  name: 'restart',
  summary: 'start a killed node again, on its own data dir',
  synopsis: '<node>',
  description: [
    'Starts <node> again, detached, with the command the launcher uses: the same addresses, members',
    'and data dir (so its persisted term and vote), the timing copied from a running node, and its',
    'output appended to its log file. Records its new pid in cluster.json, then waits until it answers.',
    "The launcher does not show a restarted node's output nor report its exit, and rewrites",
    'cluster.json without its pid whenever one of its own nodes exits (kill and pause still find the',
    'node by asking it). A restarted node stops when the launcher does: a small watchdog process',
    'sends it SIGTERM once the launcher has gone.',
  ],
  positionals: [nodePositional],
  flags: [...restartSettingsFlags, waitFlag],
  run: async (args, { io, withCluster, signal }) => {
    const id = args.positional(nodePositional);
    const given = readRestartSettingsFlags(args);
    const waitMs = args.value(waitFlag, defaultWaitMs);

    return withCluster(async (cluster) => {
      const node = cluster.admin(id);
      if (node === undefined) {
        reportProblem(io, `no node ${id} among ${cluster.ids.join(', ')}`);
        return exitCodes.failed;
      }
      const status = await node.client.status();
      if (status.ok) {
        reportProblem(io, `${node.label} is running (pid ${status.value.pid ?? 'unknown'}); stop it first, e.g. with \`kill ${node.name}\``);
        return exitCodes.failed;
      }
      if (node.filePid !== null && isProcessAlive(node.filePid)) {
        reportProblem(io, `${node.name}'s process ${node.filePid} still exists but does not answer (paused?); stop it first, e.g. with \`kill ${node.name}\``);
        return exitCodes.failed;
      }
      const completed = await completeRestartSettings(cluster, node.name, given);
      if (!completed.ok) {
        reportProblem(io, completed.problem);
        return exitCodes.failed;
      }
      const { settings, copiedFrom } = completed.value;
      const restarted = await restartNode(cluster.filePath, cluster.file, node.name, settings);
      if (!restarted.ok) {
        reportProblem(io, restarted.problem);
        return exitCodes.failed;
      }
      const { pid, exited, warnings } = restarted.node;
      const { heartbeatMs, electionTimeoutMs, electionJitterMs, maxClockDrift } = settings.timing;
      io.stdout(
        `started ${node.name} (pid ${pid}): heartbeat ${heartbeatMs} ms, election timeout ${electionTimeoutMs} ms + up to ${electionJitterMs} ms, ` +
          `max clock drift ${maxClockDrift}, log level ${settings.logLevel}${copiedFrom === null ? '' : ` (timing copied from ${copiedFrom})`}`,
      );
      for (const warning of warnings) reportProblem(io, `warning: ${warning}`);

      const logFile = cluster.entry(node.name)?.logFile ?? 'its log file';
      const answered = await waitUntilAnswering(node, exited, waitMs, signal);
      if (!answered.ok) {
        reportProblem(io, `${answered.problem}; see ${logFile}`);
        return answered.reason === 'interrupted' ? exitCodes.interrupted : exitCodes.failed;
      }
      io.stdout(`${node.name} answers on ${node.endpoint} after ${(answered.afterMs / 1000).toFixed(1)} s; its output goes to ${logFile}`);
      return exitCodes.ok;
    });
  },
};

export type WaitUntilAnsweringResult =
  { readonly ok: true; readonly afterMs: number } | { readonly ok: false; readonly reason: 'exited' | 'timeout' | 'interrupted'; readonly problem: string };

const pollMs = 200;

/** Polls a starting node's Status until it answers, it exits, time runs out or `signal` aborts. */
export async function waitUntilAnswering(
  node: AdminNode,
  exited: Promise<NodeExit>,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<WaitUntilAnsweringResult> {
  const startedAt = performance.now();
  // A holder, not a local: TypeScript cannot see the callback's write and would narrow a local to null.
  const seen: { exit: NodeExit | null } = { exit: null };
  void exited.then((value) => (seen.exit = value));
  for (;;) {
    if (signal.aborted) return { ok: false, reason: 'interrupted', problem: `stopped waiting for ${node.label} to answer` };
    if (seen.exit !== null) {
      const { code, signal: exitSignal } = seen.exit;
      return { ok: false, reason: 'exited', problem: `${node.name} exited (${code === null ? `signal ${exitSignal}` : `code ${code}`}) before answering` };
    }
    const status = await node.client.status();
    const afterMs = performance.now() - startedAt;
    if (status.ok) return { ok: true, afterMs };
    if (afterMs > timeoutMs) return { ok: false, reason: 'timeout', problem: `${node.label} does not answer ${Math.round(timeoutMs / 1000)} s after starting` };
    await delay(pollMs);
  }
}
