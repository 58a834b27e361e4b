import { setTimeout as delay } from 'node:timers/promises';
import type { MemberInfo, MembersView, NodeStatus } from '../../client/admin-responses.ts';
import type { ClusterClient, NodeAnswer } from '../../client/cluster-client.ts';
import type { Command } from '../command.ts';
import { formatMs, noValue, formatCpu, formatLoopP99, formatPhi, formatRssMib } from '../output.ts';
import { exitCodes } from '../../command-line/program.ts';
import { stringFlag, wholeNumber } from '../../command-line/flag.ts';
import { agreeOnLeader, claimOf } from '../../client/leader-agreement.ts';
import { formatTable } from '../../util/table.ts';

/** Moves the cursor home and clears the screen. */
export const clearScreen = '\x1b[H\x1b[2J';

const header = ['ID', 'ROLE', 'TERM', 'LEADER', 'LEASE(ms)', 'PHI', 'STATE', 'LOOP-P99', 'CPU%', 'RSS(MiB)'];
const defaultIntervalMs = 500;

const intervalFlag = stringFlag({
  name: 'interval-ms',
  placeholder: '<ms>',
  description: 'time between frames',
  defaultText: String(defaultIntervalMs),
  parse: wholeNumber(10, 3_600_000),
});
const countFlag = stringFlag({
  name: 'count',
  placeholder: '<n>',
  description: 'exit after <n> frames; useful in scripts',
  parse: wholeNumber(1, Number.MAX_SAFE_INTEGER),
});

export const topCommand: Command = {
  name: 'top',
  summary: 'a live, refreshing view of every node: role, term, lease, suspicion and load',
  synopsis: '[--interval-ms <ms>] [--count <n>]',
  description: [
    'Every --interval-ms, asks every node for its Status and Members and redraws one row per node:',
    "its role, term, leader and lease; PHI and STATE as the agreed leader's failure detector sees it;",
    'and its load (event-loop delay p99, CPU, resident memory) as the node itself reports it.',
    'On a terminal the screen is redrawn in place; otherwise each frame is printed, frames separated',
    'by a blank line. Runs until Ctrl-C (exit 0), or until --count frames were printed.',
  ],
  positionals: [],
  flags: [intervalFlag, countFlag],
  runsUntilInterrupted: true,
  run: async (args, { io, signal, withCluster }) => {
    const intervalMs = args.value(intervalFlag, defaultIntervalMs);
    const count = args.value(countFlag);
    const tty = io.stdoutIsTty === true;

    return withCluster(async (cluster) => {
      for (let frame = 0; count === undefined || frame < count; frame += 1) {
        if (signal.aborted) return exitCodes.ok;
        const started = Date.now();
        const lines = await renderFrame(cluster, new Date());
        if (signal.aborted) return exitCodes.ok;
        if (tty) {
          io.stdout(`${clearScreen}${lines[0] ?? ''}`);
          lines.slice(1).forEach((line) => io.stdout(line));
        } else {
          if (frame > 0) io.stdout('');
          lines.forEach((line) => io.stdout(line));
        }
        if (count !== undefined && frame + 1 >= count) break;
        // An abort ends the wait early; the loop then sees the signal and stops.
        await delay(Math.max(0, intervalMs - (Date.now() - started)), undefined, { signal }).catch(() => undefined);
      }
      return exitCodes.ok;
    });
  },
};

/** One frame: the header line, then the table. Exported for tests. */
export async function renderFrame(cluster: ClusterClient, now: Date): Promise<string[]> {
  const [statuses, views] = await Promise.all([cluster.status(), cluster.membersAll()]);
  const claims = statuses.flatMap(({ node, result }) => (result.ok ? [claimOf(node.name, result.value)] : []));
  const agreement = agreeOnLeader(claims);
  const leaderView = agreement.ok ? viewOf(views, agreement.leaderId) : undefined;
  const time = now.toTimeString().slice(0, 8);
  const headline = agreement.ok
    ? `hbctl top  ${time}  leader ${agreement.leaderId} (term ${agreement.term})${leaderView === undefined ? ', its Members view is unavailable' : ''}`
    : `hbctl top  ${time}  no agreed leader: ${agreement.problem}`;
  const rows = statuses.map(({ node, result }, index): string[] => {
    const id = result.ok ? result.value.id : node.name;
    const fromLeader = leaderView?.members.find((member) => member.id === id);
    const selfView = views[index]?.result;
    const self = selfView?.ok === true ? selfView.value.members.find((member) => member.isSelf) : undefined;
    const load = self ?? fromLeader;
    return [
      id,
      ...(result.ok ? statusCells(result.value) : ['unreachable', noValue, noValue, noValue]),
      fromLeader === undefined ? noValue : formatPhi(fromLeader.phi),
      fromLeader === undefined ? noValue : fromLeader.state,
      ...(load === undefined ? [noValue, noValue, noValue] : loadCells(load)),
    ];
  });
  return [headline, ...formatTable(header, rows)];
}

function statusCells(status: NodeStatus): string[] {
  return [status.role, String(status.term), status.leaderId ?? noValue, status.holdsLease ? formatMs(status.leaseRemainingMs) : noValue];
}

function loadCells(member: MemberInfo): string[] {
  return [formatLoopP99(member), formatCpu(member), formatRssMib(member)];
}

function viewOf(views: readonly NodeAnswer<MembersView>[], id: string): MembersView | undefined {
  for (const { result } of views) if (result.ok && result.value.id === id) return result.value;
  return undefined;
}
