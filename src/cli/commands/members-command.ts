import type { AdminNode } from '../../client/admin-node.ts';
import type { MemberInfo, MembersView } from '../../client/admin-responses.ts';
import type { NodeAnswer } from '../../client/cluster-client.ts';
import type { Command } from '../command.ts';
import { formatMs, noValue, jsonFlag, printJson, formatCpu, formatLoopP99, formatPhi, formatRssMib, reportNodeFailure, reportProblem } from '../output.ts';
import { exitCodes } from '../../command-line/program.ts';
import { nodeId, stringFlag } from '../../command-line/flag.ts';
import { locateLeader } from '../../client/locate-leader.ts';
import { formatTable } from '../../util/table.ts';

const header = ['ID', 'ADDRESS', 'ROLE', 'STATE', 'PHI', 'SEEN', 'INCARNATION', 'VERSION', 'LOOP-P99', 'CPU%', 'RSS(MiB)'];

const json = jsonFlag(
  'print a JSON array, one object per member with id, address, role, state, phi, lastSeenAgoMs, incarnation, ' +
    'version, eventLoopDelayP99Ms, cpuPercent, rssBytes, isSelf and observer (the node whose view it is)',
);
const fromFlag = stringFlag({ name: 'from', placeholder: '<id>', description: 'ask this node instead of the leader', parse: nodeId });

export const membersCommand: Command = {
  name: 'members',
  summary: "the cluster's members as the leader's failure detector sees them",
  synopsis: '[--json] [--from <id>]',
  description: [
    "Asks the leader (found from every node's Status) for its Members view: every member's",
    'phi-accrual suspicion (STATE alive|suspect|dead, or unknown where that node has no reason to hear',
    'from the member; PHI), how long ago it was last heard from (SEEN),',
    'and the metadata it piggybacks on heartbeats: incarnation, version and load (event-loop delay p99,',
    "CPU and resident memory). If no leader can be found, asks every node and prints each one's view.",
    'Exits 0 if at least one view was printed, 1 if none was.',
  ],
  positionals: [],
  flags: [json, fromFlag],
  runsUntilInterrupted: false,
  run: async (args, { io, withCluster }) => {
    const from = args.value(fromFlag);
    const asJson = args.value(json, false);

    return withCluster(async (cluster) => {
      let answers: readonly NodeAnswer<MembersView>[];
      /** Without a leader, every node's view is shown, each under a heading naming it. */
      let everyView = false;
      if (from !== undefined) {
        const node = await cluster.findNode(from);
        if (node === undefined) {
          reportProblem(io, `--from: no node ${from} among ${cluster.names()}`);
          return exitCodes.failed;
        }
        answers = [{ node, result: await node.client.members() }];
      } else {
        const leader = await locateLeader(cluster);
        if (leader.ok) {
          answers = [{ node: leader.node, result: await leader.node.client.members() }];
        } else {
          reportProblem(io, `cannot find the leader (${leader.problem}); showing every node's view`);
          answers = await cluster.membersAll();
          everyView = true;
        }
      }

      const views = answers.flatMap(({ node, result }) => (result.ok ? [{ node, view: result.value }] : []));
      if (asJson) {
        printJson(
          io,
          views.flatMap(({ node, view }) => view.members.map((member) => memberJson(member, observerOf(node, view)))),
        );
      } else {
        views.forEach(({ node, view }, index) => {
          if (everyView) {
            if (index > 0) io.stdout('');
            io.stdout(`as seen by ${observerOf(node, view)}:`);
          }
          formatTable(header, view.members.map(memberRow)).forEach((line) => io.stdout(line));
        });
      }
      for (const { node, result } of answers) if (!result.ok) reportNodeFailure(io, node, result.failure);
      return views.length > 0 ? exitCodes.ok : exitCodes.failed;
    });
  },
};

function observerOf(node: AdminNode, view: MembersView): string {
  return view.id === '' ? node.name : view.id;
}

/** The keys and their order are part of hbctl's interface for scripts: add keys, never change these. */
function memberJson(member: MemberInfo, observer: string): Record<string, unknown> {
  return {
    id: member.id,
    address: member.address,
    role: member.role,
    state: member.state,
    phi: member.phi,
    lastSeenAgoMs: member.lastSeenAgoMs,
    incarnation: member.incarnation,
    version: member.version,
    eventLoopDelayP99Ms: member.eventLoopDelayP99Ms,
    cpuPercent: member.cpuPercent,
    rssBytes: member.rssBytes,
    isSelf: member.isSelf,
    observer,
  };
}

function memberRow(member: MemberInfo): string[] {
  return [
    member.id,
    member.address === '' ? noValue : member.address,
    member.role,
    member.state,
    formatPhi(member.phi),
    formatMs(member.lastSeenAgoMs),
    member.incarnation === null ? noValue : String(member.incarnation),
    member.version ?? noValue,
    formatLoopP99(member),
    formatCpu(member),
    formatRssMib(member),
  ];
}
