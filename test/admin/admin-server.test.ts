import { createRequire } from 'node:module';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { service as healthService } from 'grpc-health-check';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { AdminContext } from '../../src/admin/admin-context.ts';
import { ADMIN_SERVICE_NAME, AdminServer } from '../../src/admin/admin-server.ts';
import type { FaultsResponse__Output as WireFaultsResponse } from '../../src/generated/heartbeat/admin/v1/FaultsResponse.ts';
import type { GetLeaderResponse__Output as WireGetLeaderResponse } from '../../src/generated/heartbeat/admin/v1/GetLeaderResponse.ts';
import type { LeaseState__Output as WireLeaseState } from '../../src/generated/heartbeat/admin/v1/LeaseState.ts';
import type { NodeEvent__Output as WireNodeEvent } from '../../src/generated/heartbeat/admin/v1/NodeEvent.ts';
import type { StatusResponse__Output as WireStatusResponse } from '../../src/generated/heartbeat/admin/v1/StatusResponse.ts';
import type { TransferLeadershipResponse__Output as WireTransferResponse } from '../../src/generated/heartbeat/admin/v1/TransferLeadershipResponse.ts';
import type { WaitForLeaseResponse__Output as WireLeaseToken } from '../../src/generated/heartbeat/admin/v1/WaitForLeaseResponse.ts';
import type { CoreEvent } from '../../src/core/core-event.ts';
import { asClusterId, asNodeId, type NodeId } from '../../src/core/ids.ts';
import { NodeDriver } from '../../src/runtime/node-driver.ts';
import { MemoryHardStateStore } from '../../src/storage/memory-hard-state-store.ts';
import { FaultInjectingTransport } from '../../src/transport/fault-injecting-transport.ts';
import { MemoryNetwork } from '../../src/transport/memory-network.ts';
import { getServiceConstructor, loadProto } from '../../src/transport/proto-loader.ts';
import { setTimeout as delay } from 'node:timers/promises';

const silent = pino({ level: 'silent' });
const timings = { heartbeatIntervalMs: 10, electionTimeoutMinMs: 60, electionJitterMs: 20, maxClockDrift: 0.05 };
const clock = { now: () => performance.now() };
const random = { next: Math.random };
const clusterId = asClusterId('admin-test');
const [n1, n2, n3] = ['n1', 'n2', 'n3'].map(asNodeId) as [NodeId, NodeId, NodeId];

const AdminClient = getServiceConstructor(loadProto('admin.proto'), ADMIN_SERVICE_NAME);
const HealthClient = grpc.makeGenericClientConstructor(healthService, 'Health');

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

type Answer<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly code: grpc.status; readonly details: string };
type UnaryMethod = (request: object, options: grpc.CallOptions, callback: (error: grpc.ServiceError | null, value?: unknown) => void) => void;
type StreamMethod = (request: object) => grpc.ClientReadableStream<unknown>;

interface TestNode {
  readonly id: NodeId;
  readonly driver: NodeDriver;
  readonly faults: FaultInjectingTransport;
  readonly admin: AdminServer;
  readonly port: number;
  readonly client: grpc.Client;
  readonly health: grpc.Client;
}

/** A method of a client built from a loaded proto; their names are only known at run time. */
function method<T extends (...args: never[]) => unknown>(client: grpc.Client, name: string): T {
  const found = (client as unknown as Record<string, T | undefined>)[name];
  if (found === undefined) throw new Error(`the client has no method ${name}`);
  return found.bind(client) as T;
}

function call<T>(client: grpc.Client, name: string, request: object = {}): Promise<Answer<T>> {
  return new Promise((resolve) => {
    method<UnaryMethod>(client, name)(request, { deadline: Date.now() + 10_000 }, (error, value) => {
      if (error) resolve({ ok: false, code: error.code, details: error.details });
      else resolve({ ok: true, value: value as T });
    });
  });
}

async function expectOk<T>(answer: Promise<Answer<T>>): Promise<T> {
  const result = await answer;
  if (!result.ok) throw new Error(`expected success, got code ${result.code}: ${result.details}`);
  return result.value;
}

