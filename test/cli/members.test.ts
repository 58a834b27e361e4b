import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureIo, makeTempDir, removeDir, run, testTimeoutFlags, writeClusterJson } from './cli-fixture.ts';
import { startFakeAdminServer, type FakeAdminServer } from '../support/fake-admin-server.ts';
import { runCli } from '../../src/cli/run-cli.ts';
import { setTimeout as delay } from 'node:timers/promises';

let dir: string;
let servers: FakeAdminServer[];
let clusterFile: string;

const mib = 1024 * 1024;

function member(id: string, fields: object): object {
  return {
    id,
    address: `127.0.0.1:74${id.slice(1)}0`,
    role: 'follower',
    state: 'alive',
    phi: 0.42,
    lastSeenAgoMs: 12.4,
    stateSinceAgoMs: 3000,
    incarnation: '3',
    version: '0.1.0',
    eventLoopDelayP99Ms: 1.25,
    cpuPercent: 4.56,
    rssBytes: String(80 * mib),
    isSelf: false,
    ...fields,
  };
}

const leaderMembers = {
  id: 'n1',
  members: [
    member('n1', { role: 'leader', phi: 0, lastSeenAgoMs: -1, stateSinceAgoMs: -1, isSelf: true, rssBytes: String(64 * mib) }),
    member('n2', {}),
    member('n3', { role: 'unknown', state: 'suspect', phi: 9.87, lastSeenAgoMs: 2500, incarnation: '0', version: '', cpuPercent: 0, rssBytes: '0' }),
  ],
};
const n2Members = {
  id: 'n2',
  members: [member('n2', { phi: 0, lastSeenAgoMs: -1, isSelf: true, eventLoopDelayP99Ms: 2.5, cpuPercent: 7, rssBytes: String(90 * mib) })],
};

beforeEach(async () => {
  dir = await makeTempDir();
  servers = [
    await startFakeAdminServer({
      unary: {
        Status: { id: 'n1', role: 'leader', term: 7, leaderId: 'n1', holdsLease: true, leaseRemainingMs: 412.6, leaderHeardAgoMs: -1 },
        Members: leaderMembers,
      },
    }),
    await startFakeAdminServer({
      unary: { Status: { id: 'n2', role: 'follower', term: 7, leaderId: 'n1', leaderHeardAgoMs: 30 }, Members: n2Members },
    }),
  ];
  clusterFile = await writeClusterJson(dir, [
    { id: 'n1', adminAddress: servers[0]!.address, pid: null },
    { id: 'n2', adminAddress: servers[1]!.address, pid: null },
  ]);
});

afterEach(async () => {
  for (const server of servers) server.close();
  await removeDir(dir);
});

describe('hbctl members', () => {
  it("prints the leader's view as a table", async () => {
    const result = await run(['members', '--cluster', clusterFile]);
    expect(result.stderr).toEqual([]);
    expect(result.code).toBe(0);
    expect(result.stdout).toEqual([
      'ID  ADDRESS         ROLE      STATE    PHI  SEEN    INCARNATION  VERSION  LOOP-P99  CPU%  RSS(MiB)',
      'n1  127.0.0.1:7410  leader    alive    0.0  -       3            0.1.0    1.3ms     4.6   64.0',
      'n2  127.0.0.1:7420  follower  alive    0.4  12ms    3            0.1.0    1.3ms     4.6   80.0',
      'n3  127.0.0.1:7430  unknown   suspect  9.9  2500ms  -            -        1.3ms     0.0   0.0',
    ]);
    expect(servers[1]!.calls.map((call) => call.method)).not.toContain('Members');
  });

  it('--json prints one object per member with the stable keys and the observer', async () => {
    const result = await run(['members', '--json', '--cluster', clusterFile]);
    expect(result.code).toBe(0);
    const members = JSON.parse(result.stdout.join('\n')) as Record<string, unknown>[];
    expect(members).toHaveLength(3);
    for (const entry of members) {
      expect(Object.keys(entry)).toEqual([
        'id',
        'address',
        'role',
        'state',
        'phi',
        'lastSeenAgoMs',
        'incarnation',
        'version',
        'eventLoopDelayP99Ms',
        'cpuPercent',
        'rssBytes',
        'isSelf',
        'observer',
      ]);
    }
    expect(members[0]).toMatchObject({ id: 'n1', role: 'leader', lastSeenAgoMs: null, isSelf: true, observer: 'n1', rssBytes: 64 * mib });
    expect(members[2]).toMatchObject({ id: 'n3', state: 'suspect', phi: 9.87, lastSeenAgoMs: 2500, incarnation: null, version: null });
  });

  it('--from asks the given node', async () => {
    const result = await run(['members', '--json', '--from', 'n2', '--cluster', clusterFile]);
    expect(result.code).toBe(0);
    const members = JSON.parse(result.stdout.join('\n')) as Record<string, unknown>[];
    expect(members).toEqual([expect.objectContaining({ id: 'n2', isSelf: true, observer: 'n2' })]);
  });
});

