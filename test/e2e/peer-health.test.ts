import { afterEach, describe, expect, it } from 'vitest';
import type { MemberInfo } from '../../src/cli/admin-responses.ts';
import type { NodeId } from '../../src/core/ids.ts';
import { prometheusSamples } from '../support/prometheus-samples.ts';
import { waitFor } from '../support/wait-for.ts';
import { RealCluster } from './real-cluster.ts';

let cluster: RealCluster | null = null;
afterEach(async () => {
  await cluster?.stop();
  cluster = null;
});

async function scrape(url: string): Promise<Map<string, number>> {
  const response = await fetch(url);
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
  return prometheusSamples(await response.text());
}

/** How `observer` currently sees `peer` (null if it does not answer or does not know the peer). */
async function memberAsSeenBy(c: RealCluster, observer: NodeId, peer: NodeId): Promise<MemberInfo | null> {
  const answer = await c.client(observer).members();
  return answer.ok ? (answer.value.members.find((m) => m.id === peer) ?? null) : null;
}

describe('peer health and metrics on a real cluster', () => {
  it('the leader sees a paused follower go suspect then dead, alive again on resume, and a restart as a higher incarnation', async () => {
    cluster = await RealCluster.start(3);
    const { leader } = await cluster.waitForAgreedLeader();
    const follower = cluster.ids.find((id) => id !== leader)!;
    const c = cluster;
    const before = await waitFor(async () => {
      const member = await memberAsSeenBy(c, leader, follower);
      return member?.state === 'alive' && member.incarnation !== null ? member : null;
    }, 5000, `${leader} to see ${follower} alive`);

    cluster.signal(follower, 'SIGSTOP');
    const pausedAt = performance.now();
    const seen: { atMs: number; state: string; phi: number }[] = [];
    await waitFor(async () => {
      const member = await memberAsSeenBy(c, leader, follower);
      if (member) seen.push({ atMs: Math.round(performance.now() - pausedAt), state: member.state, phi: member.phi });
      return member?.state === 'dead';
    }, 20 * cluster.electionTimeoutMs, `${leader} to call the paused ${follower} dead`);
    cluster.signal(follower, 'SIGCONT');
    const resumedAt = performance.now();
    const resumed = await waitFor(async () => {
      const member = await memberAsSeenBy(c, leader, follower);
      return member?.state === 'alive' ? member : null;
    }, 5000, `${leader} to see the resumed ${follower} alive`);
    const aliveAfterResumeMs = Math.round(performance.now() - resumedAt);

    await cluster.kill(follower, 'SIGKILL');
    await cluster.launch(follower);
    const restarted = await waitFor(async () => {
      const member = await memberAsSeenBy(c, leader, follower);
      return member?.state === 'alive' && (member.incarnation ?? 0) > (before.incarnation ?? 0) ? member : null;
    }, 10_000, `${leader} to see ${follower}'s new incarnation`);
    const transitions = (await cluster.events(leader)).filter((e) => e.event === 'peer-state-changed' && e.peer === follower);
    console.log(
      `${leader} on paused ${follower}: ${seen.map((s) => `${s.atMs} ms ${s.state} phi ${s.phi.toFixed(1)}`).join('; ')}; ` +
        `alive ${aliveAfterResumeMs} ms after SIGCONT (incarnation ${resumed.incarnation}); after restart incarnation ${restarted.incarnation}`,
    );

    // suspect strictly before dead, with phi rising while suspected
    const firstSuspect = seen.findIndex((s) => s.state === 'suspect');
    const firstDead = seen.findIndex((s) => s.state === 'dead');
    expect(firstSuspect).toBeGreaterThanOrEqual(0);
    expect(firstSuspect).toBeLessThan(firstDead);
    const suspectPhis = seen.filter((s) => s.state === 'suspect').map((s) => s.phi);
    expect(suspectPhis.at(-1)).toBeGreaterThanOrEqual(suspectPhis[0]!);
    expect(suspectPhis[0]).toBeGreaterThanOrEqual(8);
    // A pause is not a restart; a restart is.
    expect(resumed.incarnation).toBe(before.incarnation);
    expect(restarted.incarnation).toBe((before.incarnation ?? 0) + 1);
    expect(transitions.map((e) => [e.from, e.to, e.restarted])).toEqual(
      expect.arrayContaining([
        ['alive', 'suspect', false],
        ['suspect', 'dead', false],
        ['dead', 'alive', false],
      ]),
    );
    expect(transitions.some((e) => e.to === 'alive' && e.restarted === true)).toBe(true);
  });

  it('serves Prometheus metrics whose heartbeat counters and round-trip times move while the cluster runs', async () => {
    cluster = await RealCluster.start(3);
    const { leader, term } = await cluster.waitForAgreedLeader();
    const follower = cluster.ids.find((id) => id !== leader)!;
    const first = { leader: await scrape(cluster.metricsUrl(leader)), follower: await scrape(cluster.metricsUrl(follower)) };
    await new Promise((resolve) => setTimeout(resolve, 10 * 40));
    const second = { leader: await scrape(cluster.metricsUrl(leader)), follower: await scrape(cluster.metricsUrl(follower)) };
    const grew = (name: string, side: 'leader' | 'follower'): number => (second[side].get(name) ?? 0) - (first[side].get(name) ?? 0);

    expect(second.leader.get('hbc_role{role="leader"}')).toBe(1);
    expect(second.leader.get('hbc_term')).toBe(term);
    // Not necessarily `follower`: after a VM freeze a follower may briefly run a pre-vote, which
    // its loyal peers refuse without disturbing the leader.
    expect(second.follower.get('hbc_role{role="leader"}')).toBe(0);
    expect(second.follower.get('hbc_lease_held')).toBe(0);
    expect(grew(`hbc_heartbeats_sent_total{peer="${follower}"}`, 'leader')).toBeGreaterThan(0);
    expect(grew(`hbc_heartbeat_acks_received_total{peer="${follower}"}`, 'leader')).toBeGreaterThan(0);
    expect(grew(`hbc_heartbeat_round_trip_seconds_count{peer="${follower}"}`, 'leader')).toBeGreaterThan(0);
    expect(grew(`hbc_heartbeats_received_total{peer="${leader}"}`, 'follower')).toBeGreaterThan(0);
    expect(second.leader.get(`hbc_peer_state{peer="${follower}",state="alive"}`)).toBe(1);
    expect(second.leader.get('process_resident_memory_bytes')).toBeGreaterThan(0);
  });
});
