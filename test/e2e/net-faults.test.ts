import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { asNodeId, type NodeId } from '../../src/core/ids.ts';
import { ClusterUnderTest } from '../../src/harness/cluster-under-test.ts';
import { checkHistory } from '../../src/history/check-history.ts';
import { collectHistory } from '../../src/history/collect-history.ts';
import type { FaultEvent } from '../../src/history/history.ts';
import { ensureNetTools } from '../../src/netfault/host-tools.ts';
import { cutBetween, type LinkFault } from '../../src/netfault/link-faults.ts';
import { NodeNetwork } from '../../src/netfault/node-network.ts';
import { hostMonotonicMs } from '../../src/util/host-monotonic.ts';
import { SeededRandom } from '../../src/util/seeded-random.ts';
import { halves } from '../../src/nemesis/partition-shapes.ts';
import { prometheusSamples } from '../support/prometheus-samples.ts';
import { vmFreezeSlackMs } from './real-cluster.ts';

/**
 * Real partitions: each node in its own network namespace, links cut by nftables rules that drop
 * packets as they arrive (no RST: the sender's TCP only learns from its retransmission timer), or
 * slowed by the NFQUEUE packet delayer. These are what an in-process fault cannot show: a healed
 * link waits for TCP's next retransmission, which backs off exponentially while the cut lasts.
 *
 * The bound for "heal gives one leader": twice the cut's length (the next retransmission of a
 * connection cut for D comes at the latest about D after the heal, as the intervals double) plus
 * two election timeouts, plus the VM's freeze slack. Each test prints what it measured.
 */
const tools = await ensureNetTools();
if (!tools.ok) console.warn(`skipping the kernel-level network tests: ${tools.reason}`);

const timings = { heartbeatMs: 50, electionTimeoutMs: 500, electionJitterMs: 100 };
const ids = ['n1', 'n2', 'n3', 'n4', 'n5'].map(asNodeId);
const convergeMs = 30_000;