async function expectRefused<T>(answer: Promise<Answer<T>>, code: grpc.status): Promise<string> {
  const result = await answer;
  if (result.ok) throw new Error(`expected code ${code}, got ${JSON.stringify(result.value)}`);
  expect(result.code).toBe(code);
  return result.details;
}

/** Opens a server stream and records what arrives; the stream is cancelled after the test. */
function watch<T>(client: grpc.Client, name: string): { readonly received: T[]; readonly ended: Promise<grpc.StatusObject> } {
  const received: T[] = [];
  const stream = method<StreamMethod>(client, name)({});
  stream.on('data', (message: T) => received.push(message));
  const ended = new Promise<grpc.StatusObject>((resolve) => stream.on('status', resolve));
  // Cancelling surfaces as an error event; the status promise above is what tests look at.
  stream.on('error', () => undefined);
  cleanups.push(() => stream.cancel());
  return { received, ended };
}

async function waitUntil(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(5);
  }
}

/**
 * Retries `check` until it passes. With 60 ms election timeouts on a busy machine, a stalled
 * event loop now and then starts an election on its own; checks that compare several nodes'
 * views are retried rather than assumed to see a cluster that never changes under them.
 */
async function eventually<T>(check: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (performance.now() > deadline) throw error;
      await delay(5);
    }
  }
}

function getServiceConstructorFrom(definition: protoLoader.PackageDefinition, name: string): grpc.ServiceClientConstructor {
  return getServiceConstructor(grpc.loadPackageDefinition(definition), name);
}

/** Protobuf's base-128 varint, for a length prefix. */
function varint(value: number): Buffer {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest & 0x7f) | 0x80);
    rest >>>= 7;
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

/** Records the core events of `driver` from now on. */
function recordEvents(driver: NodeDriver): CoreEvent[] {
  const events: CoreEvent[] = [];
  cleanups.push(driver.subscribe(({ event }) => events.push(event)));
  return events;
}

/** Whether `events` show the node winning an election that a leadership transfer started. */
function wonTransferElection(events: readonly CoreEvent[]): boolean {
  const started = events.findIndex((event) => event.type === 'election-started' && event.transfer);
  return started !== -1 && events.slice(started).some((event) => event.type === 'election-won');
}

/**
 * Resolves once calls made earlier on this node's channel have reached their handlers: one
 * channel carries its calls in order, so a Status answer means the server has seen them.
 */
async function subscribed(node: TestNode): Promise<void> {
  await status(node);
}

function status(node: TestNode): Promise<WireStatusResponse> {
  return expectOk(call<WireStatusResponse>(node.client, 'Status'));
}

function getLeader(node: TestNode): Promise<WireGetLeaderResponse> {
  return expectOk(call<WireGetLeaderResponse>(node.client, 'GetLeader'));
}

/** Polls Status until `condition` holds and returns that reply, so assertions see one consistent snapshot. */
async function statusWhen(node: TestNode, condition: (reply: WireStatusResponse) => boolean, what: string): Promise<WireStatusResponse> {
  let reply: WireStatusResponse | undefined;
  await waitUntil(async () => {
    reply = await status(node);
    return condition(reply);
  }, what);
  return reply as WireStatusResponse;
}

function healthOf(node: TestNode, service: string): Promise<Answer<{ status: string }>> {
  return call<{ status: string }>(node.health, 'Check', { service });
}

async function startNode(network: MemoryNetwork, id: NodeId, ids: readonly NodeId[]): Promise<TestNode> {
  const faults = new FaultInjectingTransport(network.transportFor(id), random);
  const driver = new NodeDriver({
    config: { self: id, peers: ids.filter((peer) => peer !== id), ...timings },
    store: new MemoryHardStateStore(),
    transport: faults,
    clock,
    random,
    logger: silent,
    onFatal: () => undefined,
  });
  await driver.start();
  cleanups.push(() => driver.stop());
  const context: AdminContext = {
    driver,
    faults,
    clock,
    logger: silent,
    info: {
      clusterId,
      id,
      pid: process.pid,
      version: '0.1.0-test',
      dataDir: `/tmp/${id}`,
      peerAddress: `memory:${id}`,
      adminAddress: '127.0.0.1:0',
      members: new Map(ids.map((member) => [member, `memory:${member}`])),
      incarnation: 3,
      startedAtMs: clock.now(),
    },
  };
  const admin = new AdminServer(context);
  const started = await admin.start('127.0.0.1:0');
  if (!started.ok) throw new Error(started.message);
  cleanups.push(() => admin.close());
  const address = `127.0.0.1:${started.port}`;
  const client = new AdminClient(address, grpc.credentials.createInsecure());
  const health = new HealthClient(address, grpc.credentials.createInsecure());
  cleanups.push(() => {
    client.close();
    health.close();
  });
  return { id, driver, faults, admin, port: started.port, client, health };
}

