import { afterEach, describe, expect, it } from 'vitest';
import { deadAddress, makeTempDir, removeDir, run, writeClusterJson } from './cli-fixture.ts';
import { startFakeAdminServer, type FakeAdminServer } from '../support/fake-admin-server.ts';

let servers: FakeAdminServer[] = [];
let dir: string | undefined;

afterEach(async () => {
  for (const server of servers) server.close();
  servers = [];
  if (dir !== undefined) await removeDir(dir);
});

async function clusterFile(): Promise<string> {
  servers = [
    await startFakeAdminServer({
      unary: { GetLeader: { id: 'n1', leaderId: 'n1', term: 8, holdsLease: true, leaseRemainingMs: 380.4, authoritative: true } },
    }),
    await startFakeAdminServer({ unary: { GetLeader: { id: 'n2', leaderId: 'n1', term: 8, leaderHeardAgoMs: 20 } } }),
  ];
  dir = await makeTempDir();
  return writeClusterJson(dir, [
    { id: 'n1', adminAddress: servers[0]!.address, pid: 1 },
    { id: 'n2', adminAddress: servers[1]!.address, pid: 2 },
    { id: 'n3', adminAddress: await deadAddress(), pid: 3 },
  ]);
}

describe('hbctl lease', () => {
  it('--json prints exactly the stable keys per node, unreachable ones included', async () => {
    const result = await run(['lease', '--json', '--cluster', await clusterFile()]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout.join('\n'))).toEqual([
      { id: 'n1', holdsLease: true, term: 8, leaseRemainingMs: 380.4, leaderId: 'n1' },
      { id: 'n2', holdsLease: false, term: 8, leaseRemainingMs: 0, leaderId: 'n1' },
      { id: 'n3', holdsLease: false, term: null, leaseRemainingMs: 0, leaderId: null },
    ]);
    expect(result.stderr).toEqual([expect.stringMatching(/^hbctl: n3 \(127\.0\.0\.1:\d+\): unreachable: /)]);
  });

  it('prints a table', async () => {
    const result = await run(['lease', '--cluster', await clusterFile()]);
    expect(result.stdout.map((line) => line.split(/ {2,}/))).toEqual([
      ['ID', 'HOLDS', 'TERM', 'REMAINING', 'LEADER'],
      ['n1', 'yes', '8', '380ms', 'n1'],
      ['n2', 'no', '8', '-', 'n1'],
      ['n3', 'unreachable', '-', '-', '-'],
    ]);
  });
});
