import type { AdminNode } from '../../client/admin-node.ts';
import type { NodeStatus } from '../../client/admin-responses.ts';
import { describeCallFailure } from '../../client/call-failure.ts';
import type { NodeAnswer } from '../../client/cluster-client.ts';
import type { Command } from '../command.ts';
import { describeLinkFaults } from '../../client/describe-link-faults.ts';
import { formatMs, noValue, jsonFlag } from '../output.ts';
import { reportEveryNode } from '../every-node-report.ts';

const header = ['ID', 'ENDPOINT', 'PID', 'ROLE', 'TERM', 'LEADER', 'LEASE', 'HEARD', 'FAULTS'];

const json = jsonFlag(
  'print a JSON array, one object per node, with at least id, endpoint, pid, role, term and leaderId ' +
    '(role "unreachable", term and leaderId null for a node that does not answer)',
);

export const statusCommand: Command = {
  name: 'status',
  summary: "every node's role, term, leader, lease and link faults",
  synopsis: '[--json]',
  description: [
    'Asks every node for its Status in parallel and prints one row per node.',
    'LEASE is the lease time left on the node that holds it. HEARD is, on a follower, how long ago it',
    'last heard from the leader and, on the leader, how long ago each follower last acknowledged it.',
    'A node that does not answer shows as unreachable, and why is printed on stderr.',
    'Exits 0 if at least one node answered, 1 if none did.',
  ],
  positionals: [],
  flags: [json],
  runsUntilInterrupted: false,
  run: (args, { io, withCluster }) =>
    withCluster(async (cluster) => reportEveryNode(io, await cluster.status(), args.value(json, false), { header, row: statusRow, json: statusJson })),
};

/** The keys and their order are part of hbctl's interface for scripts: add keys, never change these. */
function statusJson({ node, result }: NodeAnswer<NodeStatus>): Record<string, unknown> {
  if (!result.ok) {
    return {
      id: node.name,
      endpoint: node.endpoint,
      pid: node.filePid,
      role: 'unreachable',
      term: null,
      leaderId: null,
      votedFor: null,
      holdsLease: false,
      leaseRemainingMs: 0,
      leaderHeardAgoMs: null,
      peers: [],
      faults: [],
      error: describeCallFailure(result.failure),
    };
  }
  const status = result.value;
  return {
    id: status.id,
    endpoint: node.endpoint,
    pid: status.pid ?? node.filePid,
    role: status.role,
    term: status.term,
    leaderId: status.leaderId,
    votedFor: status.votedFor,
    holdsLease: status.holdsLease,
    leaseRemainingMs: status.leaseRemainingMs,
    leaderHeardAgoMs: status.leaderHeardAgoMs,
    peers: status.peers,
    faults: status.faults,
    error: null,
  };
}

function statusRow({ node, result }: NodeAnswer<NodeStatus>): string[] {
  if (!result.ok) return [node.name, node.endpoint, pidCell(node, null), 'unreachable', noValue, noValue, noValue, noValue, noValue];
  const status = result.value;
  return [
    status.id,
    node.endpoint,
    pidCell(node, status.pid),
    status.role,
    String(status.term),
    status.leaderId ?? noValue,
    status.holdsLease ? formatMs(status.leaseRemainingMs) : noValue,
    heardCell(status),
    status.faults.length === 0 ? noValue : describeLinkFaults(status.faults),
  ];
}

function pidCell(node: AdminNode, reported: number | null): string {
  const pid = reported ?? node.filePid;
  return pid === null ? noValue : String(pid);
}

/** A leader hears from every follower, a follower from the leader. */
function heardCell(status: NodeStatus): string {
  if (status.role === 'leader') {
    return status.peers.length === 0 ? noValue : status.peers.map((peer) => `${peer.id}:${formatMs(peer.lastAckAgoMs)}`).join(',');
  }
  return formatMs(status.leaderHeardAgoMs);
}
