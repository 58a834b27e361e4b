import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ClusterClient } from '../../src/client/cluster-client.ts';
import { type LeaseEndedError } from '../../src/client/lease.ts';
import { StartNodeError, startNode, type EmbeddedNode } from '../../src/node/embedded-node.ts';
import { asClusterId } from '../../src/core/ids.ts';
import { certificatePaths } from '../../src/tls/mint-certificates.ts';
import { freePorts } from '../../src/util/free-ports.ts';
import { TestPki } from '../support/test-pki.ts';
import { waitFor } from '../support/wait-for.ts';

const timings = { heartbeatMs: 40, electionTimeoutMs: 400, electionJitterMs: 100 };
/** Generous: this VM sometimes freezes every process for a second or more. */
const convergenceMs = 30_000;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Three members of one cluster, all inside this test process, each with its own LevelDB data dir. */
async function startCluster(): Promise<EmbeddedNode[]> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'hbc-embedded-'));
  cleanups.push(() => rm(root, { recursive: true, force: true }));
  const ports = await freePorts(6);
  const ids = ['n1', 'n2', 'n3'];
  const peers = Object.fromEntries(ids.map((id, i) => [id, `127.0.0.1:${ports[i]}`]));
  const nodes = await Promise.all(
    ids.map((id, i) =>
      startNode({
        id,
        listen: peers[id] as string,
        peers,
        adminListen: `127.0.0.1:${ports[3 + i]}`,
        metricsListen: 'off',
        dataDir: path.join(root, id),
        ...timings,
      }),
    ),
  );
  for (const node of nodes) cleanups.push(() => node.stop());
  return nodes;
}

async function holderOf(nodes: readonly EmbeddedNode[]): Promise<EmbeddedNode> {
  return waitFor(
    () => {
      const holders = nodes.filter((node) => node.status().holdsLease);
      return holders.length === 1 ? holders[0] : null;
    },
    convergenceMs,
    'one lease holder',
  );
}

/** When (performance.now()) any of `nodes` next acquires the lease. */
function nextLeaseAcquired(nodes: readonly EmbeddedNode[]): Promise<{ node: string; term: number; at: number }> {
  return new Promise((resolve) => {
    for (const node of nodes) node.once('lease-acquired', ({ term }) => resolve({ node: node.id, term, at: performance.now() }));
  });
}

function abortedAt(signal: AbortSignal): Promise<number> {
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(performance.now()), { once: true }));
}

describe('startNode: members inside the application process', () => {
  it('refuses bad settings naming what to fix, before touching any port or data dir', async () => {
    const refused = await startNode({ id: 'n1', listen: '127.0.0.1:7400', peers: { n2: '127.0.0.1:7401' }, heartbeatMs: 500 }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(StartNodeError);
    expect((refused as StartNodeError).exitCode).toBe(2);
    expect((refused as StartNodeError).problems.join('\n')).toMatch(/does not list this node \(n1\)/);
  });

  it("elect one lease holder; its lease's signal aborts before the next holder's lease starts when it stops, and it hands over", async () => {
    const nodes = await startCluster();
    const holder = await holderOf(nodes);
    const others = nodes.filter((node) => node !== holder);
    const leaders = others[0]?.observeLeader() as AsyncIterableIterator<{ leaderId: string; term: number }>;
    expect((await leaders.next()).value?.leaderId).toBe(holder.id);

    const lease = await holder.acquireLease();
    expect(lease).toMatchObject({ holder: holder.id, term: holder.status().term });
    const aborted = abortedAt(lease.signal);
    const next = nextLeaseAcquired(others);
    await holder.stop();
    const [abortAt, successor] = await Promise.all([aborted, next]);
    expect((lease.signal.reason as LeaseEndedError).reason).toBe('lost');
    expect(abortAt).toBeLessThan(successor.at);
    expect(successor.term).toBeGreaterThan(lease.term);
    const change = (await leaders.next()).value;
    expect(change).toEqual({ leaderId: successor.node, term: successor.term });
    await leaders.return?.();
    await expect(holder.acquireLease()).rejects.toThrow(`node ${holder.id} has stopped`);
  });

  it("a remote client's lease survives the hand-off wait and aborts before the transfer target's lease starts", async () => {
    const nodes = await startCluster();
    const holder = await holderOf(nodes);
    const client = new ClusterClient(
      nodes.map((node) => ({ endpoint: node.adminAddress, id: node.id, pid: null })),
      { callTimeoutMs: 5_000 },
    );
    cleanups.push(() => client.close());
    const lease = await client.acquireLease({ node: holder.id });
    const askedAt = performance.now();
    const aborted = abortedAt(lease.signal);
    const target = nodes.find((node) => node !== holder) as EmbeddedNode;
    const next = nextLeaseAcquired([target]);
    const transferred = await client.transfer({ to: target.id });
    expect(transferred).toMatchObject({ ok: true, value: { from: holder.id, to: target.id } });
    const [abortAt, successor] = await Promise.all([aborted, next]);
    // WatchLease told the client at once; the node waited out the token before letting the target campaign.
    expect((lease.signal.reason as LeaseEndedError).reason).toBe('lost');
    expect(abortAt).toBeLessThan(askedAt + lease.validForMs);
    expect(successor.at).toBeGreaterThanOrEqual(askedAt + lease.validForMs - 1);
  });

  it('run over TLS from the same settings in camelCase, serve a TLS client, and reload their certificates on request', async () => {
    const ids = ['n1', 'n2', 'n3'];
    const pki = await TestPki.create(asClusterId('embedded'), ids);
    cleanups.push(() => pki.remove());
    const ports = await freePorts(6);
    const peers = Object.fromEntries(ids.map((id, i) => [id, `127.0.0.1:${ports[i]}`]));
    const nodes = await Promise.all(
      ids.map((id, i) => {
        const own = certificatePaths(pki.dir, id);
        return startNode({
          id,
          listen: peers[id] as string,
          peers,
          clusterId: 'embedded',
          adminListen: `127.0.0.1:${ports[3 + i]}`,
          metricsListen: 'off',
          dataDir: path.join(pki.root, id),
          ...timings,
          peerCertFile: own.cert,
          peerKeyFile: own.key,
          peerTrustedCaFile: pki.caFile,
          certFile: own.cert,
          keyFile: own.key,
          clientCertAuth: true,
          trustedCaFile: pki.caFile,
        });
      }),
    );
    for (const node of nodes) cleanups.push(() => node.stop());
    const holder = await holderOf(nodes);
    const client = new ClusterClient([{ endpoint: holder.adminAddress, id: holder.id, pid: null }], { tls: await pki.client('reader') });
    cleanups.push(() => client.close());
    const [answer] = await client.getLeaderAll();
    expect(answer?.result).toMatchObject({ ok: true, value: { id: holder.id, holdsLease: true } });

    await pki.renewNode(holder.id);
    const reports = holder.reloadCertificates();
    expect(reports).toEqual([
      { part: 'peer', ok: true, changed: true, serial: expect.any(String), validUntil: expect.any(String) },
      { part: 'server', ok: true, changed: true, serial: reports[0]?.ok === true ? reports[0].serial : '', validUntil: expect.any(String) },
    ]);
    // Still one cluster: the open links are not touched.
    await holderOf(nodes);
  });
});
