import { afterEach, describe, expect, it } from 'vitest';
import { ClusterClient } from '../../src/client/cluster-client.ts';
import { type LeaseEndedError, type Lease } from '../../src/client/lease.ts';
import type { LeaseObservation } from '../../src/client/lease-observations.ts';
import type { LeaderChange } from '../../src/client/observe-leader.ts';
import type { NodeId } from '../../src/core/ids.ts';
import { sleepUntil } from '../support/sleep-until.ts';
import { waitFor } from '../support/wait-for.ts';
import type { ClusterUnderTest } from '../../src/harness/cluster-under-test.ts';
import { startRealCluster } from './real-cluster.ts';

let cluster: ClusterUnderTest | null = null;
let client: ClusterClient | null = null;
afterEach(async () => {
  client?.close();
  client = null;
  await cluster?.stop();
  cluster = null;
});

function clientOf(real: ClusterUnderTest): ClusterClient {
  // Generous deadlines: this VM sometimes freezes a process for over a second.
  return new ClusterClient(
    real.ids.map((id) => ({ endpoint: real.adminAddress(id), id, pid: null })),
    { callTimeoutMs: 2_000 },
  );
}

/** Collects what observeLeader yields until stopped. */
function collectLeaders(source: ClusterClient): { readonly seen: LeaderChange[]; stop(): Promise<void> } {
  const seen: LeaderChange[] = [];
  const abort = new AbortController();
  const done = (async () => {
    try {
      for await (const change of source.observeLeader({ signal: abort.signal })) seen.push(change);
    } catch (error) {
      if (!abort.signal.aborted) throw error;
    }
  })();
  return {
    seen,
    stop: async () => {
      abort.abort();
      await done;
    },
  };
}

/** When the lease's signal aborted, on this process's clock (the one the lease samples use). */
function abortTime(lease: Lease): Promise<number> {
  return lease.signal.aborted
    ? Promise.resolve(performance.now())
    : new Promise((resolve) => lease.signal.addEventListener('abort', () => resolve(performance.now()), { once: true }));
}

/**
 * Samples of another node than `holder` holding the lease, asked after the client got its lease
 * and answered before the client's signal aborted: each proves another node held the lease while
 * this client still believed it did. A safe lease allows none.
 */
function heldByOthersWhile(observations: readonly LeaseObservation[], holder: string, acquiredAt: number, abortedAt: number): LeaseObservation[] {
  return observations.filter((o) => o.node !== holder && o.view?.holdsLease === true && o.sentAt >= acquiredAt && o.answeredAt < abortedAt);
}

describe('the client library on a real 3-node cluster', () => {
  it('observes every leader in term order with no gap through a kill, a transfer and a partition', async () => {
    cluster = await startRealCluster(3);
    const real = cluster;
    client = clientOf(real);
    const first = await real.waitForAgreedLeader();
    const leaders = collectLeaders(client);
    await waitFor(() => leaders.seen.length > 0, 10_000, 'the first leader');
    expect(leaders.seen[0]).toEqual({ leaderId: first.leader, term: first.term });

    await real.kill(first.leader);
    const second = await real.waitForAgreedLeader(undefined, real.othersThan(first.leader));
    await real.restart(first.leader);
    // A transfer needs its target to have acknowledged a heartbeat: the restarted node may be it.
    const settled = await real.waitForAgreedLeader();
    const target = real.othersThan(settled.leader)[0] as NodeId;
    expect(await client.transfer({ to: target })).toMatchObject({ ok: true, value: { to: target } });
    const third = await real.waitForAgreedLeader();
    await real.disconnect([third.leader], real.othersThan(third.leader));
    const fourth = await real.waitForAgreedLeader(undefined, real.othersThan(third.leader));
    await real.healAll();
    const last = await real.waitForAgreedLeader();
    await waitFor(() => leaders.seen.some((change) => change.term >= last.term), 10_000, 'the last leader observed');
    await leaders.stop();

    // Every election any node won from the first observed term to the last, and nothing else, in order.
    const lastSeen = leaders.seen.at(-1)?.term ?? 0;
    const won = real
      .electionsWon()
      .filter((e) => e.term >= first.term && e.term <= lastSeen)
      .sort((a, b) => a.term - b.term);
    expect(leaders.seen).toEqual(won.map((e) => ({ leaderId: e.node, term: e.term })));
    expect(leaders.seen.map((change) => change.term)).toEqual(expect.arrayContaining([second.term, third.term, fourth.term]));
  });

  it('acquires the lease while leadership moves, and its signal aborts before any other node holds it, on transfer, kill, pause and partition of the holder', async () => {
    cluster = await startRealCluster(3);
    const real = cluster;
    client = clientOf(real);
    await real.waitForLeaseHolder();
    const sampling = real.sampleLeases(5);
    const faults = ['transfer', 'kill', 'pause', 'partition'] as const;
    const summary: string[] = [];
    for (const fault of faults) {
      const lease = await client.acquireLease({ signal: AbortSignal.timeout(30_000) });
      const acquiredAt = performance.now();
      const aborted = abortTime(lease);
      const holder = lease.holder as NodeId;
      const others = real.othersThan(holder);
      const faultAt = performance.now();
      let duringElection: Promise<Lease> | null = null;
      switch (fault) {
        case 'transfer':
          expect(await client.transfer()).toMatchObject({ ok: true, value: { from: holder } });
          break;
        case 'kill':
          await real.kill(holder);
          duringElection = client.acquireLease({ signal: AbortSignal.timeout(30_000) });
          break;
        case 'pause':
          real.signal(holder, 'SIGSTOP');
          break;
        case 'partition':
          await real.disconnect([holder], others);
          break;
      }
      const successor = await real.waitForLeaseHolder(undefined, others);
      const abortedAt = await aborted;
      // Sample until the successor's lease has been seen, so the comparison below has something to compare.
      await waitFor(
        () => sampling.observations.some((o) => o.node === successor.holder && o.view?.holdsLease && o.sentAt > abortedAt),
        10_000,
        'a sample of the successor',
      );
      expect(heldByOthersWhile(sampling.observations, holder, acquiredAt, abortedAt)).toEqual([]);
      expect(successor.term).toBeGreaterThan(lease.term);
      summary.push(`${fault}: ${(lease.signal.reason as LeaseEndedError).reason} ${Math.round(abortedAt - faultAt)} ms after the fault`);

      if (duringElection !== null) {
        // Asked while the cluster was still electing: it resolves once the successor holds the lease.
        const moved = await duringElection;
        expect(moved.holder).not.toBe(holder);
        expect(moved.term).toBeGreaterThan(lease.term);
        moved.release();
      }
      switch (fault) {
        case 'kill':
          await real.restart(holder);
          break;
        case 'pause':
          await sleepUntil(faultAt + 3 * real.timings.electionTimeoutMs);
          real.signal(holder, 'SIGCONT');
          break;
        case 'partition':
          await real.healAll();
          break;
        case 'transfer':
          break;
      }
    }
    const observations = await sampling.stop();
    console.log(`client lease ends: ${summary.join('; ')} (${observations.length} samples)`);
  });
});
