import * as grpc from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';
import { afterEach, describe, expect, it } from 'vitest';
import { overlappingLeaseClaims, type LeaseObservation } from '../../src/client/lease-observations.ts';
import type { NodeId } from '../../src/core/ids.ts';
import { hbctl } from '../support/hbctl.ts';
import { sleepUntil } from '../support/sleep-until.ts';
import { waitFor } from '../support/wait-for.ts';
import type { ClusterUnderTest } from '../../src/harness/cluster-under-test.ts';
import { startRealCluster, vmFreezeSlackMs } from './real-cluster.ts';

let cluster: ClusterUnderTest | null = null;
afterEach(async () => {
  await cluster?.stop();
  cluster = null;
});

function sawHolding(observations: readonly LeaseObservation[], node: NodeId): boolean {
  return observations.some((o) => o.node === node && o.view?.holdsLease === true);
}

interface LeaseRow {
  readonly id: string;
  readonly holdsLease: boolean;
  readonly term: number | null;
  readonly leaseRemainingMs: number;
  readonly leaderId: string | null;
}

async function hbctlLease(c: ClusterUnderTest): Promise<LeaseRow[]> {
  const { code, stdout } = await hbctl('lease', '--json', '--endpoints', c.adminEndpoints());
  if (code !== 0) throw new Error(`hbctl lease exited with ${code}`);
  return JSON.parse(stdout) as LeaseRow[];
}

/**
 * grpc.health.v1.Health/Check of the node ("") and "leader" services, as a load balancer would
 * ask them; null for a check that got no answer.
 */
async function healthOf(address: string): Promise<{ node: string | null; leader: string | null }> {
  const check = healthService['Check'];
  if (check === undefined) throw new Error('grpc-health-check has no Check method');
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  const ask = (service: string): Promise<string | null> =>
    new Promise((resolve) => {
      client.makeUnaryRequest(check.path, check.requestSerialize, check.responseDeserialize, { service }, { deadline: Date.now() + 1000 }, (error, response) =>
        resolve(error ? null : (response as { status: string }).status),
      );
    });
  try {
    return { node: await ask(''), leader: await ask('leader') };
  } finally {
    client.close();
  }
}

