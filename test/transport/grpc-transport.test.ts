import net from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { asClusterId, asNodeId, type NodeId } from '../../src/core/ids.ts';
import type { PeerMessage } from '../../src/core/messages.ts';
import { GrpcTransport } from '../../src/transport/grpc-transport.ts';
import { getServiceConstructor, loadProto } from '../../src/transport/proto-loader.ts';
import type { InboundHandler } from '../../src/transport/transport.ts';

const logger = pino({ level: 'silent' });
const cluster = asClusterId('test-cluster');
const [a, b, c] = [asNodeId('a'), asNodeId('b'), asNodeId('c')];

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A port that was free a moment ago (bound on port 0, then released). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000, intervalMs = 10): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

interface Node {
  readonly id: NodeId;
  readonly address: string;
  readonly transport: GrpcTransport;
  readonly received: Array<{ from: NodeId; message: PeerMessage }>;
}

/** Builds transports for `ids` that all know each other's (fixed, free) addresses; none started. */
async function makeCluster(ids: readonly NodeId[], callDeadlineMs = 5000): Promise<Map<NodeId, Node>> {
  const addresses = new Map<NodeId, string>();
  for (const id of ids) addresses.set(id, `127.0.0.1:${await freePort()}`);
  const nodes = new Map<NodeId, Node>();
  for (const id of ids) {
    const peers = new Map([...addresses].filter(([peer]) => peer !== id));
    const transport = new GrpcTransport({
      self: id,
      clusterId: cluster,
      listenAddress: addresses.get(id)!,
      peers,
      logger,
      callDeadlineMs,
      reconnectBackoff: { initialMs: 20, maxMs: 200 },
    });
    cleanups.push(() => transport.close());
    nodes.set(id, { id, address: addresses.get(id)!, transport, received: [] });
  }
  return nodes;
}

/** Records every inbound message, then answers with `reply(from, message)`. */
function recorder(node: Node, reply: (from: NodeId, m: PeerMessage) => PeerMessage[] = () => []): InboundHandler {
  return async (from, message) => {
    node.received.push({ from, message });
    return reply(from, message);
  };
}

/** Answers heartbeats with an ack and vote requests with a granted vote. */
function follower(from: NodeId, m: PeerMessage): PeerMessage[] {
  void from;
  if (m.kind === 'heartbeat') return [{ kind: 'heartbeat-ack', term: m.term, round: m.round }];
  if (m.kind === 'vote-request') return [{ kind: 'vote-response', term: m.term, preVote: m.preVote, granted: true }];
  return [];
}

/** A plain grpc client for Deliver, to send envelopes no GrpcTransport would produce. */
function rawClient(address: string): (envelope: Record<string, unknown>) => Promise<{ error: grpc.ServiceError | null; response: unknown }> {
  const Peer = getServiceConstructor(loadProto('peer.proto'), 'heartbeat.peer.v1.Peer');
  const client = new Peer(address, grpc.credentials.createInsecure());
  cleanups.push(() => client.close());
  const method = Peer.service['Deliver']!;
  return (envelope) =>
    new Promise((resolve) => {
      client.makeUnaryRequest(
        method.path,
        method.requestSerialize,
        method.responseDeserialize,
        envelope,
        { deadline: Date.now() + 5000 },
        (error, response) => resolve({ error, response }),
      );
    });
}