describe('hbctl members without a leader', () => {
  it("asks every node and prints each one's view", async () => {
    const noLeader = await startFakeAdminServer({
      unary: { Status: { id: 'n2', role: 'candidate', term: 8, leaderHeardAgoMs: -1 }, Members: n2Members },
    });
    servers.push(noLeader);
    const result = await run(['members', '--endpoints', noLeader.address]);
    expect(result.code).toBe(0);
    expect(result.stderr).toEqual([expect.stringMatching(/^hbctl: cannot find the leader \(no leader in term 8/)]);
    expect(result.stdout[0]).toBe('as seen by n2:');
    expect(result.stdout).toHaveLength(3);
  });
});

describe('hbctl top', () => {
  it('--count 1 renders one frame with one row per node', async () => {
    const result = await run(['top', '--count', '1', '--cluster', clusterFile]);
    expect(result.stderr).toEqual([]);
    expect(result.code).toBe(0);
    expect(result.stdout[0]).toMatch(/^hbctl top {2}\d\d:\d\d:\d\d {2}leader n1 \(term 7\)$/);
    expect(result.stdout.slice(1)).toEqual([
      'ID  ROLE      TERM  LEADER  LEASE(ms)  PHI  STATE  LOOP-P99  CPU%  RSS(MiB)',
      'n1  leader    7     n1      413ms      0.0  alive  1.3ms     4.6   64.0',
      'n2  follower  7     n1      -          0.4  alive  2.5ms     7.0   90.0',
    ]);
  });

  it('prints frames separated by a blank line when not a terminal, and clears the screen on one', async () => {
    const plain = await run(['top', '--count', '2', '--interval-ms', '10', '--cluster', clusterFile]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toHaveLength(2 * 4 + 1);
    expect(plain.stdout[4]).toBe('');

    const captured = captureIo();
    const io = { ...captured.io, stdoutIsTty: true };
    expect(await runCli([...testTimeoutFlags, 'top', '--count', '2', '--interval-ms', '10', '--cluster', clusterFile], io)).toBe(0);
    expect(captured.stdout.filter((line) => line.startsWith('\x1b[H\x1b[2Jhbctl top'))).toHaveLength(2);
    expect(captured.stdout).not.toContain('');
  });

  it('stops with exit 0 on Ctrl-C', async () => {
    const interrupt = new AbortController();
    const captured = captureIo();
    const running = runCli([...testTimeoutFlags, 'top', '--interval-ms', '50', '--cluster', clusterFile], captured.io, { signal: interrupt.signal });
    const deadline = Date.now() + 20_000;
    while (captured.stdout.length === 0 && Date.now() < deadline) await delay(20);
    interrupt.abort();
    expect(await running).toBe(0);
  });
});
