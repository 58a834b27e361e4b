import tls from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import { pino, type Logger } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { asClusterId, asNodeId, type NodeId } from '../../src/core/ids.ts';
import type { PeerMessage } from '../../src/core/messages.ts';
import { ReloadableTls } from '../../src/tls/reloadable-tls.ts';
import { clientChannel } from '../../src/tls/tls-channel.ts';
import type { TlsFiles } from '../../src/tls/tls-material.ts';
import { GrpcTransport } from '../../src/transport/grpc-transport.ts';
import { envelopeBytes } from '../../src/transport/peer-codec.ts';
import { RawPeerClient } from '../../src/transport/raw-peer-link.ts';
import { freePorts } from '../../src/util/free-ports.ts';
import { waitFor } from '../support/wait-for.ts';
import { TestPki } from '../support/test-pki.ts';

const silent = pino({ level: 'silent' });
const cluster = asClusterId('tls-test');
const [a, b, c] = [asNodeId('a'), asNodeId('b'), asNodeId('c')];
const labels = { cert: '--peer-cert-file', key: '--peer-key-file', ca: '--peer-trusted-ca-file' };

let pki: TestPki;
beforeAll(async () => {
  pki = await TestPki.create(cluster, [a, b, c]);
});
afterAll(async () => {
  await pki.remove();
});

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function openTls(files: TlsFiles): ReloadableTls {
  const opened = ReloadableTls.open(files, labels, 'server-and-client');
  if (!opened.ok) throw new Error(opened.problems.join('; '));
  return opened.tls;
}

interface TlsNode {
  readonly transport: GrpcTransport;
  readonly source: ReloadableTls;
  readonly received: PeerMessage[];
  readonly address: string;
}

/** Starts mTLS transports for `ids` on free ports (`files` overrides a node's certificate), each acking heartbeats. */
async function startCluster(
  ids: readonly NodeId[],
  options: { files?: Partial<Record<NodeId, TlsFiles>>; logger?: Logger; addresses?: Map<NodeId, string> } = {},
): Promise<Map<NodeId, TlsNode>> {
  const ports = await freePorts(ids.length);
  const addresses = options.addresses ?? new Map(ids.map((id, index) => [id, `127.0.0.1:${ports[index]}`]));
  const nodes = new Map<NodeId, TlsNode>();
  for (const id of ids) {
    const source = openTls(options.files?.[id] ?? pki.nodeFiles(id));
    const transport = new GrpcTransport({
      self: id,
      clusterId: cluster,
      listenAddress: addresses.get(id)!,
      peers: new Map([...addresses].filter(([peer]) => peer !== id)),
      logger: options.logger ?? silent,
      livenessTimeoutMs: 5000,
      reconnectBackoff: { initialMs: 20, maxMs: 200 },
      tls: { source, minVersion: 'TLSv1.2' },
    });
    cleanups.push(() => transport.close());
    const received: PeerMessage[] = [];
    await transport.start(async (_from, message) => {
      received.push(message);
      return message.kind === 'heartbeat' ? [{ kind: 'heartbeat-ack', term: message.term, round: message.round }] : [];
    });
    nodes.set(id, { transport, source, received, address: addresses.get(id)! });
  }
  return nodes;
}

function raw(address: string, material: Parameters<typeof clientChannel>[1] | null): RawPeerClient {
  const client = new RawPeerClient(address, { separateConnection: true, ...(material === null ? {} : { secure: clientChannel(address, material) }) });
  cleanups.push(() => client.close());
  return client;
}

const heartbeatFromA = envelopeBytes({ clusterId: cluster, from: a, to: b, term: '1', body: 'heartbeat', heartbeat: { round: '1' } });

/** The serial number of the certificate a TLS server at `address` presents now. */
async function servedSerial(address: string): Promise<string> {
  const [host, port] = address.split(':');
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host, port: Number(port), rejectUnauthorized: false, ALPNProtocols: ['h2'] }, () => {
      resolve(socket.getPeerCertificate().serialNumber);
      socket.destroy();
    });
    socket.on('error', reject);
  });
}