describe('GrpcTransport', () => {
  it('delivers a heartbeat and carries the ack back to the sender', async () => {
    const nodes = await makeCluster([a, b, c]);
    const [na, nb] = [nodes.get(a)!, nodes.get(b)!];
    // The receiver first: a sender that finds its peer down backs off before it tries again.
    await nb.transport.start(recorder(nb, follower));
    await na.transport.start(recorder(na));

    na.transport.send(b, { kind: 'heartbeat', term: 2, round: 9 });

    await waitFor(() => na.received.length > 0, 'the ack at a');
    expect(nb.received).toEqual([{ from: a, message: { kind: 'heartbeat', term: 2, round: 9 } }]);
    expect(na.received).toEqual([{ from: b, message: { kind: 'heartbeat-ack', term: 2, round: 9 } }]);
  });

  it('sends what the handler answers to a reply back to the peer', async () => {
    const nodes = await makeCluster([a, b]);
    const [na, nb] = [nodes.get(a)!, nodes.get(b)!];
    // a reacts to a granted vote by asking b to campaign (as a leadership transfer would).
    await nb.transport.start(recorder(nb, follower));
    await na.transport.start(
      recorder(na, (_from, m) => (m.kind === 'vote-response' ? [{ kind: 'timeout-now', term: m.term, target: nb.id }] : [])),
    );

    na.transport.send(b, { kind: 'vote-request', term: 5, preVote: false, transfer: true });

    await waitFor(() => nb.received.length >= 2, 'timeout-now at b');
    expect(nb.received.map((r) => r.message)).toEqual([
      { kind: 'vote-request', term: 5, preVote: false, transfer: true },
      { kind: 'timeout-now', term: 5, target: b },
    ]);
    expect(na.received).toEqual([{ from: b, message: { kind: 'vote-response', term: 5, preVote: false, granted: true } }]);
  });

  it('answers invalid envelopes with a gRPC status and keeps serving', async () => {
    const nodes = await makeCluster([a, b]);
    const nb = nodes.get(b)!;
    await nb.transport.start(recorder(nb, follower));
    const deliver = rawClient(nb.address);
    const valid = { clusterId: cluster, from: a, to: b, term: '1', heartbeat: { round: '1' } };

    const wrongCluster = await deliver({ ...valid, clusterId: 'other-cluster' });
    expect(wrongCluster.error?.code).toBe(grpc.status.FAILED_PRECONDITION);
    expect(wrongCluster.error?.details).toMatch(/cluster other-cluster, this is cluster test-cluster/);

    const unknownSender = await deliver({ ...valid, from: 'z' });
    expect(unknownSender.error?.code).toBe(grpc.status.FAILED_PRECONDITION);

    const notForMe = await deliver({ ...valid, to: a });
    expect(notForMe.error?.code).toBe(grpc.status.FAILED_PRECONDITION);

    const hugeTerm = await deliver({ ...valid, term: '18446744073709551615' });
    expect(hugeTerm.error?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(hugeTerm.error?.details).toMatch(/out of range/);

    const noBody = await deliver({ clusterId: cluster, from: a, to: b, term: '1' });
    expect(noBody.error?.code).toBe(grpc.status.INVALID_ARGUMENT);

    expect(nb.received).toEqual([]);

    const ok = await deliver(valid);
    expect(ok.error).toBeNull();
    expect(ok.response).toEqual({
      envelopes: [
        { clusterId: cluster, from: b, to: a, term: '1', body: 'heartbeatAck', heartbeatAck: { round: '1' }, metadata: null },
      ],
    });
    expect(nb.received).toEqual([{ from: a, message: { kind: 'heartbeat', term: 1, round: 1 } }]);
  });

  it('answers INTERNAL when the handler fails, and keeps serving', async () => {
    const nodes = await makeCluster([a, b]);
    const nb = nodes.get(b)!;
    let fail = true;
    await nb.transport.start(async (from, message) => {
      if (fail) throw new Error('boom');
      return recorder(nb, follower)(from, message, null);
    });
    const deliver = rawClient(nb.address);
    const valid = { clusterId: cluster, from: a, to: b, term: '1', voteRequest: { preVote: true, transfer: false } };

    const failed = await deliver(valid);
    expect(failed.error?.code).toBe(grpc.status.INTERNAL);
    expect(failed.error?.details).toMatch(/boom/);

    fail = false;
    const ok = await deliver(valid);
    expect(ok.error).toBeNull();
    expect(nb.received).toHaveLength(1);
  });

  it('does not throw for a down or unknown peer, and reaches the peer once it starts', async () => {
    const nodes = await makeCluster([a, b], 300);
    const [na, nb] = [nodes.get(a)!, nodes.get(b)!];
    await na.transport.start(recorder(na));

    expect(() => na.transport.send(b, { kind: 'heartbeat', term: 1, round: 1 })).not.toThrow();
    expect(() => na.transport.send(asNodeId('nobody'), { kind: 'heartbeat', term: 1, round: 1 })).not.toThrow();
    expect(() => na.transport.send(a, { kind: 'heartbeat', term: 1, round: 1 })).not.toThrow();
    // Let the channel notice that b is down (the first attempts fail) before b comes up.
    let round = 1;
    const started = Date.now();
    while (Date.now() - started < 200) {
      na.transport.send(b, { kind: 'heartbeat', term: 1, round: ++round });
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(na.received).toEqual([]);

    await nb.transport.start(recorder(nb, follower));
    const timer = setInterval(() => na.transport.send(b, { kind: 'heartbeat', term: 1, round: ++round }), 20);
    try {
      await waitFor(() => na.received.length > 0, 'a heartbeat to reach the restarted peer', 5000);
    } finally {
      clearInterval(timer);
    }
    expect(nb.received.length).toBeGreaterThan(0);
    expect(na.received[0]?.message.kind).toBe('heartbeat-ack');
  });

  it('connects to every peer as it starts, before sending anything, and to a peer that comes up later', async () => {
    const nodes = await makeCluster([a, b, c]);
    const [na, nb, nc] = [nodes.get(a)!, nodes.get(b)!, nodes.get(c)!];
    await na.transport.start(recorder(na));
    await nb.transport.start(recorder(nb));
    await waitFor(() => na.transport.connectedPeers().includes(b), 'a to connect to b unasked');
    expect(na.transport.connectedPeers()).toEqual([b]);
    await nc.transport.start(recorder(nc));
    await waitFor(() => na.transport.connectedPeers().length === 2, 'a to connect to c once c is up');
    expect(nc.transport.connectedPeers().sort()).toEqual([a, b]);
    expect([na, nb, nc].flatMap((node) => node.received)).toEqual([]);
  });

  it('reaches a peer again after it restarts on the same address', async () => {
    const nodes = await makeCluster([a, b], 300);
    const [na, nb] = [nodes.get(a)!, nodes.get(b)!];
    await nb.transport.start(recorder(nb, follower));
    await na.transport.start(recorder(na));
    na.transport.send(b, { kind: 'heartbeat', term: 1, round: 1 });
    await waitFor(() => na.received.length === 1, 'the first ack');

    await nb.transport.close();
    const restarted = new GrpcTransport({
      self: b,
      clusterId: cluster,
      listenAddress: nb.address,
      peers: new Map([[a, na.address]]),
      logger,
      callDeadlineMs: 300,
    });
    cleanups.push(() => restarted.close());
    await restarted.start(recorder(nb, follower));

    let round = 1;
    const timer = setInterval(() => na.transport.send(b, { kind: 'heartbeat', term: 1, round: ++round }), 20);
    try {
      await waitFor(() => na.received.length > 1, 'an ack from the restarted peer', 5000);
    } finally {
      clearInterval(timer);
    }
  });

  it('rejects start() with the address when the port is taken', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
    const address = `127.0.0.1:${(blocker.address() as net.AddressInfo).port}`;
    const transport = new GrpcTransport({
      self: a,
      clusterId: cluster,
      listenAddress: address,
      peers: new Map(),
      logger,
      callDeadlineMs: 100,
    });
    cleanups.push(() => transport.close());
    await expect(transport.start(async () => [])).rejects.toThrow(`cannot listen on ${address}`);
  });

  it('supports port 0 and closes idempotently', async () => {
    const transport = new GrpcTransport({
      self: a,
      clusterId: cluster,
      listenAddress: '127.0.0.1:0',
      peers: new Map([[b, '127.0.0.1:1']]),
      logger,
      callDeadlineMs: 100,
    });
    await transport.start(async () => []);
    expect(transport.boundPort).toBeGreaterThan(0);
    await Promise.all([transport.close(), transport.close()]);
    await transport.close();
    expect(() => transport.send(b, { kind: 'timeout-now', term: 1, target: b })).not.toThrow();
    await expect(transport.start(async () => [])).rejects.toThrow(/after close/);
  });
});
