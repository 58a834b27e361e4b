import * as grpc from '@grpc/grpc-js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir, run, writeClusterJson } from './cli-fixture.ts';
import { CannedError, startFakeAdminServer, type FakeAdminReplies, type FakeAdminServer } from '../support/fake-admin-server.ts';

let dir: string;
let servers: FakeAdminServer[] = [];

beforeEach(async () => {
  dir = await makeTempDir();
});

afterEach(async () => {
  for (const server of servers) server.close();
  servers = [];
  await removeDir(dir);
});

/** n1 follows n2; n2 leads with the given extra replies; n3 follows n2. */
async function clusterLedByN2(leaderReplies: FakeAdminReplies['unary']): Promise<string> {
  servers = [
    await startFakeAdminServer({ unary: { Status: { id: 'n1', role: 'follower', term: 3, leaderId: 'n2' } } }),
    await startFakeAdminServer({ unary: { Status: { id: 'n2', role: 'leader', term: 3, leaderId: 'n2' }, ...leaderReplies } }),
    await startFakeAdminServer({ unary: { Status: { id: 'n3', role: 'follower', term: 3, leaderId: 'n2' } } }),
  ];
  return writeClusterJson(
    dir,
    servers.map((server, index) => ({ id: `n${index + 1}`, adminAddress: server.address, pid: null })),
  );
}

function callsOf(server: FakeAdminServer | undefined, method: string): unknown[] {
  return (server?.calls ?? []).filter((call) => call.method === method).map((call) => call.request);
}

describe('hbctl transfer', () => {
  it('--to n3 asks the leader to transfer to n3', async () => {
    const clusterFile = await clusterLedByN2({ TransferLeadership: { target: 'n3' } });
    const result = await run(['transfer', '--to', 'n3', '--cluster', clusterFile]);
    expect(result).toEqual({ code: 0, stdout: ['n2 handed leadership to n3'], stderr: [] });
    expect(callsOf(servers[1], 'TransferLeadership')).toEqual([{ target: 'n3' }]);
    expect(callsOf(servers[0], 'TransferLeadership')).toEqual([]);
    expect(callsOf(servers[2], 'TransferLeadership')).toEqual([]);
  });

  it('without --to lets the leader choose', async () => {
    const clusterFile = await clusterLedByN2({ TransferLeadership: { target: 'n1' } });
    const result = await run(['transfer', '--cluster', clusterFile]);
    expect(result.stdout).toEqual(['n2 handed leadership to n1']);
    expect(callsOf(servers[1], 'TransferLeadership')).toEqual([{ target: '' }]);
  });

  it("reports the node's FAILED_PRECONDITION and exits 1", async () => {
    const clusterFile = await clusterLedByN2({
      TransferLeadership: new CannedError(grpc.status.FAILED_PRECONDITION, 'not the leader; the leader is n3'),
    });
    const result = await run(['transfer', '--to', 'n1', '--cluster', clusterFile]);
    expect(result.code).toBe(1);
    expect(result.stdout).toEqual([]);
    expect(result.stderr).toEqual([`hbctl: n2 (${servers[1]!.address}): FAILED_PRECONDITION: not the leader; the leader is n3`]);
  });

  it('rejects an invalid --to before calling any node', async () => {
    const clusterFile = await clusterLedByN2({});
    const result = await run(['transfer', '--to', 'no such node!', '--cluster', clusterFile]);
    expect(result.code).toBe(2);
    expect(result.stderr[0]).toBe('hbctl: --to: "no such node!" is not a valid node id');
    expect(servers.flatMap((server) => server.calls)).toEqual([]);
  });
});

describe('hbctl step-down', () => {
  it('asks the leader to step down and says to whom it handed leadership', async () => {
    const clusterFile = await clusterLedByN2({ StepDown: { target: 'n3' } });
    const result = await run(['step-down', '--cluster', clusterFile]);
    expect(result).toEqual({ code: 0, stdout: ['n2 stepped down; leadership handed to n3'], stderr: [] });
    expect(callsOf(servers[1], 'StepDown')).toHaveLength(1);
  });

  it('exits 1 without calling StepDown when there is no leader', async () => {
    servers = [await startFakeAdminServer({ unary: { Status: { id: 'n1', role: 'candidate', term: 9 }, StepDown: {} } })];
    const result = await run(['step-down', '--endpoints', servers[0]!.address]);
    expect(result.code).toBe(1);
    expect(result.stderr).toEqual(['hbctl: cannot find the leader: no leader in term 9 (n1 is candidate)']);
    expect(callsOf(servers[0], 'StepDown')).toEqual([]);
  });
});
