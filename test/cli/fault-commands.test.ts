import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deadAddress, makeTempDir, removeDir, run, writeClusterJson } from './cli-fixture.ts';
import { startFakeAdminServer, type FakeAdminServer } from '../support/fake-admin-server.ts';

let dir: string;
let servers: FakeAdminServer[];
let clusterFile: string;

const faults = { faults: [{ peer: 'n2', inboundBlocked: true, outboundBlocked: true, delayMs: 40, jitterMs: 10 }] };

beforeEach(async () => {
  dir = await makeTempDir();
  const replies = { Partition: faults, SetDelay: faults, Heal: { faults: [] } };
  servers = [
    await startFakeAdminServer({ unary: { Status: { id: 'n1', role: 'leader', term: 1 }, ...replies } }),
    await startFakeAdminServer({ unary: { Status: { id: 'n2', role: 'follower', term: 1 }, ...replies } }),
  ];
  clusterFile = await writeClusterJson(dir, [
    { id: 'n1', adminAddress: servers[0]!.address, pid: 11 },
    { id: 'n2', adminAddress: servers[1]!.address, pid: 12 },
    { id: 'n3', adminAddress: await deadAddress(), pid: null },
  ]);
});

afterEach(async () => {
  for (const server of servers) server.close();
  await removeDir(dir);
});

function requests(server: FakeAdminServer | undefined, method: string): unknown[] {
  return (server?.calls ?? []).filter((call) => call.method === method).map((call) => call.request);
}

describe('fault injection commands', () => {
  it('partition calls Partition on the named node only and prints its faults', async () => {
    const result = await run(['partition', 'n1', '--from', 'n2, n3', '--direction', 'inbound', '--cluster', clusterFile]);
    expect(result).toEqual({ code: 0, stdout: ['n1 faults: n2 blocked delay 40ms jitter 10ms'], stderr: [] });
    expect(requests(servers[0], 'Partition')).toEqual([{ peers: ['n2', 'n3'], direction: 'inbound' }]);
    expect(requests(servers[1], 'Partition')).toEqual([]);
  });

  it('partition cuts both directions by default and needs --from', async () => {
    await run(['partition', 'n2', '--from', 'n1', '--cluster', clusterFile]);
    expect(requests(servers[1], 'Partition')).toEqual([{ peers: ['n1'], direction: 'both' }]);
    const missing = await run(['partition', 'n2', '--cluster', clusterFile]);
    expect(missing.code).toBe(2);
    expect(missing.stderr[0]).toMatch(/^hbctl: --from is required/);
  });

  it('partition of an unknown node names the known ones', async () => {
    const result = await run(['partition', 'n7', '--from', 'n1', '--cluster', clusterFile]);
    expect(result.code).toBe(1);
    expect(result.stderr).toEqual(['hbctl: no node n7 among n1, n2, n3']);
  });

  it('delay calls SetDelay with the peers and durations', async () => {
    const result = await run(['delay', 'n2', '--peers', 'n1', '--ms', '40', '--jitter-ms', '10', '--cluster', clusterFile]);
    expect(result.code).toBe(0);
    expect(requests(servers[1], 'SetDelay')).toEqual([{ peers: ['n1'], delayMs: 40, jitterMs: 10 }]);
    expect((await run(['delay', 'n2', '--peers', 'n1', '--ms', '-5', '--cluster', clusterFile])).code).toBe(2);
  });

  it('heal without a node heals every node, and exits 1 because n3 cannot be reached', async () => {
    const result = await run(['heal', '--cluster', clusterFile]);
    expect(result.code).toBe(1);
    expect(result.stdout).toEqual(['n1 faults: none', 'n2 faults: none']);
    expect(result.stderr).toEqual([expect.stringMatching(/^hbctl: n3 \(127\.0\.0\.1:\d+\): unreachable: /)]);
    expect(requests(servers[0], 'Heal')).toEqual([{ peers: [] }]);
    expect(requests(servers[1], 'Heal')).toEqual([{ peers: [] }]);
  });

  it('heal <node> --peers heals only those links on that node', async () => {
    const result = await run(['heal', 'n2', '--peers', 'n1', '--cluster', clusterFile]);
    expect(result).toEqual({ code: 0, stdout: ['n2 faults: none'], stderr: [] });
    expect(requests(servers[0], 'Heal')).toEqual([]);
    expect(requests(servers[1], 'Heal')).toEqual([{ peers: ['n1'] }]);
  });
});
