import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { asClusterId, asNodeId, type NodeId } from '../../src/core/ids.ts';
import { NodeDriver } from '../../src/runtime/node-driver.ts';
import { MemoryHardStateStore } from '../../src/storage/memory-hard-state-store.ts';
import { GrpcTransport } from '../../src/transport/grpc-transport.ts';
import { freePorts } from '../../src/util/free-ports.ts';
import { waitFor } from '../support/wait-for.ts';
import { setTimeout as delay } from 'node:timers/promises';

const silent = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
const timings = { heartbeatIntervalMs: 40, electionTimeoutMinMs: 400, electionJitterMs: 100, maxClockDrift: 0.05 };
const drivers: NodeDriver[] = [];
/**
 * How long an election may take here. Generous: this VM freezes every process for 300-900 ms
 * about once a second, and each freeze rightly makes the nodes wait for buffered messages (and
 * lets a lease lapse) before they act.
 */
const electionWithinMs = 20_000;

afterEach(async () => {
  await Promise.all(drivers.splice(0).map((d) => d.stop()));
});

/** Each node reports a distinct incarnation so the members view can be checked against it. */
function metadataOf(id: NodeId) {
  return { incarnation: Number(id.slice(1)) * 10, version: 'test', load: { eventLoopDelayP99Ms: 1, cpuPercent: 2, rssBytes: 3 } };
}

async function startCluster(size: number): Promise<NodeDriver[]> {
  const ids = Array.from({ length: size }, (_, i) => asNodeId(`n${i + 1}`));
  const ports = await freePorts(size);
  const address = new Map<NodeId, string>(ids.map((id, i) => [id, `127.0.0.1:${ports[i]}`]));
  const cluster = ids.map((id) => {
    const driver = new NodeDriver({
      config: { self: id, peers: ids.filter((p) => p !== id), ...timings },
      store: new MemoryHardStateStore(),
      localMetadata: () => metadataOf(id),
      transport: new GrpcTransport({
        self: id,
        clusterId: asClusterId('test'),
        listenAddress: address.get(id)!,
        peers: new Map([...address].filter(([peer]) => peer !== id)),
        logger: silent.child({ node: id }),
        livenessTimeoutMs: timings.electionTimeoutMinMs,
        localMetadata: () => metadataOf(id),
      }),
      clock: { now: () => performance.now() },
      random: { next: Math.random },
      logger: silent.child({ node: id }),
      onFatal: (_reason, e) => {
        throw e;
      },
    });
    drivers.push(driver);
    return driver;
  });
  await Promise.all(cluster.map((d) => d.start()));
  return cluster;
}

describe('drivers over real gRPC transports', () => {
  it('elect a leader that keeps leading, and renewing its lease, across many heartbeat rounds', async () => {
    const cluster = await startCluster(3);
    const leader = await waitFor(() => cluster.find((d) => d.leaseRemainingMs() > 0), electionWithinMs, 'a lease holder');
    const term = leader.status().term;
    let stalls = 0;
    for (const driver of cluster) driver.subscribe(({ event }) => (stalls += event.type === 'stall-detected' ? 1 : 0));
    await delay(5 * timings.electionTimeoutMinMs);
    // A machine stall longer than the lease lets it lapse (correctly); the next acked round renews it.
    const holder = await waitFor(() => cluster.find((d) => d.leaseRemainingMs() > 0), electionWithinMs, 'the lease to be renewed');
    const followers = cluster.filter((d) => d !== holder);
    expect(followers.map((d) => d.status().leaderId)).toEqual([holder.id, holder.id]);
    // The same leader in the same term, unless this process froze meanwhile: this VM sometimes
    // freezes for longer than an election timeout, and a new election after that is correct.
    expect(stalls > 0 || (holder === leader && holder.status().term === term)).toBe(true);
  });

  it('shows every member alive to the leader, with the incarnation and load each piggybacks on its acks', async () => {
    const cluster = await startCluster(3);
    const leader = await waitFor(() => cluster.find((d) => d.leaseRemainingMs() > 0), electionWithinMs, 'a lease holder');
    const members = await waitFor(
      () => {
        const view = leader.members();
        return view.length === 3 && view.every((m) => m.state === 'alive' && m.incarnation !== null) ? view : null;
      },
      electionWithinMs,
      'both followers in the members view',
    );
    expect(members.map((m) => [m.id, m.isSelf, m.incarnation]).sort()).toEqual(cluster.map((d) => [d.id, d === leader, metadataOf(d.id).incarnation]).sort());
    expect(members.filter((m) => !m.isSelf).every((m) => m.role === 'follower' && m.version === 'test' && m.load?.cpuPercent === 2)).toBe(true);
    const follower = cluster.find((d) => d !== leader)!;
    expect(follower.members().find((m) => m.id === leader.id)).toMatchObject({ role: 'leader', state: 'alive' });
  });
});