describe('the leader lease on a real cluster', () => {
  it('a paused lease holder is replaced and, resumed, never claims the lease again in its old term', async () => {
    cluster = await startRealCluster(3);
    const first = await cluster.waitForLeaseHolder();
    const sampling = cluster.sampleLeases(10);
    await waitFor(() => sawHolding(sampling.observations, first.holder), 5000, 'a sample of the holder holding its lease');

    cluster.signal(first.holder, 'SIGSTOP');
    const pausedAt = performance.now();
    const second = await cluster.waitForLeaseHolder(undefined, cluster.othersThan(first.holder));
    const takeoverMs = performance.now() - pausedAt;
    // Well past the old lease, which ran out at most one lease duration after the pause.
    await sleepUntil(pausedAt + 3 * cluster.timings.electionTimeoutMs);
    cluster.signal(first.holder, 'SIGCONT');
    const resumedAt = performance.now();
    await waitFor(async () => (await cluster!.status(first.holder))?.role === 'follower', 2000 + vmFreezeSlackMs, 'the resumed holder to step down');
    const stepDownMs = performance.now() - resumedAt;
    // Keep sampling until the resumed node has answered questions asked after it resumed.
    await waitFor(
      () => sampling.observations.filter((o) => o.node === first.holder && o.sentAt > resumedAt && o.view !== null).length >= 3,
      10_000,
      'answers from the resumed node',
    );
    const observations = await sampling.stop();
    console.log(
      `lease ${first.holder} (term ${first.term}) -> ${second.holder} (term ${second.term}): new holder ${Math.round(takeoverMs)} ms after SIGSTOP; ` +
        `old holder a follower ${Math.round(stepDownMs)} ms after SIGCONT; ${observations.length} samples`,
    );

    expect(second.term).toBeGreaterThan(first.term);
    expect(overlappingLeaseClaims(observations)).toEqual([]);
    const resumedAnswers = observations.filter((o) => o.node === first.holder && o.sentAt > resumedAt && o.view !== null);
    expect(resumedAnswers.length).toBeGreaterThan(0);
    const staleClaims = observations.filter((o) => o.node === first.holder && o.sentAt > pausedAt && o.view?.holdsLease && o.view.term === first.term);
    expect(staleClaims).toEqual([]);
  });

  it('a leader stopped with SIGTERM hands the lease over to a follower in the next term', async () => {
    cluster = await startRealCluster(3);
    const first = await cluster.waitForLeaseHolder();
    const sampling = cluster.sampleLeases(3);
    await waitFor(() => sawHolding(sampling.observations, first.holder), 5000, 'a sample of the holder holding its lease');

    const killedAtWallMs = Date.now();
    const exit = await cluster.kill(first.holder, 'SIGTERM');
    const second = await cluster.waitForLeaseHolder(undefined, cluster.othersThan(first.holder));
    const observations = await sampling.stop();
    const handOff = await waitFor(
      () => cluster!.nodeEvents(first.holder).find((e) => e.event === 'handed-off')?.fields,
      5000,
      `the hand-off in ${first.holder}'s log`,
    );

    const lastOld = observations.filter((o) => o.node === first.holder && o.view?.holdsLease).at(-1);
    const firstNew = lastOld && observations.find((o) => o.node === second.holder && o.view?.holdsLease && o.sentAt > lastOld.sentAt);
    if (lastOld && firstNew) {
      const earliest = Math.max(0, firstNew.sentAt - lastOld.answeredAt);
      const latest = firstNew.answeredAt - lastOld.sentAt;
      console.log(
        `hand-off ${first.holder} -> ${second.holder}: no lease holder for between ${earliest.toFixed(1)} and ${latest.toFixed(1)} ms (${observations.length} samples)`,
      );
    }
    expect(exit).toMatchObject({ code: 0, signal: null });
    // The old leader waits a moment to see the target lead before it exits; a freeze of this VM
    // can outlast that wait, and then it exits unconfirmed (the hand-off itself still happened).
    const stalled = cluster.stalledSince(killedAtWallMs);
    expect(handOff).toMatchObject({ target: second.holder, ...(stalled ? {} : { confirmed: true }) });
    expect(second.term).toBe(first.term + 1);
  });

  it('hbctl lease and the gRPC health service agree on the one lease holder', async () => {
    cluster = await startRealCluster(3);
    await cluster.waitForLeaseHolder();
    const c = cluster;
    const holderOf = (rows: readonly LeaseRow[]): LeaseRow | null => {
      const holders = rows.filter((r) => r.holdsLease);
      return holders.length === 1 ? holders[0]! : null;
    };
    // A VM freeze can let the lease lapse for a moment and come back in the same term, so one
    // round of questions may catch the holder between two rounds of acks. Rounds are repeated
    // until hbctl (before and after) and the health service agree; no round may ever show two
    // nodes serving "leader".
    const rounds: { readonly before: LeaseRow[]; readonly health: { id: NodeId; node: string | null; leader: string | null }[]; readonly after: LeaseRow[] }[] =
      [];
    const agreed = await waitFor(
      async () => {
        const before = await hbctlLease(c);
        const health = await Promise.all(c.ids.map(async (id) => ({ id, ...(await healthOf(c.adminAddress(id))) })));
        const after = await hbctlLease(c);
        rounds.push({ before, health, after });
        const [holderBefore, holderAfter] = [holderOf(before), holderOf(after)];
        const steady = holderBefore !== null && holderAfter !== null && holderBefore.id === holderAfter.id && holderBefore.term === holderAfter.term;
        const servingLeader = health.filter((h) => h.leader === 'SERVING').map((h) => h.id);
        return steady && servingLeader.length === 1 && servingLeader[0] === holderAfter.id && health.every((h) => h.node === 'SERVING')
          ? { rows: after, health }
          : null;
      },
      20_000,
      'hbctl lease and the health service to name the same one lease holder',
    );
    console.log(`hbctl lease and health agreed on ${holderOf(agreed.rows)?.id} after ${rounds.length} round(s) of questions`);

    const holder = holderOf(agreed.rows)!;
    expect(agreed.rows.every((r) => r.leaderId === holder.id && r.term === holder.term)).toBe(true);
    expect(agreed.health).toEqual(c.ids.map((id) => ({ id, node: 'SERVING', leader: id === holder.id ? 'SERVING' : 'NOT_SERVING' })));
    expect(rounds.filter((round) => round.health.filter((h) => h.leader === 'SERVING').length > 1)).toEqual([]);
    expect(rounds.filter((round) => round.before.filter((r) => r.holdsLease).length > 1 || round.after.filter((r) => r.holdsLease).length > 1)).toEqual([]);
  });
});
