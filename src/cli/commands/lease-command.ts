import type { LeaderView } from '../admin-responses.ts';
import type { NodeAnswer } from '../cluster-connection.ts';
import type { Command } from '../command.ts';
import { formatMs, noValue } from '../display-values.ts';
import { exitCodes } from '../exit-codes.ts';
import { printJson } from '../print-json.ts';
import { reportNodeFailure } from '../report.ts';
import { formatTable } from '../table.ts';

const header = ['ID', 'HOLDS', 'TERM', 'REMAINING', 'LEADER'];

export const leaseCommand: Command = {
  name: 'lease',
  summary: 'which node holds the leader lease, as each node sees it',
  synopsis: '[--json]',
  description: [
    'Asks every node (GetLeader) whether it holds the lease and whom it knows as leader.',
    'At most one node holds a valid lease at any time. Exits 0 if at least one node answered.',
  ],
  positionals: [],
  flags: [
    {
      name: 'json',
      type: 'boolean',
      placeholder: '',
      description:
        'print a JSON array of {"id","holdsLease","term","leaseRemainingMs","leaderId"} ' +
        '(holdsLease false, term null, leaseRemainingMs 0 and leaderId null for a node that does not answer)',
    },
  ],
  runsUntilInterrupted: false,
  run: (args, { io, withCluster }) =>
    withCluster(async (cluster) => {
      const answers = await cluster.getLeaderAll();
      if (args.booleans.has('json')) printJson(io, answers.map(leaseJson));
      else formatTable(header, answers.map(leaseRow)).forEach((line) => io.stdout(line));
      for (const { node, result } of answers) if (!result.ok) reportNodeFailure(io, node, result.failure);
      return answers.some(({ result }) => result.ok) ? exitCodes.ok : exitCodes.failed;
    }),
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