describe('GrpcTransport with mutual TLS', () => {
  it('links members whose certificates name them and carries messages both ways', async () => {
    const nodes = await startCluster([a, b]);
    const [na, nb] = [nodes.get(a)!, nodes.get(b)!];
    await waitFor(() => na.transport.connectedPeers().includes(b) && nb.transport.connectedPeers().includes(a), 5000, 'both links');

    na.transport.send(b, { kind: 'heartbeat', term: 3, round: 7 });

    await waitFor(() => na.received.length > 0, 5000, 'the ack');
    expect(nb.received).toEqual([{ kind: 'heartbeat', term: 3, round: 7 }]);
    expect(na.received).toEqual([{ kind: 'heartbeat-ack', term: 3, round: 7 }]);
  });

  it("refuses with PERMISSION_DENIED, and counts, a stream whose certificate names another member, none, another CA's, an expired or a future one", async () => {
    const { logger, lines } = capturing();
    const nodes = await startCluster([b], {
      logger,
      addresses: new Map([
        [b, `127.0.0.1:${(await freePorts(1))[0]}`],
        [a, '127.0.0.1:1'],
      ]),
    });
    const nb = nodes.get(b)!;
    await pki.foreignNode(a);
    await pki.nodeValidFor('a-expired', a, -30, -1);
    await pki.nodeValidFor('a-future', a, 1, 30);
    const asA = { from: a, clusterId: cluster };

    const impostor = await raw(nb.address, await pki.client(c)).link(asA, [heartbeatFromA]);
    const anonymous = await raw(nb.address, await pki.client(null)).link(asA, [heartbeatFromA]);
    const otherCa = await raw(nb.address, { ...(await pki.client(a, pki.otherDir)), ca: (await pki.client(null)).ca }).link(asA, [heartbeatFromA]);
    const outdated = await raw(nb.address, await pki.client('a-expired')).link(asA, [heartbeatFromA]);
    const early = await raw(nb.address, await pki.client('a-future')).link(asA, [heartbeatFromA]);

    expect(impostor.code).toBe(grpc.status.PERMISSION_DENIED);
    expect(impostor.details).toMatch(/claims to come from a but its connection's certificate is c's/);
    expect(anonymous.code).toBe(grpc.status.PERMISSION_DENIED);
    expect(anonymous.details).toMatch(/presented no client certificate/);
    expect(otherCa.code).toBe(grpc.status.PERMISSION_DENIED);
    expect(otherCa.details).toMatch(/is not issued by a CA this node trusts/);
    expect(outdated.code).toBe(grpc.status.PERMISSION_DENIED);
    expect(outdated.details).toMatch(/has expired: it was valid until/);
    expect(early.code).toBe(grpc.status.PERMISSION_DENIED);
    expect(early.details).toMatch(/is not valid yet/);
    expect(nb.received).toEqual([]);
    expect(nb.transport.rejections().get('identity-mismatch')).toBe(1);
    expect(nb.transport.rejections().get('untrusted-certificate')).toBe(4);
    const logged = lines.filter((line) => line.includes('peer-message-rejected')).map((line) => JSON.parse(line) as { rejection: string; reason: string });
    expect(logged.map((entry) => entry.rejection).sort()).toEqual(['identity-mismatch', 'untrusted-certificate']);
  });

  it('refuses a plaintext caller at the TLS handshake and counts it', async () => {
    const nodes = await startCluster([b], {
      addresses: new Map([
        [b, `127.0.0.1:${(await freePorts(1))[0]}`],
        [a, '127.0.0.1:1'],
      ]),
    });
    const nb = nodes.get(b)!;

    const plaintext = await raw(nb.address, null).link({ from: a, clusterId: cluster }, [heartbeatFromA], { deadlineMs: 2000 });

    expect(plaintext.code).toBe(grpc.status.UNAVAILABLE);
    await waitFor(() => (nb.transport.rejections().get('tls-handshake-failed') ?? 0) > 0, 2000, 'the refused handshake to be counted');
    expect(nb.received).toEqual([]);
  });

  it('does not link to a server whose certificate names another member than the one dialled', async () => {
    const { logger, lines } = capturing();
    const [portA, portB] = await freePorts(2);
    // b's address is given to a, but the node serving there has c's certificate.
    const addresses = new Map([
      [a, `127.0.0.1:${portA}`],
      [b, `127.0.0.1:${portB}`],
    ]);
    const nodes = await startCluster([a, b], { logger, addresses, files: { [b]: pki.nodeFiles(c) } });

    await waitFor(() => lines.some((line) => line.includes('peer-link-refused') && line.includes('"to":"b"')), 5000, 'a to log why it cannot reach b');
    const line = JSON.parse(lines.find((entry) => entry.includes('peer-link-refused') && entry.includes('"to":"b"'))!) as { details: string };
    expect(line.details).toMatch(/names hbc:\/\/tls-test\/node\/c, not hbc:\/\/tls-test\/node\/b/);
    expect(nodes.get(a)!.transport.connectedPeers()).toEqual([]);
  });

  it('serves a rotated certificate to new connections after a reload, without breaking the links it has', async () => {
    const nodes = await startCluster([a, b]);
    const [na, nb] = [nodes.get(a)!, nodes.get(b)!];
    await waitFor(() => na.transport.connectedPeers().includes(b) && nb.transport.connectedPeers().includes(a), 5000, 'both links');
    const before = await servedSerial(nb.address);

    await pki.renewNode(b);
    const reloaded = nb.source.reload();

    expect(reloaded).toMatchObject({ ok: true, changed: true });
    const after = await servedSerial(nb.address);
    expect(after).not.toBe(before);
    expect(after).toBe(nb.source.current().certificate.serialNumber);
    na.transport.send(b, { kind: 'heartbeat', term: 1, round: 1 });
    await waitFor(() => na.received.length > 0, 5000, 'an ack on the link opened before the rotation');
    // A new connection from b to a presents b's new certificate, and a accepts it.
    const fresh = await raw(na.address, await pki.client(b)).link({ from: b, clusterId: cluster }, [], { keepOpen: true, deadlineMs: 300 });
    expect(fresh.code).toBe(grpc.status.DEADLINE_EXCEEDED);
  });
});

function capturing(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { logger: pino({ level: 'info' }, { write: (line: string) => void lines.push(line) }), lines };
}
