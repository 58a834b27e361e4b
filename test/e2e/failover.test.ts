import { afterEach, describe, expect, it } from 'vitest';
import type { NodeId } from '../../src/core/ids.ts';
import { hbctl } from '../support/hbctl.ts';
import type { ClusterUnderTest } from '../../src/harness/cluster-under-test.ts';
import { startRealCluster } from './real-cluster.ts';

let cluster: ClusterUnderTest | null = null;
afterEach(async () => {
  await cluster?.stop();
  cluster = null;
});

describe('a real 3-node cluster', () => {
  it('elects one leader that hbctl status shows every node agreeing on', async () => {
    cluster = await startRealCluster(3);
    const { leader, term } = await cluster.waitForAgreedLeader();
    const { code, stdout } = await hbctl('status', '--json', '--endpoints', cluster.adminEndpoints());
    expect(code).toBe(0);
    const rows = JSON.parse(stdout) as { id: string; role: string; term: number; leaderId: string; pid: number }[];
    expect(rows.map((r) => r.role).sort()).toEqual(['follower', 'follower', 'leader']);
    expect(rows.every((r) => r.leaderId === leader && r.term === term)).toBe(true);
    expect(rows.map((r) => r.pid)).toEqual(cluster.ids.map((id) => cluster!.pid(id)));
  });

  it('replaces a SIGKILLed leader, and the restarted node rejoins as a follower with its persisted term', async () => {
    cluster = await startRealCluster(3);
    const first = await cluster.waitForAgreedLeader();
    await cluster.kill(first.leader, 'SIGKILL');
    const second = await cluster.waitForAgreedLeader();
    expect(second.leader).not.toBe(first.leader);
    expect(second.term).toBeGreaterThan(first.term);

    await cluster.restart(first.leader);
    const rejoined = await cluster.waitForAgreedLeader();
    const status = await cluster.status(first.leader);
    expect(status).toMatchObject({ role: 'follower', leaderId: rejoined.leader });
    expect(status!.term).toBeGreaterThanOrEqual(second.term);
    const started = cluster.nodeEvents(first.leader).flatMap(({ line }) => (line.type === 'started' ? [line] : []));
    expect(started.at(-1)?.term).toBeGreaterThanOrEqual(first.term);
  });

  it('refuses a second process on a data dir in use, with a clear message and exit code, losing nothing', async () => {
    cluster = await startRealCluster(3);
    const { leader, term } = await cluster.waitForAgreedLeader();
    const follower = cluster.ids.find((id) => id !== leader) as NodeId;
    const extra = await cluster.spawnExtra(follower);
    const { code } = await extra.exit;
    expect(code).toBe(3);
    expect(extra.stderr()).toMatch(/in use by another process/);
    const status = await cluster.status(follower);
    expect(status).toMatchObject({ role: 'follower', leaderId: leader });
    expect(status!.term).toBeGreaterThanOrEqual(term);
  });
});
