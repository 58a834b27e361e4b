import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { asNodeId, type NodeId } from '../../src/core/ids.ts';
import type { PeerMessage } from '../../src/core/messages.ts';
import { MetricsServer } from '../../src/metrics/metrics-server.ts';
import { NodeMetrics } from '../../src/metrics/node-metrics.ts';
import { NodeDriver } from '../../src/runtime/node-driver.ts';
import type { PeerTraffic } from '../../src/runtime/peer-traffic.ts';
import { MemoryHardStateStore } from '../../src/storage/memory-hard-state-store.ts';
import { MemoryNetwork } from '../../src/transport/memory-network.ts';
import { prometheusSamples } from '../support/prometheus-samples.ts';
import { setTimeout as delay } from 'node:timers/promises';

const n1 = asNodeId('n1');
const n2 = asNodeId('n2');
const n3 = asNodeId('n3');
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(25);
  }
}

describe('node metrics', () => {
  it('counts the safety alarms a lying peer raises, by kind', async () => {
    const network = new MemoryNetwork();
    const timings = { heartbeatIntervalMs: 10, electionTimeoutMinMs: 60_000, electionJitterMs: 30, maxClockDrift: 0.05 };
    const driver = new NodeDriver({
      config: { self: n1, peers: [n2, n3], ...timings },
      store: new MemoryHardStateStore(),
      transport: network.transportFor(n1),
      clock: { now: () => performance.now() },
      random: { next: Math.random },
      logger: pino({ level: 'silent' }),
      onFatal: (_reason, error) => {
        throw error;
      },
    });
    const metrics = new NodeMetrics(driver, { defaultMetrics: false });
    cleanups.push(() => metrics.close());
    await driver.start();
    cleanups.push(() => driver.stop());
    const leader = network.transportFor(n2);
    const liar = network.transportFor(n3);
    await leader.start(async () => []);
    await liar.start(async () => []);
    leader.send(n1, { kind: 'heartbeat', term: 1, round: 1 });
    await until(
      async () => driver.status().leaderId,
      (id) => id === n2,
      'n1 to follow n2',
    );
    for (let i = 0; i < 5; i++) liar.send(n1, { kind: 'heartbeat', term: 1, round: 1 });
    liar.send(n1, { kind: 'timeout-now', term: 1, target: n1 });
    const values = await until(
      async () => prometheusSamples(await metrics.metrics()),
      (found) => found.get('hbc_safety_alarms_total{alarm="timeout-now-refused"}') === 1,
      'the refused TimeoutNow, sent after the heartbeats',
    );
    expect(values.get('hbc_safety_alarms_total{alarm="second-leader"}')).toBe(5);
    expect(values.get('hbc_safety_alarms_total{alarm="term-jump-refused"}')).toBe(0);
    expect(driver.status()).toMatchObject({ leaderId: n2, role: 'follower', term: 1 });
  });

  it('serves /metrics whose values follow a one-node cluster electing itself', async () => {
    const driver = new NodeDriver({
      config: { self: n1, peers: [], heartbeatIntervalMs: 10, electionTimeoutMinMs: 60, electionJitterMs: 30, maxClockDrift: 0.05 },
      store: new MemoryHardStateStore(),
      transport: new MemoryNetwork().transportFor(n1),
      clock: { now: () => performance.now() },
      random: { next: Math.random },
      logger: pino({ level: 'silent' }),
      onFatal: (_reason, error) => {
        throw error;
      },
    });
    // Subscribed before start, so the first election is counted.
    const metrics = new NodeMetrics(driver);
    cleanups.push(() => metrics.close());
    const server = new MetricsServer(metrics);
    const started = await server.start('127.0.0.1:0');
    if (!started.ok) throw new Error(started.message);
    cleanups.push(() => server.close());
    await driver.start();
    cleanups.push(() => driver.stop());

    const scrape = async (): Promise<Map<string, number>> => {
      const response = await fetch(`http://127.0.0.1:${started.port}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
      return prometheusSamples(await response.text());
    };
    const values = await until(scrape, (found) => found.get('hbc_lease_held') === 1, 'the lease');

    expect(values.get('hbc_term')).toBeGreaterThanOrEqual(1);
    expect(values.get('hbc_role{role="leader"}')).toBe(1);
    expect(values.get('hbc_role{role="follower"}')).toBe(0);
    expect(values.get('hbc_elections_won_total')).toBeGreaterThanOrEqual(1);
    expect(values.get('hbc_leader_changes_total')).toBeGreaterThanOrEqual(1);
    expect(values.get('hbc_lease_remaining_seconds')).toBeGreaterThan(0);
    // prom-client's default process metrics, under their standard names.
    expect(values.has('process_resident_memory_bytes')).toBe(true);
    expect(values.has('nodejs_eventloop_lag_p99_seconds')).toBe(true);

    // The loop's busy time grows by at least the time it is kept running.
    const busyBefore = values.get('hbc_event_loop_busy_seconds_total') ?? Number.NaN;
    const spinUntil = performance.now() + 50;
    while (performance.now() < spinUntil);
    const busyAfter = (await scrape()).get('hbc_event_loop_busy_seconds_total') ?? Number.NaN;
    expect(busyAfter - busyBefore).toBeGreaterThanOrEqual(0.05);

    const notFound = await fetch(`http://127.0.0.1:${started.port}/other`);
    expect(notFound.status).toBe(404);
  });

  it('counts heartbeats and times each round trip from the heartbeat to its first ack', async () => {
    let observe: ((traffic: PeerTraffic) => void) | null = null;
    const metrics = new NodeMetrics(
      { ...fakeSource(), observeTraffic: (observer) => ((observe = observer), () => (observe = null)) },
      { defaultMetrics: false },
    );
    const traffic = (direction: PeerTraffic['direction'], peer: NodeId, message: PeerMessage, atMs: number): void =>
      observe?.({ direction, peer, message, atMs });

    traffic('sent', n2, { kind: 'heartbeat', term: 3, round: 1 }, 1000);
    traffic('sent', n3, { kind: 'heartbeat', term: 3, round: 1 }, 1000);
    traffic('received', n2, { kind: 'heartbeat-ack', term: 3, round: 1 }, 1003);
    // A duplicate ack, and an ack of a round never sent in this term, are counted but not timed.
    traffic('received', n2, { kind: 'heartbeat-ack', term: 3, round: 1 }, 1090);
    traffic('received', n3, { kind: 'heartbeat-ack', term: 2, round: 1 }, 1004);
    traffic('sent', n2, { kind: 'heartbeat', term: 3, round: 2 }, 1050);
    traffic('received', n2, { kind: 'heartbeat-ack', term: 3, round: 2 }, 1250);
    // As a follower: heartbeats in, acks out.
    traffic('received', n3, { kind: 'heartbeat', term: 4, round: 1 }, 2000);
    traffic('sent', n3, { kind: 'heartbeat-ack', term: 4, round: 1 }, 2001);

    const values = prometheusSamples(await metrics.metrics());
    metrics.close();
    expect(values.get('hbc_heartbeats_sent_total{peer="n2"}')).toBe(2);
    expect(values.get('hbc_heartbeats_sent_total{peer="n3"}')).toBe(1);
    expect(values.get('hbc_heartbeat_acks_received_total{peer="n2"}')).toBe(3);
    expect(values.get('hbc_heartbeat_acks_received_total{peer="n3"}')).toBe(1);
    expect(values.get('hbc_heartbeats_received_total{peer="n3"}')).toBe(1);
    expect(values.get('hbc_heartbeat_round_trip_seconds_count{peer="n2"}')).toBe(2);
    expect(values.get('hbc_heartbeat_round_trip_seconds_sum{peer="n2"}')).toBeCloseTo(0.203, 6);
    expect(values.get('hbc_heartbeat_round_trip_seconds_bucket{le="0.005",peer="n2"}')).toBe(1);
    expect(values.get('hbc_heartbeat_round_trip_seconds_bucket{le="0.25",peer="n2"}')).toBe(2);
    expect(values.has('hbc_heartbeat_round_trip_seconds_count{peer="n3"}')).toBe(false);
  });

  it("exports the transport's refused inbound traffic by reason, zeros included", async () => {
    const counts = new Map([
      ['wrong-cluster', 0],
      ['oversized', 0],
    ]);
    const metrics = new NodeMetrics(fakeSource(), { defaultMetrics: false, peerRejections: () => counts });
    const first = prometheusSamples(await metrics.metrics());
    expect(first.get('hbc_peer_messages_rejected_total{reason="wrong-cluster"}')).toBe(0);
    counts.set('wrong-cluster', 1000);
    counts.set('oversized', 2);
    const second = prometheusSamples(await metrics.metrics());
    counts.set('oversized', 3);
    const third = prometheusSamples(await metrics.metrics());
    metrics.close();
    expect(second.get('hbc_peer_messages_rejected_total{reason="wrong-cluster"}')).toBe(1000);
    expect(second.get('hbc_peer_messages_rejected_total{reason="oversized"}')).toBe(2);
    expect(third.get('hbc_peer_messages_rejected_total{reason="oversized"}')).toBe(3);
    expect(third.get('hbc_peer_messages_rejected_total{reason="wrong-cluster"}')).toBe(1000);
  });

  it('reports a port in use as a value', async () => {
    const first = new MetricsServer(new NodeMetrics(fakeSource(), { defaultMetrics: false }));
    const started = await first.start('127.0.0.1:0');
    if (!started.ok) throw new Error(started.message);
    cleanups.push(() => first.close());
    const second = new MetricsServer(new NodeMetrics(fakeSource(), { defaultMetrics: false }));
    expect(await second.start(`127.0.0.1:${started.port}`)).toEqual({
      ok: false,
      message: `cannot serve metrics on 127.0.0.1:${started.port}: the port is already in use`,
    });
  });
});

function fakeSource(): ConstructorParameters<typeof NodeMetrics>[0] {
  return {
    status: () => ({
      role: 'follower',
      term: 0,
      votedFor: null,
      leaderId: null,
      leaderHeardAgoMs: null,
      holdsLease: false,
      leaseRemainingMs: 0,
      inStartupWait: false,
      peers: [],
    }),
    leaseRemainingMs: () => 0,
    members: () => [],
    subscribe: () => () => {},
    observeTraffic: () => () => {},
  };
}
