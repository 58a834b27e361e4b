import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deadAddress, makeTempDir, removeDir, run, writeClusterJson } from './cli-fixture.ts';
import { startFakeAdminServer, type FakeAdminServer } from '../support/fake-admin-server.ts';

let dir: string;
let servers: FakeAdminServer[];
let clusterFile: string;
let n3Address: string;

beforeEach(async () => {
  dir = await makeTempDir();
  servers = [
    await startFakeAdminServer({
      unary: {
        Status: {
          id: 'n1',
          role: 'leader',
          term: 7,
          leaderId: 'n1',
          votedFor: 'n1',
          pid: 5001,
          holdsLease: true,
          leaseRemainingMs: 412.6,
          leaderHeardAgoMs: -1,
          peers: [
            { id: 'n2', lastAckAgoMs: 12.2 },
            { id: 'n3', lastAckAgoMs: -1 },
          ],
          faults: [{ peer: 'n3', inboundBlocked: true, outboundBlocked: true }],
        },
      },
    }),
    await startFakeAdminServer({
      unary: { Status: { id: 'n2', role: 'follower', term: 7, leaderId: 'n1', votedFor: 'n1', pid: 5002, leaderHeardAgoMs: 30 } },
    }),
  ];
  n3Address = await deadAddress();
  clusterFile = await writeClusterJson(dir, [
    { id: 'n1', adminAddress: servers[0]!.address, pid: 5001 },
    { id: 'n2', adminAddress: servers[1]!.address, pid: 5002 },
    { id: 'n3', adminAddress: n3Address, pid: 5003 },
  ]);
});

afterEach(async () => {
  for (const server of servers) server.close();
  await removeDir(dir);
});

describe('hbctl status', () => {
  it('--json prints one object per node with the stable keys, terms as numbers, and unreachable nodes', async () => {
    const result = await run(['status', '--json', '--cluster', clusterFile]);
    expect(result.code).toBe(0);
    const nodes = JSON.parse(result.stdout.join('\n')) as Record<string, unknown>[];
    expect(nodes).toHaveLength(3);
    for (const node of nodes) expect(Object.keys(node).slice(0, 6)).toEqual(['id', 'endpoint', 'pid', 'role', 'term', 'leaderId']);
    expect(nodes[0]).toMatchObject({
      id: 'n1',
      endpoint: servers[0]!.address,
      pid: 5001,
      role: 'leader',
      term: 7,
      leaderId: 'n1',
      holdsLease: true,
      leaseRemainingMs: 412.6,
    });
    expect(nodes[1]).toMatchObject({ id: 'n2', role: 'follower', term: 7, leaderId: 'n1', holdsLease: false, leaderHeardAgoMs: 30 });
    expect(nodes[2]).toMatchObject({ id: 'n3', endpoint: n3Address, pid: 5003, role: 'unreachable', term: null, leaderId: null });
    expect(result.stderr).toEqual([expect.stringMatching(new RegExp(`^hbctl: n3 \\(${n3Address}\\): unreachable: `))]);
  });

  it('prints an aligned table', async () => {
    const result = await run(['status', '--cluster', clusterFile]);
    expect(result.code).toBe(0);
    const [header, ...rows] = result.stdout;
    expect(header).toMatch(/^ID +ENDPOINT +PID +ROLE +TERM +LEADER +LEASE +HEARD +FAULTS$/);
    expect(rows).toHaveLength(3);
    const roleColumn = header!.indexOf('ROLE');
    expect(rows.map((row) => row.slice(roleColumn).split(/ +/)[0])).toEqual(['leader', 'follower', 'unreachable']);
    expect(rows[0]!.split(/ {2,}/)).toEqual(['n1', servers[0]!.address, '5001', 'leader', '7', 'n1', '413ms', 'n2:12ms,n3:-', 'n3 blocked']);
    expect(rows[1]!.split(/ {2,}/)).toEqual(['n2', servers[1]!.address, '5002', 'follower', '7', 'n1', '-', '30ms', '-']);
  });

  it('takes the nodes from --endpoints, naming them by their own ids', async () => {
    const result = await run(['--endpoints', `${servers[1]!.address},${n3Address}`, 'status', '--json']);
    expect(result.code).toBe(0);
    const nodes = JSON.parse(result.stdout.join('\n')) as Record<string, unknown>[];
    expect(nodes.map((node) => [node.id, node.role, node.pid])).toEqual([
      ['n2', 'follower', 5002],
      [n3Address, 'unreachable', null],
    ]);
  });

  it('exits 1 when no node answers', async () => {
    const result = await run(['status', '--endpoints', n3Address]);
    expect(result.code).toBe(1);
    expect(result.stdout[1]).toContain('unreachable');
  });

  it('reports an answer that breaks the contract instead of failing', async () => {
    servers.push(await startFakeAdminServer({ unary: { Status: { id: 'n9', role: 'emperor', term: 1 } } }));
    const result = await run(['status', '--endpoints', servers[2]!.address]);
    expect(result.code).toBe(1);
    expect(result.stderr).toEqual([
      `hbctl: ${servers[2]!.address}: invalid response: Status: role "emperor" is not one of follower, pre-candidate, candidate, leader`,
    ]);
  });
});
