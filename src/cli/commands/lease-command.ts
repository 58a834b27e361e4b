import type { LeaderView } from '../../client/admin-responses.ts';
import type { NodeAnswer } from '../../client/cluster-client.ts';
import type { Command } from '../command.ts';
import { formatMs, noValue, jsonFlag } from '../output.ts';
import { reportEveryNode } from '../every-node-report.ts';

const header = ['ID', 'HOLDS', 'TERM', 'REMAINING', 'LEADER'];

const json = jsonFlag(
  'print a JSON array of {"id","holdsLease","term","leaseRemainingMs","leaderId"} ' +
    '(holdsLease false, term null, leaseRemainingMs 0 and leaderId null for a node that does not answer)',
);

export const leaseCommand: Command = {
  name: 'lease',
  summary: 'which node holds the leader lease, as each node sees it',
  synopsis: '[--json]',
  description: [
    'Asks every node (GetLeader) whether it holds the lease and whom it knows as leader.',
    'At most one node holds a valid lease at any time. Exits 0 if at least one node answered.',
  ],
  positionals: [],
  flags: [json],
  runsUntilInterrupted: false,
  run: (args, { io, withCluster }) =>
    withCluster(async (cluster) => reportEveryNode(io, await cluster.getLeaderAll(), args.value(json, false), { header, row: leaseRow, json: leaseJson })),
};

/** Exactly these keys, in this order: part of hbctl's interface for scripts. */
function leaseJson({ node, result }: NodeAnswer<LeaderView>): Record<string, unknown> {
  if (!result.ok) return { id: node.name, holdsLease: false, term: null, leaseRemainingMs: 0, leaderId: null };
  const view = result.value;
  return { id: view.id, holdsLease: view.holdsLease, term: view.term, leaseRemainingMs: view.leaseRemainingMs, leaderId: view.leaderId };
}

function leaseRow({ node, result }: NodeAnswer<LeaderView>): string[] {
  if (!result.ok) return [node.name, 'unreachable', noValue, noValue, noValue];
  const view = result.value;
  return [view.id, view.holdsLease ? 'yes' : 'no', String(view.term), view.holdsLease ? formatMs(view.leaseRemainingMs) : noValue, view.leaderId ?? noValue];
}