async function startCluster(ids: readonly NodeId[]): Promise<TestNode[]> {
  const network = new MemoryNetwork();
  return Promise.all(ids.map((id) => startNode(network, id, ids)));
}

/** Waits until exactly one node holds the lease and every other node follows it; returns the leader. */
async function settledLeader(nodes: readonly TestNode[]): Promise<TestNode> {
  let leader: TestNode | undefined;
  await waitUntil(async () => {
    const views = await Promise.all(nodes.map(getLeader));
    const holders = nodes.filter((_, i) => views[i]?.holdsLease);
    leader = holders.length === 1 ? holders[0] : undefined;
    return leader !== undefined && views.every((view) => view.leaderId === leader?.id);
  }, 'a leader that every node follows');
  return leader as TestNode;
}

function followersOf(nodes: readonly TestNode[], leader: TestNode): TestNode[] {
  return nodes.filter((node) => node !== leader);
}

describe('AdminServer', () => {
  it('reports Status of a one-node cluster that elected itself', async () => {
    const [node] = (await startCluster([n1])) as [TestNode];
    const reply = await statusWhen(node, (s) => s.holdsLease, 'n1 to hold the lease');
    expect(reply).toMatchObject({
      id: 'n1',
      clusterId: 'admin-test',
      role: 'leader',
      leaderId: 'n1',
      votedFor: 'n1',
      pid: process.pid,
      version: '0.1.0-test',
      dataDir: '/tmp/n1',
      leaderHeardAgoMs: -1,
      peers: [],
      timing: { heartbeatMs: 10, electionTimeoutMs: 60, electionJitterMs: 20 },
      inStartupWait: false,
      faults: [],
      incarnation: '3',
      peerAddress: 'memory:n1',
      adminAddress: '127.0.0.1:0',
    });
    expect(reply.term).toMatch(/^[1-9][0-9]*$/);
    expect(reply.timing?.maxClockDrift).toBeCloseTo(0.05);
    expect(reply.leaseRemainingMs).toBeGreaterThan(0);
    expect(reply.leaseRemainingMs).toBeLessThanOrEqual(60 * 0.95);
    expect(reply.uptimeMs).toBeGreaterThan(0);
  });

  it('lists every peer in Status, with ack ages on the leader and -1 on followers', async () => {
    const nodes = await startCluster([n1, n2, n3]);
    await eventually(async () => {
      const leader = await settledLeader(nodes);
      const leaderStatus = await status(leader);
      expect(leaderStatus.role).toBe('leader');
      expect(leaderStatus.peers.map((peer) => peer.id)).toEqual([n1, n2, n3].filter((id) => id !== leader.id));
      for (const peer of leaderStatus.peers) expect(peer.lastAckAgoMs).toBeGreaterThanOrEqual(0);
      const [follower] = followersOf(nodes, leader) as [TestNode];
      const followerStatus = await status(follower);
      expect(followerStatus).toMatchObject({ role: 'follower', leaderId: leader.id });
      expect(followerStatus.leaderHeardAgoMs).toBeGreaterThanOrEqual(0);
      expect(followerStatus.peers.map((peer) => peer.lastAckAgoMs)).toEqual([-1, -1]);
    });
  });

  it('streams role, term and leader events through Watch when an election happens', async () => {
    const [node] = (await startCluster([n1])) as [TestNode];
    const events = watch<WireNodeEvent>(node.client, 'Watch');
    await subscribed(node);
    // A stalled event loop can make even a lone leader step down (check-quorum); retry until ours is the step-down.
    await eventually(async () => {
      await statusWhen(node, (s) => s.holdsLease, 'n1 to hold the lease');
      await expectOk(call<WireTransferResponse>(node.client, 'StepDown'));
    });
    const steppedDown = (event: WireNodeEvent): boolean => event.type === 'stepped-down' && event.steppedDown?.reason === 'step-down';
    await waitUntil(() => {
      const stepped = events.received.findIndex(steppedDown);
      return stepped !== -1 && events.received.slice(stepped).some((event) => event.type === 'election-won');
    }, 'the step-down and the re-election on the stream');

    const types = new Set(events.received.map((event) => event.type));
    for (const type of ['stepped-down', 'lease-lost', 'role-changed', 'election-started', 'term-changed', 'election-won', 'leader-changed']) {
      expect(types).toContain(type);
    }
    let role: unknown;
    for (const event of events.received) {
      expect(event.node).toBe('n1');
      expect(event.term).toMatch(/^[0-9]+$/);
      expect(event.wallTimeMs).toBeGreaterThan(0);
      // The oneof member set is the one the type names.
      expect(event.detail?.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)).toBe(event.type);
      if (event.type === 'term-changed') {
        // Term changes carry from/to rather than a term; on the wire they belong to the new term.
        expect(event.termChanged).toEqual({ from: String(Number(event.term) - 1), to: event.term });
      }
      if (event.type === 'role-changed') {
        if (role !== undefined) expect(event.roleChanged?.from).toBe(role);
        role = event.roleChanged?.to;
      }
      if (event.type === 'leader-changed') expect(['', 'n1']).toContain(event.leaderChanged?.leaderId);
    }
    expect(role).toBe('leader');
  });

  it('refuses StepDown and TransferLeadership on a follower, naming the leader', async () => {
    const nodes = await startCluster([n1, n2, n3]);
    await eventually(async () => {
      const leader = await settledLeader(nodes);
      const [follower, other] = followersOf(nodes, leader) as [TestNode, TestNode];
      const refusal = `not the leader; the leader is ${leader.id}`;
      expect(await expectRefused(call(follower.client, 'StepDown'), grpc.status.FAILED_PRECONDITION)).toBe(refusal);
      const transfer = call(follower.client, 'TransferLeadership', { target: other.id });
      expect(await expectRefused(transfer, grpc.status.FAILED_PRECONDITION)).toBe(refusal);
    });
  });

  it('moves leadership to the named node with TransferLeadership', async () => {
    const nodes = await startCluster([n1, n2, n3]);
    const { leader, target, targetEvents } = await eventually(async () => {
      const current = await settledLeader(nodes);
      const [, chosen] = followersOf(nodes, current) as [TestNode, TestNode];
      const events = recordEvents(chosen.driver);
      // The leader refuses (FAILED_PRECONDITION) if a stall kept the target from acking lately.
      expect(await expectOk(call<WireTransferResponse>(current.client, 'TransferLeadership', { target: chosen.id }))).toEqual({
        target: chosen.id,
      });
      return { leader: current, target: chosen, targetEvents: events };
    });
    await waitUntil(() => wonTransferElection(targetEvents), `${target.id} to win the transfer election`);
    expect(leader.driver.status().role).not.toBe('leader');
  });

  it('hands leadership to a follower on StepDown in a three-node cluster', async () => {
    const nodes = await startCluster([n1, n2, n3]);
    const { target, targetEvents } = await eventually(async () => {
      const leader = await settledLeader(nodes);
      const followerEvents = new Map(followersOf(nodes, leader).map((node) => [node.id, recordEvents(node.driver)]));
      const reply = await expectOk(call<WireTransferResponse>(leader.client, 'StepDown'));
      // An empty target means no follower had acked lately (a stall): the leader just stepped down.
      const events = followerEvents.get(reply.target as NodeId);
      if (events === undefined) throw new Error(`StepDown handed leadership to ${JSON.stringify(reply.target)}`);
      return { target: reply.target, targetEvents: events };
    });
    await waitUntil(() => wonTransferElection(targetEvents), `${target} to win the transfer election`);
  });

  it('rejects malformed requests with INVALID_ARGUMENT and changes nothing', async () => {
    const nodes = await startCluster([n1, n2, n3]);
    const leader = await settledLeader(nodes);
    const [follower] = followersOf(nodes, leader) as [TestNode];
    const leaderEvents = recordEvents(leader.driver);
    const invalid = (name: string, request: object): Promise<string> => expectRefused(call(leader.client, name, request), grpc.status.INVALID_ARGUMENT);

    const unknownPeer = await invalid('Partition', { peers: ['n9'], direction: 'both' });
    expect(unknownPeer).toBe(
      `unknown peer "n9": the peers of ${leader.id} are ${followersOf(nodes, leader)
        .map((node) => node.id)
        .join(', ')}`,
    );
    expect(await invalid('Partition', { peers: [leader.id], direction: 'both' })).toContain('is this node');
    expect(await invalid('Partition', { peers: [follower.id], direction: 'sideways' })).toBe(
      'direction must be one of inbound, outbound, both (got "sideways")',
    );
    expect(await invalid('Partition', { peers: [follower.id] })).toContain('direction');
    expect(await invalid('Partition', { peers: [], direction: 'both' })).toContain('at least one peer');
    expect(await invalid('SetDelay', { peers: [follower.id], delayMs: 1_000_000_000 })).toContain('delay_ms 1000000000 is absurd');
    expect(await invalid('SetDelay', { peers: [follower.id], delayMs: 5, jitterMs: 60_001 })).toContain('jitter_ms 60001 is absurd');
    expect(await invalid('SetDelay', { peers: [], delayMs: 5 })).toContain('at least one peer');
    expect(await invalid('Heal', { peers: ['n9'] })).toContain('"n9"');
    expect(await invalid('TransferLeadership', { target: leader.id })).toContain(`to ${leader.id}`);
    expect(await invalid('TransferLeadership', { target: 'n9' })).toContain('unknown node "n9"');
    expect(await invalid('WaitForLease', { timeoutMs: 60_001 })).toContain('timeout_ms 60001 is absurd');

    expect((await status(leader)).faults).toEqual([]);
    expect(leader.faults.faults().size).toBe(0);
    const handedOver = leaderEvents.filter((event) => event.type === 'stepped-down' && (event.reason === 'transfer' || event.reason === 'step-down'));
    expect(handedOver).toEqual([]);
  });

  it('shows injected faults in Partition, SetDelay and Status replies, and Heal clears them', async () => {
    const nodes = await startCluster([n1, n2, n3]);
    const [node] = nodes as [TestNode];
    const partitioned = await expectOk(call<WireFaultsResponse>(node.client, 'Partition', { peers: [n3], direction: 'inbound' }));
    expect(partitioned.faults).toEqual([{ peer: 'n3', inboundBlocked: true, outboundBlocked: false, delayMs: 0, jitterMs: 0 }]);
    const delayed = await expectOk(call<WireFaultsResponse>(node.client, 'SetDelay', { peers: [n2, n3], delayMs: 5, jitterMs: 2 }));
    const expected = [
      { peer: 'n2', inboundBlocked: false, outboundBlocked: false, delayMs: 5, jitterMs: 2 },
      { peer: 'n3', inboundBlocked: true, outboundBlocked: false, delayMs: 5, jitterMs: 2 },
    ];
    expect(delayed.faults).toEqual(expected);
    expect((await status(node)).faults).toEqual(expected);
    expect([...node.faults.faults().keys()].sort()).toEqual(['n2', 'n3']);

    const healedOne = await expectOk(call<WireFaultsResponse>(node.client, 'Heal', { peers: [n2] }));
    expect(healedOne.faults.map((link) => link.peer)).toEqual(['n3']);
    const healedAll = await expectOk(call<WireFaultsResponse>(node.client, 'Heal', {}));
    expect(healedAll.faults).toEqual([]);
    expect((await status(node)).faults).toEqual([]);
  });

  it('answers GetLeader authoritatively only on the lease holder', async () => {
    const nodes = await startCluster([n1, n2, n3]);
    await eventually(async () => {
      const leader = await settledLeader(nodes);
      const [follower] = followersOf(nodes, leader) as [TestNode];
      const onLeader = await getLeader(leader);
      expect(onLeader).toMatchObject({ id: leader.id, leaderId: leader.id, holdsLease: true, authoritative: true, leaderHeardAgoMs: -1 });
      expect(onLeader.leaseRemainingMs).toBeGreaterThan(0);
      const onFollower = await getLeader(follower);
      expect(onFollower).toMatchObject({ id: follower.id, leaderId: leader.id, holdsLease: false, authoritative: false, leaseRemainingMs: 0 });
      expect(onFollower.term).toBe(onLeader.term);
      expect(onFollower.leaderHeardAgoMs).toBeGreaterThanOrEqual(0);
    });
  });

  it('gives a lease token on the leader and FAILED_PRECONDITION on a follower once its wait runs out', async () => {
    const nodes = await startCluster([n1, n2, n3]);
    const leader = await settledLeader(nodes);
    const token = await expectOk(call<WireLeaseToken>(leader.client, 'WaitForLease', { timeoutMs: 5_000 }));
    expect(token.leaderId).toBe(leader.id);
    expect(token.term).toMatch(/^[1-9][0-9]*$/);
    expect(token.validForMs).toBeGreaterThan(0);
    expect(token.validForMs).toBeLessThanOrEqual(60 * 0.95);

    await eventually(async () => {
      const current = await settledLeader(nodes);
      const [follower] = followersOf(nodes, current) as [TestNode];
      const startedAt = performance.now();
      const refusal = await expectRefused(call(follower.client, 'WaitForLease', { timeoutMs: 150 }), grpc.status.FAILED_PRECONDITION);
      expect(performance.now() - startedAt).toBeGreaterThanOrEqual(140);
      expect(refusal).toBe(`this node does not hold the lease; the leader is ${current.id}`);
    });
  });

  it('answers a pending WaitForLease as soon as the node gains the lease', async () => {
    const nodes = await startCluster([n1, n2, n3]);
    const [node] = nodes as [TestNode];
    // Asked before any election: the node may win this one or take over through a transfer.
    const waiting = expectOk(call<WireLeaseToken>(node.client, 'WaitForLease', { timeoutMs: 30_000 }));
    await eventually(async () => {
      const leader = await settledLeader(nodes);
      if (leader !== node) await expectOk(call(leader.client, 'TransferLeadership', { target: node.id }));
    });
    const token = await waiting;
    expect(token.leaderId).toBe(node.id);
    expect(token.validForMs).toBeGreaterThan(0);
  });

  it('hands leadership over only once the lease tokens it gave out have run out, telling WatchLease at once', async () => {
    const nodes = await startCluster([n1, n2, n3]);
    await eventually(async () => {
      const leader = await settledLeader(nodes);
      const [target] = followersOf(nodes, leader) as [TestNode];
      const states = watch<WireLeaseState>(leader.client, 'WatchLease');
      await waitUntil(() => states.received.length >= 1, 'the first lease state');
      const acquired: number[] = [];
      cleanups.push(target.driver.subscribe(({ event }) => event.type === 'lease-acquired' && acquired.push(clock.now())));
      const askedAt = clock.now();
      const token = await expectOk(call<WireLeaseToken>(leader.client, 'WaitForLease', { timeoutMs: 0 }));
      const transferred = call(leader.client, 'TransferLeadership', { target: target.id });
      // The token stays good to its end: until then the old leader neither hands over nor gives a new token.
      await waitUntil(() => states.received.some((state) => !state.holdsLease), 'WatchLease to say the lease is gone');
      expect(await expectRefused(call(leader.client, 'WaitForLease', { timeoutMs: 0 }), grpc.status.FAILED_PRECONDITION)).toContain('handing leadership over');
      await expectOk(transferred);
      await waitUntil(() => acquired.length > 0, `${target.id} to hold the lease`);
      expect(acquired[0]).toBeGreaterThanOrEqual(askedAt + token.validForMs);
    });
  });

  it('streams the lease state through WatchLease: current first, then each gain and loss', async () => {
    const [node] = (await startCluster([n1])) as [TestNode];
    await statusWhen(node, (s) => s.holdsLease, 'n1 to hold the lease');
    const states = watch<WireLeaseState>(node.client, 'WatchLease');
    await waitUntil(() => states.received.length >= 1, 'the first lease state');
    const [first] = states.received as [WireLeaseState];
    expect(first).toMatchObject({ node: 'n1', holdsLease: true });
    expect(first.leaseRemainingMs).toBeGreaterThan(0);

    await expectOk(call(node.client, 'StepDown'));
    await waitUntil(() => states.received.some((state) => BigInt(state.term) > BigInt(first.term) && state.holdsLease), 'the lease regained');
    for (const [i, state] of states.received.entries()) {
      const previous = states.received[i - 1];
      if (previous) expect([state.holdsLease, state.term]).not.toEqual([previous.holdsLease, previous.term]);
      expect(state.leaseRemainingMs > 0).toBe(state.holdsLease);
    }
    const lost = states.received.find((state) => !state.holdsLease);
    expect(lost).toMatchObject({ node: 'n1', holdsLease: false, leaseRemainingMs: 0 });
  });

  it('serves health: "" on every node, "leader" only on the lease holder', async () => {
    const nodes = await startCluster([n1, n2, n3]);
    const healthByNode = async (): Promise<string[][]> =>
      Promise.all(nodes.map(async (node) => [(await expectOk(healthOf(node, ''))).status, (await expectOk(healthOf(node, 'leader'))).status]));
    const leader = await eventually(async () => {
      const current = await settledLeader(nodes);
      expect(await healthByNode()).toEqual(nodes.map((node) => ['SERVING', node === current ? 'SERVING' : 'NOT_SERVING']));
      return current;
    });
    expect(await expectRefused(healthOf(leader, 'no-such-service'), grpc.status.NOT_FOUND)).toContain('no-such-service');

    const [target] = followersOf(nodes, leader) as [TestNode];
    await eventually(async () => {
      const current = await settledLeader(nodes);
      if (current !== target) await expectOk(call(current.client, 'TransferLeadership', { target: target.id }));
      expect(await settledLeader(nodes)).toBe(target);
      expect(await healthByNode()).toEqual(nodes.map((node) => ['SERVING', node === target ? 'SERVING' : 'NOT_SERVING']));
    });
  });

  it('serves reflection: a client without the .proto lists the services, loads the admin API from the node and calls it', async () => {
    const [node] = (await startCluster([n1])) as [TestNode];
    await node.admin.reflecting;
    // The client side of grpc.reflection.v1, as grpcurl speaks it, from the proto that @grpc/reflection ships.
    const reflectionProto = path.join(path.dirname(createRequire(import.meta.url).resolve('@grpc/reflection')), '../proto/grpc/reflection/v1/reflection.proto');
    const Reflection = getServiceConstructorFrom(protoLoader.loadSync(reflectionProto), 'grpc.reflection.v1.ServerReflection');
    const reflection = new Reflection(`127.0.0.1:${node.port}`, grpc.credentials.createInsecure());
    cleanups.push(() => reflection.close());
    const ask = (request: object): Promise<Record<string, unknown>> =>
      new Promise((resolve, reject) => {
        const stream = method<() => grpc.ClientDuplexStream<object, Record<string, unknown>>>(reflection, 'ServerReflectionInfo')();
        stream.on('data', (response: Record<string, unknown>) => {
          resolve(response);
          stream.end();
        });
        stream.on('error', reject);
        stream.write(request);
      });

    const listed = (await ask({ listServices: '' })) as { listServicesResponse: { service: { name: string }[] } };
    expect(listed.listServicesResponse.service.map((service) => service.name)).toEqual(expect.arrayContaining([ADMIN_SERVICE_NAME, 'grpc.health.v1.Health']));
    const files = (await ask({ fileContainingSymbol: ADMIN_SERVICE_NAME })) as { fileDescriptorResponse: { fileDescriptorProto: Buffer[] } };
    // A FileDescriptorSet is its files as repeated field 1; build one to load the way grpcurl does.
    const descriptorSet = Buffer.concat(files.fileDescriptorResponse.fileDescriptorProto.flatMap((file) => [Buffer.from([0x0a]), varint(file.length), file]));
    const Admin = getServiceConstructorFrom(protoLoader.loadFileDescriptorSetFromBuffer(descriptorSet), ADMIN_SERVICE_NAME);
    const admin = new Admin(`127.0.0.1:${node.port}`, grpc.credentials.createInsecure());
    cleanups.push(() => admin.close());
    expect(await expectOk(call<{ id: string; clusterId: string }>(admin, 'Status'))).toMatchObject({ id: 'n1', clusterId: 'admin-test' });
  });

  it('ends open streams and pending waits with UNAVAILABLE on close', async () => {
    const [node] = (await startCluster([n1, n2, n3])) as [TestNode];
    // Cut off from both peers, n1 can never hold the lease, so its WaitForLease stays pending.
    node.faults.partition([n2, n3], 'both');
    await statusWhen(node, (s) => !s.holdsLease, 'n1 to hold no lease');
    const events = watch<WireNodeEvent>(node.client, 'Watch');
    const states = watch<WireLeaseState>(node.client, 'WatchLease');
    await waitUntil(() => states.received.length >= 1, 'the first lease state');
    const waiting = call(node.client, 'WaitForLease', { timeoutMs: 5_000 });
    await subscribed(node);
    await node.admin.close();
    expect((await events.ended).code).toBe(grpc.status.UNAVAILABLE);
    expect((await states.ended).code).toBe(grpc.status.UNAVAILABLE);
    expect(await waiting).toMatchObject({ ok: false, code: grpc.status.UNAVAILABLE });
  });

  it('answers INTERNAL, without throwing into grpc, when a handler hits a bug', async () => {
    const network = new MemoryNetwork();
    const faults = new FaultInjectingTransport(network.transportFor(n1), random);
    // Never started: the driver throws on status(), as it does for any use before start().
    const driver = new NodeDriver({
      config: { self: n1, peers: [], ...timings },
      store: new MemoryHardStateStore(),
      transport: faults,
      clock,
      random,
      logger: silent,
      onFatal: () => undefined,
    });
    const admin = new AdminServer({
      driver,
      faults,
      clock,
      logger: silent,
      info: {
        clusterId,
        id: n1,
        pid: process.pid,
        version: 'test',
        dataDir: '/tmp/n1',
        peerAddress: 'memory:n1',
        adminAddress: '127.0.0.1:0',
        members: new Map([[n1, 'memory:n1']]),
        incarnation: 1,
        startedAtMs: clock.now(),
      },
    });
    const started = await admin.start('127.0.0.1:0');
    if (!started.ok) throw new Error(started.message);
    cleanups.push(() => admin.close());
    const client = new AdminClient(`127.0.0.1:${started.port}`, grpc.credentials.createInsecure());
    cleanups.push(() => client.close());
    expect(await expectRefused(call(client, 'Status'), grpc.status.INTERNAL)).toBe('Status failed: node driver used before start()');
    const lease = watch<WireLeaseState>(client, 'WatchLease');
    expect((await lease.ended).code).toBe(grpc.status.INTERNAL);
    expect(await expectRefused(call(client, 'WaitForLease', { timeoutMs: 0 }), grpc.status.INTERNAL)).toContain('WaitForLease failed');
  });

  it('reports a port in use as a failed start with a clear message', async () => {
    const [node] = (await startCluster([n1])) as [TestNode];
    const second = new AdminServer({
      driver: node.driver,
      faults: node.faults,
      clock,
      logger: silent,
      info: {
        clusterId,
        id: n1,
        pid: process.pid,
        version: 'test',
        dataDir: '/tmp/n1',
        peerAddress: 'memory:n1',
        adminAddress: `127.0.0.1:${node.port}`,
        members: new Map([[n1, 'memory:n1']]),
        incarnation: 1,
        startedAtMs: clock.now(),
      },
    });
    cleanups.push(() => second.close());
    const started = await second.start(`127.0.0.1:${node.port}`);
    expect(started).toEqual({ ok: false, message: expect.stringContaining(`127.0.0.1:${node.port} is already in use`) });
  });
});