describe.skipIf(!tools.ok)('kernel-level faults on 5 nodes in network namespaces', () => {
  let network: NodeNetwork;
  let cluster: ClusterUnderTest;
  let logDir: string;
  const faults: FaultEvent[] = [];
  let startMs = 0;

  /** Answers when the change began: a heal is timed from then, though the rules take a few ms to reach every namespace. */
  const setFaults = async (label: string, links: readonly LinkFault[]): Promise<number> => {
    const atMs = hostMonotonicMs();
    await network.setFaults(links);
    faults.push({ atMs, kind: links.length === 0 ? 'heal' : 'partition', label, repair: links.length === 0 });
    return atMs;
  };
  const healBound = (cutMs: number): number => 2 * cutMs + 2 * timings.electionTimeoutMs + vmFreezeSlackMs;
  const linesSince = (atMs: number, event: string, among: readonly NodeId[] = ids) =>
    cluster.logEvents().filter((line) => line.event === event && among.includes(line.node) && (line.receivedAtMs ?? 0) >= atMs);
  const stalledSince = (atMs: number): boolean => linesSince(atMs, 'stall-detected').length > 0;
  const heardLeaderWithin = (id: NodeId, ms: number) => async (): Promise<boolean> => {
    const status = await cluster.client(id).status();
    return status.ok && status.value.leaderHeardAgoMs !== null && status.value.leaderHeardAgoMs < ms;
  };
  const waitFor = async (check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<number> => {
    const from = hostMonotonicMs();
    while (!(await check())) {
      if (hostMonotonicMs() - from > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await delay(10);
    }
    return hostMonotonicMs() - from;
  };

  beforeAll(async () => {
    network = await NodeNetwork.create(ids);
    logDir = await mkdtemp(path.join(os.tmpdir(), 'hbc-net-logs-'));
    cluster = await ClusterUnderTest.start({ size: ids.length, timings, network, logLevel: 'debug', logDir });
    startMs = hostMonotonicMs();
    await cluster.waitForStableLeader();
  });

  // A test that fails mid-fault must not leave its cuts to the next one.
  afterEach(async () => {
    if (network !== undefined && faults.at(-1)?.repair === false) await setFaults('heal', []);
  });

  afterAll(async () => {
    await cluster?.stop();
    await network?.destroy();
    if (logDir !== undefined) await rm(logDir, { recursive: true, force: true });
  });

  it('an isolated leader steps down by check-quorum, the majority elects another, and the heal gives one leader', async () => {
    const before = await cluster.waitForStableLeader();
    const others = ids.filter((id) => id !== before.leader);
    const cutAt = await setFaults(`isolate ${before.leader}`, cutBetween([before.leader], others));
    const next = await cluster.waitUntil(
      () => {
        const agreed = cluster.agreedLeader(others);
        return agreed !== null && agreed.term > before.term ? agreed : null;
      },
      convergeMs,
      'the majority to elect a new leader',
    );
    await cluster.waitUntil(
      () => linesSince(cutAt, 'stepped-down', [before.leader]).find((line) => line.fields.reason === 'check-quorum') ?? null,
      convergeMs,
      `${before.leader} to step down by check-quorum`,
    );
    // Long enough for TCP's retransmission timer to back off a few times (0.2, 0.4, 0.8, 1.6 s ...).
    await delay(Math.max(0, cutAt + 5000 - hostMonotonicMs()));
    // Cut off, it never wins an election (pre-vote keeps even its term from growing).
    expect(linesSince(cutAt, 'election-won', [before.leader])).toEqual([]);
    const cutMs = hostMonotonicMs() - cutAt;
    const healAt = await setFaults('heal', []);
    const agreed = await cluster.waitUntil(() => cluster.agreedLeader(ids), healBound(cutMs), 'all five to agree on one leader after the heal');
    const healedInMs = hostMonotonicMs() - healAt;
    console.log(
      `isolated leader: cut ${cutMs.toFixed(0)} ms; new leader ${next.leader} in term ${next.term}; one leader for all ${healedInMs.toFixed(0)} ms after the heal (bound ${healBound(cutMs)})`,
    );
    expect(agreed.term).toBeGreaterThanOrEqual(next.term);
  });

  it('in halves the minority never wins and the majority keeps or elects a leader', async () => {
    const before = await cluster.waitForStableLeader();
    const planned = halves(ids, new SeededRandom(16));
    if (!planned.ok) throw new Error(planned.problem);
    // Each minority node is cut from every majority node: from more than half the cluster.
    const minority = ids.filter((id) => (planned.plan.cuts.find((cut) => cut.node === id)?.peers.length ?? 0) > ids.length / 2);
    const majority = ids.filter((id) => !minority.includes(id));
    const cutAt = await setFaults(planned.plan.label, cutBetween(majority, minority));
    const held = await cluster.waitUntil(() => cluster.agreedLeader(majority), convergeMs, 'the majority to agree on a leader');
    // Three election timeouts with the minority cut off: long enough for it to try, and fail.
    await delay(3 * timings.electionTimeoutMs);
    expect(linesSince(cutAt, 'election-won', minority)).toEqual([]);
    expect(linesSince(cutAt, 'lease-acquired', minority)).toEqual([]);
    const cutMs = hostMonotonicMs() - cutAt;
    const healAt = await setFaults('heal', []);
    await cluster.waitUntil(() => cluster.agreedLeader(ids), healBound(cutMs), 'all five to agree on one leader after the heal');
    console.log(
      `${planned.plan.label}: majority led by ${held.leader} (was ${before.leader}); one leader for all ${(hostMonotonicMs() - healAt).toFixed(0)} ms after the heal`,
    );
  });

  it('a blackholed follower does not slow the heartbeats to the others, and reconnects after the heal', async () => {
    const { leader } = await cluster.waitForStableLeader();
    const [victim, ...rest] = ids.filter((id) => id !== leader);
    if (victim === undefined) throw new Error('no follower');
    const windowMs = 3000;
    const received = async (): Promise<number[]> =>
      Promise.all(
        rest.map(async (id) => {
          const text = await (await fetch(`http://${cluster.metricsAddress(id)}/metrics`)).text();
          return prometheusSamples(text).get(`hbc_heartbeats_received_total{peer="${leader}"}`) ?? 0;
        }),
      );
    const rate = async (): Promise<number[]> => {
      const first = await received();
      await delay(windowMs);
      return (await received()).map((count, index) => count - (first[index] ?? 0));
    };
    const baselineFrom = hostMonotonicMs();
    const baseline = await rate();
    const baselineStalled = stalledSince(baselineFrom);
    const cutAt = await setFaults(
      `blackhole ${victim}`,
      cutBetween(
        [victim],
        ids.filter((id) => id !== victim),
      ),
    );
    const during = await rate();
    const cutMs = hostMonotonicMs() - cutAt;
    console.log(
      `heartbeats from ${leader} per ${windowMs} ms on ${rest.join(', ')}: before ${baseline.join(', ')}; with ${victim} blackholed ${during.join(', ')}`,
    );
    if (!baselineStalled && !stalledSince(cutAt)) {
      // Expected: windowMs / heartbeatMs = 60 each. A follower just healed from an earlier cut may
      // count more in the baseline (the heartbeats its stream held back arrive at once), so the
      // nominal rate is the measure. A VM freeze in either window skews both counts.
      const nominal = windowMs / timings.heartbeatMs;
      during.forEach((count) => expect(count).toBeGreaterThanOrEqual(0.7 * nominal));
    }
    expect(cluster.agreedLeader(ids.filter((id) => id !== victim))?.leader).toBe(leader);
    await setFaults('heal', []);
    const reconnectMs = await waitFor(heardLeaderWithin(victim, 3 * timings.heartbeatMs), healBound(cutMs), `${victim} to hear ${leader} again`);
    console.log(
      `${victim} blackholed for ${cutMs.toFixed(0)} ms heard the leader again ${reconnectMs.toFixed(0)} ms after the heal (bound ${healBound(cutMs)})`,
    );
  });

  it('a one-way cut from the leader to a follower changes no leader', async () => {
    const { leader, term } = await cluster.waitForStableLeader();
    const follower = ids.find((id) => id !== leader) ?? ids[0];
    if (follower === undefined) throw new Error('no follower');
    const cutAt = await setFaults(`one-way ${leader}->${follower}`, [{ from: leader, to: follower, cut: 'blackhole' }]);
    await delay(4 * timings.electionTimeoutMs);
    // The follower stops hearing the leader and asks for pre-votes; the others still hear it and refuse.
    if (!stalledSince(cutAt)) expect(linesSince(cutAt, 'election-won')).toEqual([]);
    const cutMs = hostMonotonicMs() - cutAt;
    await setFaults('heal', []);
    const agreed = await cluster.waitUntil(() => cluster.agreedLeader(ids), healBound(cutMs), 'one leader after the heal');
    if (!stalledSince(cutAt)) expect(agreed).toMatchObject({ leader, term });
  });

  it('delay, jitter, reordering and loss on every link keep one leader', async () => {
    const { leader } = await cluster.waitForStableLeader();
    const all = ids.flatMap((from) => ids.filter((to) => to !== from).map((to) => ({ from, to })));
    const slowAt = await setFaults(
      'delay 20±20 ms, reorder 10%, loss 5%, duplicate 5% on every link',
      all.map((link) => ({ ...link, delayMs: 20, jitterMs: 20, reorderPct: 10, lossPct: 5, duplicatePct: 5 })),
    );
    await delay(4000);
    const during = cluster.agreedLeader(ids);
    await setFaults('heal', []);
    if (!stalledSince(slowAt)) expect(during?.leader).toBe(leader);
    await cluster.waitUntil(() => cluster.agreedLeader(ids), convergeMs, 'one leader after the heal');
  });

  it('the whole run passes the history checker', async () => {
    await cluster.waitForStableLeader();
    const endMs = hostMonotonicMs();
    await cluster.stopProcesses();
    const history = await collectHistory(cluster, { tokens: [], connectivity: [], faults, startMs, endMs });
    const verdict = checkHistory(history);
    console.log(
      `checker: ${verdict.leases.length} leases, ${verdict.counts.leadersElected} leaders elected, closest hand-over ${verdict.closestHandOverMs?.toFixed(1)} ms`,
    );
    expect(verdict.violations).toEqual([]);
    expect(verdict.counts.unmappedProcesses).toBe(0);
    expect(verdict.leases.length).toBeGreaterThan(1);
  });
});
