import { spawn } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { pino, type Logger } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { asClusterId, asNodeId, type NodeId } from '../../src/core/ids.ts';
import { decodeEnvelope } from '../../src/transport/peer-codec.ts';
import { loadProtoDefinition } from '../../src/transport/proto-loader.ts';
import type { PeerMessage } from '../../src/core/messages.ts';
import { FaultInjectingTransport } from '../../src/transport/fault-injecting-transport.ts';
import { GrpcTransport } from '../../src/transport/grpc-transport.ts';
import { envelopeBytes, MAX_ENVELOPE_BYTES } from '../../src/transport/peer-codec.ts';
import type { Envelope, Envelope__Output } from '../../src/generated/heartbeat/peer/v1/Envelope.ts';
import { RawPeerClient } from '../../src/transport/raw-peer-link.ts';
import type { InboundHandler } from '../../src/transport/transport.ts';

const logger = pino({ level: 'silent' });
const cluster = asClusterId('test-cluster');
const [a, b, c] = [asNodeId('a'), asNodeId('b'), asNodeId('c')];

const envelopeDeserialize = (
  loadProtoDefinition('peer.proto')['heartbeat.peer.v1.Peer'] as Record<string, { requestDeserialize: (bytes: Buffer) => Envelope__Output }>
)['Link']!.requestDeserialize;

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
async function makeCluster(ids: readonly NodeId[], options: { livenessTimeoutMs?: number; logger?: Logger } = {}): Promise<Map<NodeId, Node>> {
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
      logger: options.logger ?? logger,
      livenessTimeoutMs: options.livenessTimeoutMs ?? 5000,
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

/** A client that opens Link streams with whatever it is given; closed after the test. */
function rawClient(address: string): RawPeerClient {
  const client = new RawPeerClient(address);
  cleanups.push(() => client.close());
  return client;
}

const wire = (envelope: Envelope): Buffer => envelopeBytes(envelope);

/** A logger that keeps every line it writes, to count them. */
function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
  return { logger, lines };
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
    await na.transport.start(recorder(na, (_from, m) => (m.kind === 'vote-response' ? [{ kind: 'timeout-now', term: m.term, target: nb.id }] : [])));

    na.transport.send(b, { kind: 'vote-request', term: 5, preVote: false, transfer: true });

    await waitFor(() => nb.received.length >= 2, 'timeout-now at b');
    expect(nb.received.map((r) => r.message)).toEqual([
      { kind: 'vote-request', term: 5, preVote: false, transfer: true },
      { kind: 'timeout-now', term: 5, target: b },
    ]);
    expect(na.received).toEqual([{ from: b, message: { kind: 'vote-response', term: 5, preVote: false, granted: true } }]);
  });

  it('ends a stream carrying an invalid envelope with a gRPC status saying why, counts it, and keeps serving', async () => {
    const nodes = await makeCluster([a, b]);
    const nb = nodes.get(b)!;
    await nb.transport.start(recorder(nb, follower));
    const raw = rawClient(nb.address);
    const asA = { from: a, clusterId: cluster };
    const valid = { clusterId: cluster, from: a, to: b, term: '1', heartbeat: { round: '1' } };

    const wrongCluster = await raw.link(asA, [wire({ ...valid, clusterId: 'other-cluster' })]);
    expect(wrongCluster.code).toBe(grpc.status.FAILED_PRECONDITION);
    expect(wrongCluster.details).toMatch(/cluster other-cluster, this is cluster test-cluster/);
    expect((await raw.link(asA, [wire({ ...valid, to: a })])).code).toBe(grpc.status.FAILED_PRECONDITION);
    const hugeTerm = await raw.link(asA, [wire({ ...valid, term: '18446744073709551615' })]);
    expect(hugeTerm.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(hugeTerm.details).toMatch(/out of range/);
    expect((await raw.link(asA, [wire({ clusterId: cluster, from: a, to: b, term: '1' })])).code).toBe(grpc.status.INVALID_ARGUMENT);
    const garbage = await raw.link(asA, [Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x07])]);
    expect(garbage.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(garbage.details).toMatch(/not a protobuf Envelope/);
    const oversized = await raw.link(asA, [Buffer.alloc(MAX_ENVELOPE_BYTES + 1, 0x0a)]);
    expect(oversized.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    const huge = await raw.link(asA, [Buffer.alloc(1 << 20, 0x0a)]);
    expect(huge.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    // The stream itself must say who opens it, for which cluster.
    expect((await raw.link({ from: null, clusterId: cluster }, [wire(valid)])).code).toBe(grpc.status.INVALID_ARGUMENT);
    expect((await raw.link({ from: 'z', clusterId: cluster }, [wire(valid)])).code).toBe(grpc.status.FAILED_PRECONDITION);
    expect((await raw.link({ from: a, clusterId: 'other-cluster' }, [wire(valid)])).code).toBe(grpc.status.FAILED_PRECONDITION);
    expect(nb.received).toEqual([]);

    expect(Object.fromEntries(nb.transport.rejections())).toMatchObject({
      'wrong-cluster': 2,
      'wrong-receiver': 1,
      malformed: 2,
      undecodable: 1,
      oversized: 2,
      'bad-stream-metadata': 1,
      'unknown-sender': 1,
    });

    const ok = await raw.link(asA, [wire(valid)], { keepOpen: true, deadlineMs: 300 });
    expect(ok.code).toBe(grpc.status.DEADLINE_EXCEEDED);
    expect(ok.received.map((bytes) => decodeEnvelope(envelopeDeserialize(bytes), { clusterId: cluster, self: a, peers: new Set([b]) }))).toEqual([
      { ok: true, from: b, message: { kind: 'heartbeat-ack', term: 1, round: 1 }, metadata: null },
    ]);
    expect(nb.received).toEqual([{ from: a, message: { kind: 'heartbeat', term: 1, round: 1 } }]);
  });

  it('refuses an envelope that names another sender than the stream it arrives on', async () => {
    const nodes = await makeCluster([a, b, c]);
    const nb = nodes.get(b)!;
    await nb.transport.start(recorder(nb, follower));
    const raw = rawClient(nb.address);
    const fromA = wire({ clusterId: cluster, from: a, to: b, term: '1', heartbeat: { round: '1' } });
    const fromC = wire({ clusterId: cluster, from: c, to: b, term: '9', timeoutNow: { target: b } });

    const outcome = await raw.link({ from: a, clusterId: cluster }, [fromA, fromC], { keepOpen: true });

    expect(outcome.code).toBe(grpc.status.FAILED_PRECONDITION);
    expect(outcome.details).toMatch(/envelope from c on the stream of a/);
    expect(nb.received).toEqual([{ from: a, message: { kind: 'heartbeat', term: 1, round: 1 } }]);
    expect(nb.transport.rejections().get('sender-mismatch')).toBe(1);
  });

  it('logs a flood of bad streams at a bounded rate, with the number suppressed, and counts every one', async () => {
    const { logger: capturing, lines } = capturingLogger();
    const nodes = await makeCluster([a, b], { logger: capturing });
    const nb = nodes.get(b)!;
    await nb.transport.start(recorder(nb, follower));
    const raw = rawClient(nb.address);
    const bad = wire({ clusterId: 'other-cluster', from: a, to: b, term: '1', heartbeat: { round: '1' } });
    const before = lines.length;

    const outcomes = await Promise.all(Array.from({ length: 1000 }, () => raw.link({ from: a, clusterId: cluster }, [bad])));

    expect(outcomes.every((outcome) => outcome.code === grpc.status.FAILED_PRECONDITION)).toBe(true);
    expect(nb.transport.rejections().get('wrong-cluster')).toBe(1000);
    const rejectionLines = lines.slice(before).filter((line) => line.includes('peer-message-rejected'));
    // One line per second at most: the flood takes a few seconds at most here.
    expect(rejectionLines.length).toBeGreaterThanOrEqual(1);
    expect(rejectionLines.length).toBeLessThanOrEqual(10);
    const suppressed = rejectionLines.reduce((sum, line) => sum + (JSON.parse(line) as { suppressed: number }).suppressed, 0);
    expect(suppressed).toBeLessThan(1000);
    expect(suppressed + rejectionLines.length).toBeGreaterThan(0);
  });

  it('keeps the stream when the handler fails on one message', async () => {
    const nodes = await makeCluster([a, b]);
    const [na, nb] = [nodes.get(a)!, nodes.get(b)!];
    let fail = true;
    await nb.transport.start(async (from, message) => {
      if (fail) throw new Error('boom');
      return recorder(nb, follower)(from, message, null);
    });
    await na.transport.start(recorder(na));
    await waitFor(() => na.transport.connectedPeers().includes(b), 'a to open its stream to b');

    na.transport.send(b, { kind: 'vote-request', term: 1, preVote: true, transfer: false });
    await new Promise((resolve) => setTimeout(resolve, 50));
    fail = false;
    na.transport.send(b, { kind: 'vote-request', term: 2, preVote: true, transfer: false });

    await waitFor(() => na.received.length > 0, 'the answer to the second request');
    expect(nb.received.map((r) => r.message.term)).toEqual([2]);
    expect(na.received).toEqual([{ from: b, message: { kind: 'vote-response', term: 2, preVote: true, granted: true } }]);
  });

  it('does not throw for a down or unknown peer, and reaches the peer once it starts', async () => {
    const nodes = await makeCluster([a, b], { livenessTimeoutMs: 300 });
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
    const nodes = await makeCluster([a, b], { livenessTimeoutMs: 300 });
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
      livenessTimeoutMs: 300,
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

  it('re-streams a restarted peer at once, not after the reconnect backoff', async () => {
    const addresses = new Map([
      [a, `127.0.0.1:${await freePort()}`],
      [b, `127.0.0.1:${await freePort()}`],
    ]);
    const transportFor = (self: NodeId, peer: NodeId): GrpcTransport => {
      const transport = new GrpcTransport({
        self,
        clusterId: cluster,
        listenAddress: addresses.get(self)!,
        peers: new Map([[peer, addresses.get(peer)!]]),
        logger,
        livenessTimeoutMs: 5000,
        // Long enough that waiting it out would fail the test.
        reconnectBackoff: { initialMs: 3000, maxMs: 10_000 },
      });
      cleanups.push(() => transport.close());
      return transport;
    };
    const ta = transportFor(a, b);
    const received: PeerMessage[] = [];
    await ta.start(async () => []);
    const first = transportFor(b, a);
    await first.start(async (_from, message) => (received.push(message), []));
    await waitFor(() => ta.connectedPeers().includes(b), 'a to stream to b');

    await first.close();
    await waitFor(() => !ta.connectedPeers().includes(b), 'a to see its stream to b break');
    // a's channel tries b once, finds it down and backs off for seconds.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const restarted = transportFor(b, a);
    await restarted.start(async (_from, message) => (received.push(message), []));
    const upAt = performance.now();

    await waitFor(() => ta.connectedPeers().includes(b), 'a to stream to the restarted b', 1500);
    expect(performance.now() - upAt).toBeLessThan(1500);
    ta.send(b, { kind: 'timeout-now', term: 3, target: b });
    await waitFor(() => received.length > 0, 'b to receive on the new stream');
    expect(received).toEqual([{ kind: 'timeout-now', term: 3, target: b }]);
  });

  it('notices a peer that stops answering (SIGSTOP) by keepalive, and streams to it again once it resumes', async () => {
    const [portA, portB] = [await freePort(), await freePort()];
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('../support/peer-process.ts', import.meta.url)), b, `127.0.0.1:${portB}`, a, `127.0.0.1:${portA}`],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    cleanups.push(() => {
      child.kill('SIGCONT');
      child.kill('SIGKILL');
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
      child.once('exit', (code) => reject(new Error(`peer process exited with ${code}`)));
    });
    const transport = new GrpcTransport({
      self: a,
      clusterId: cluster,
      listenAddress: `127.0.0.1:${portA}`,
      peers: new Map([[b, `127.0.0.1:${portB}`]]),
      logger,
      livenessTimeoutMs: 200,
      reconnectBackoff: { initialMs: 50, maxMs: 200 },
    });
    cleanups.push(() => transport.close());
    const acks: PeerMessage[] = [];
    await transport.start(async (_from, message) => (acks.push(message), []));
    await waitFor(() => transport.connectedPeers().includes(b), 'a to stream to b');

    child.kill('SIGSTOP');
    const stoppedAt = performance.now();
    // The stream carries nothing meanwhile, so only keepalive can tell: a ping every 400 ms, unanswered for 200 ms.
    await waitFor(() => !transport.connectedPeers().includes(b), 'keepalive to give up on the paused peer', 5000);
    expect(performance.now() - stoppedAt).toBeGreaterThanOrEqual(200);

    child.kill('SIGCONT');
    await waitFor(() => transport.connectedPeers().includes(b), 'a to stream to b again', 5000);
    transport.send(b, { kind: 'heartbeat', term: 1, round: 1 });
    await waitFor(() => acks.length > 0, 'an ack from the resumed peer');
    expect(acks).toEqual([{ kind: 'heartbeat-ack', term: 1, round: 1 }]);
  });

  it('still cuts one way only under fault injection: a cut outbound link drops sends and replies, not what comes in', async () => {
    const nodes = await makeCluster([a, b]);
    const [na, nb] = [nodes.get(a)!, nodes.get(b)!];
    const faultyA = new FaultInjectingTransport(na.transport, { next: () => 0 });
    await nb.transport.start(recorder(nb, follower));
    await faultyA.start(recorder(na, follower));
    await waitFor(() => na.transport.connectedPeers().includes(b) && nb.transport.connectedPeers().includes(a), 'both streams open');

    faultyA.partition([b], 'outbound');
    faultyA.send(b, { kind: 'heartbeat', term: 1, round: 1 });
    nb.transport.send(a, { kind: 'heartbeat', term: 2, round: 2 });
    await waitFor(() => na.received.length > 0, "b's heartbeat to reach a across the outbound cut");
    await new Promise((resolve) => setTimeout(resolve, 100));
    // a heard b, but neither its own heartbeat nor its ack of b's reached b.
    expect(na.received).toEqual([{ from: b, message: { kind: 'heartbeat', term: 2, round: 2 } }]);
    expect(nb.received).toEqual([]);

    faultyA.heal(null);
    faultyA.partition([b], 'inbound');
    faultyA.send(b, { kind: 'heartbeat', term: 3, round: 3 });
    nb.transport.send(a, { kind: 'heartbeat', term: 4, round: 4 });
    await waitFor(() => nb.received.length > 0, "a's heartbeat to reach b across the inbound cut");
    await new Promise((resolve) => setTimeout(resolve, 100));
    // b got a's heartbeat, but b's ack (back on a's stream) and b's own heartbeat were dropped at a.
    expect(nb.received).toEqual([{ from: a, message: { kind: 'heartbeat', term: 3, round: 3 } }]);
    expect(na.received).toHaveLength(1);
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
      livenessTimeoutMs: 100,
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
      livenessTimeoutMs: 100,
    });
    await transport.start(async () => []);
    expect(transport.boundPort).toBeGreaterThan(0);
    await Promise.all([transport.close(), transport.close()]);
    await transport.close();
    expect(() => transport.send(b, { kind: 'timeout-now', term: 1, target: b })).not.toThrow();
    await expect(transport.start(async () => [])).rejects.toThrow(/after close/);
  });
});
