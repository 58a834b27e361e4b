import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.ts';
import { captureIo, deadAddress, makeTempDir, removeDir, run, testTimeoutFlags, writeClusterJson } from './cli-fixture.ts';
import { startFakeAdminServer, type FakeAdminServer } from '../support/fake-admin-server.ts';
import { setTimeout as delay } from 'node:timers/promises';

let servers: FakeAdminServer[] = [];
let dirs: string[] = [];

afterEach(async () => {
  for (const server of servers) server.close();
  servers = [];
  for (const dir of dirs) await removeDir(dir);
  dirs = [];
});

const status = (id: string): object => ({ id, role: 'follower', term: 5 });
const wallTimeMs = new Date(2024, 4, 1, 19, 42, 1, 7).getTime();
const roleChanged = {
  node: 'n2',
  wallTimeMs,
  type: 'role-changed',
  term: 5,
  roleChanged: { from: 'candidate', to: 'leader' },
};
const leaderChanged = { node: 'n1', wallTimeMs, type: 'leader-changed', term: 5, leaderChanged: { leaderId: 'n2' } };

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(20);
  }
}

describe('hbctl watch', () => {
  it('--json prints the events every node streams as NDJSON, and --count ends it', async () => {
    servers = [
      await startFakeAdminServer({ unary: { Status: status('n1') }, watchEvents: [leaderChanged] }),
      await startFakeAdminServer({ unary: { Status: status('n2') }, watchEvents: [roleChanged] }),
    ];
    const dir = await makeTempDir();
    dirs.push(dir);
    const clusterFile = await writeClusterJson(dir, [
      { id: 'n1', adminAddress: servers[0]!.address, pid: null },
      { id: 'n2', adminAddress: servers[1]!.address, pid: null },
    ]);
    const result = await run(['watch', '--json', '--count', '2', '--cluster', clusterFile]);
    expect(result.code).toBe(0);
    const lines = result.stdout.map((line) => JSON.parse(line) as Record<string, unknown>);
    lines.sort((a, b) => String(a.node).localeCompare(String(b.node)));
    expect(lines).toEqual([
      { wallTimeMs, node: 'n1', endpoint: servers[0]!.address, type: 'leader-changed', term: 5, detail: { leaderId: 'n2' } },
      { wallTimeMs, node: 'n2', endpoint: servers[1]!.address, type: 'role-changed', term: 5, detail: { from: 'candidate', to: 'leader' } },
    ]);
  });

  it('prints one line per event, and says once each when a node goes away and comes back', async () => {
    // The fake ends every stream after its event, as a node would when it shuts down.
    servers = [await startFakeAdminServer({ unary: { Status: status('n2') }, watchEvents: [roleChanged], endWatch: true })];
    const result = await run(['watch', '--count', '2', '--endpoints', servers[0]!.address]);
    expect(result.code).toBe(0);
    expect(result.stdout).toEqual([
      '19:42:01.007  n2  term 5  role-changed candidate -> leader',
      expect.stringMatching(/^\d\d:\d\d:\d\d\.\d{3} {2}n2 {2}unreachable$/),
      expect.stringMatching(/^\d\d:\d\d:\d\d\.\d{3} {2}n2 {2}reachable again$/),
      '19:42:01.007  n2  term 5  role-changed candidate -> leader',
    ]);
  });

  it('keeps retrying a node that is down until it answers', async () => {
    const address = await deadAddress();
    const captured = captureIo();
    const running = runCli(['watch', '--count', '1', '--endpoints', address, ...testTimeoutFlags], captured.io);
    await until(() => captured.stdout.some((line) => line.endsWith(`${address}  unreachable`)), 'the unreachable line');
    servers = [await startFakeAdminServer({ unary: { Status: status('n2') }, watchEvents: [roleChanged] }, Number(address.split(':')[1]))];
    expect(await running).toBe(0);
    expect(captured.stdout.map((line) => line.slice('HH:MM:SS.mmm  '.length))).toEqual([
      `${address}  unreachable`,
      'n2  reachable again',
      'n2  term 5  role-changed candidate -> leader',
    ]);
  });

  it('stops cleanly with exit 0 on Ctrl-C', async () => {
    servers = [await startFakeAdminServer({ unary: { Status: status('n1') } })];
    const interrupt = new AbortController();
    const captured = captureIo();
    const running = runCli(['watch', '--endpoints', servers[0]!.address, ...testTimeoutFlags], captured.io, { signal: interrupt.signal });
    await until(() => servers[0]!.calls.some((call) => call.method === 'Watch'), 'the Watch call');
    interrupt.abort();
    expect(await running).toBe(0);
    expect(captured.stdout).toEqual([]);
  });
});
