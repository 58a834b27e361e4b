import { afterEach, describe, expect, it } from 'vitest';
import { agreeOnLeader } from '../../src/client/leader-agreement.ts';
import { deadAddress, run } from './cli-fixture.ts';
import { startFakeAdminServer, type FakeAdminServer } from '../support/fake-admin-server.ts';

let servers: FakeAdminServer[] = [];

afterEach(() => {
  for (const server of servers) server.close();
  servers = [];
});

async function clusterSaying(statuses: readonly object[]): Promise<string> {
  servers = await Promise.all(statuses.map((status) => startFakeAdminServer({ unary: { Status: status } })));
  return servers.map((server) => server.address).join(',');
}

describe('hbctl leader', () => {
  it('prints the leader the nodes agree on and exits 0, even with a node down', async () => {
    const endpoints = await clusterSaying([
      { id: 'n1', role: 'follower', term: 4, leaderId: 'n2' },
      { id: 'n2', role: 'leader', term: 4, leaderId: 'n2' },
    ]);
    const result = await run(['leader', '--endpoints', `${endpoints},${await deadAddress()}`]);
    expect(result).toEqual({ code: 0, stdout: ['n2'], stderr: [] });
  });

  it('exits 1 when the nodes in the highest term disagree', async () => {
    const endpoints = await clusterSaying([
      { id: 'n1', role: 'leader', term: 5, leaderId: 'n1' },
      { id: 'n2', role: 'follower', term: 5, leaderId: 'n3' },
    ]);
    const result = await run(['leader', '--endpoints', endpoints]);
    expect(result.code).toBe(1);
    expect(result.stdout).toEqual([]);
    expect(result.stderr).toEqual(['hbctl: the nodes disagree on the leader of term 5 (n1 says n1, n2 says n3)']);
  });

  it('exits 1 when no node knows a leader in the highest term', async () => {
    const endpoints = await clusterSaying([
      { id: 'n1', role: 'candidate', term: 6 },
      { id: 'n2', role: 'follower', term: 5, leaderId: 'n1' },
    ]);
    const result = await run(['leader', '--endpoints', endpoints]);
    expect(result.code).toBe(1);
    expect(result.stderr).toEqual(['hbctl: no leader in term 6 (n1 is candidate)']);
  });

  it('exits 1 when no node answers', async () => {
    const dead = await deadAddress();
    const result = await run(['leader', '--endpoints', dead]);
    expect(result.code).toBe(1);
    expect(result.stderr).toEqual([expect.stringContaining(`hbctl: ${dead}: unreachable`), 'hbctl: no node answered']);
  });
});

describe('agreeOnLeader', () => {
  it('ignores nodes in lower terms and nodes that know no leader yet', () => {
    expect(
      agreeOnLeader([
        { node: 'n1', role: 'follower', term: 3, leaderId: 'n1' },
        { node: 'n2', role: 'leader', term: 4, leaderId: 'n2' },
        { node: 'n3', role: 'follower', term: 4, leaderId: null },
      ]),
    ).toEqual({ ok: true, leaderId: 'n2', term: 4 });
  });
});
