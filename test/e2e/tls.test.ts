import { execFile } from 'node:child_process';
import https from 'node:https';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runFault } from '../../scripts/faults/run-fault.ts';
import { writeClusterFile } from '../../src/client/cluster-file.ts';
import { nodeProgramPath, nodeRuntimeFlags } from '../../src/harness/node-command.ts';
import { asClusterId, asNodeId, type NodeId } from '../../src/core/ids.ts';
import { certificatePaths } from '../../src/tls/mint-certificates.ts';
import { clientChannel, type ClientTlsMaterial } from '../../src/tls/tls-channel.ts';
import { envelopeBytes } from '../../src/transport/peer-codec.ts';
import { RawPeerClient } from '../../src/transport/raw-peer-link.ts';
import { hbctl } from '../support/hbctl.ts';
import { prometheusSamples } from '../support/prometheus-samples.ts';
import { TestPki } from '../support/test-pki.ts';
import { waitFor } from '../support/wait-for.ts';
import type { ClusterUnderTest } from '../../src/harness/cluster-under-test.ts';
import { e2eTimings, startRealCluster } from './real-cluster.ts';

// startRealCluster's nodes belong to cluster e2e.
const clusterId = asClusterId('e2e');
const [n1, n2, n3] = [asNodeId('n1'), asNodeId('n2'), asNodeId('n3')];

let pki: TestPki;
beforeAll(async () => {
  pki = await TestPki.create(clusterId, [n1, n2, n3]);
});
afterAll(async () => {
  await pki.remove();
});

let cluster: ClusterUnderTest | null = null;
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await cluster?.stop();
  cluster = null;
});

async function startTlsCluster(): Promise<ClusterUnderTest> {
  cluster = await startRealCluster(3, e2eTimings, { dir: pki.dir, client: await pki.client('operator') });
  return cluster;
}

/** hbctl's TLS flags for the client certificate `name` (null: none). */
function as(name: string | null): string[] {
  const ca = ['--cacert', pki.caFile];
  if (name === null) return ca;
  const { cert, key } = certificatePaths(pki.dir, name);
  return [...ca, '--cert', cert, '--key', key];
}

function scrape(url: string, client: ClientTlsMaterial): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca: client.ca, ...(client.cert === undefined ? {} : { cert: client.cert, key: client.key }) }, (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

/**
 * The leader and term stay put, unless a node logged a stall: this VM freezes single processes
 * for over a second now and then, and a leader change after that is right (see ClusterUnderTest.stalledSince).
 */
async function expectUnaffected(
  c: ClusterUnderTest,
  before: { leader: NodeId; term: number },
  sinceWallMs: number,
  among: readonly NodeId[] = c.running(),
): Promise<void> {
  const after = await c.waitForAgreedLeader(undefined, among);
  if (c.stalledSince(sinceWallMs)) return;
  expect(after).toEqual(before);
}

describe('a TLS cluster (mutual TLS between nodes, client certificates on the admin API)', () => {
  it('elects a leader and replaces a SIGKILLed one', async () => {
    const c = await startTlsCluster();
    const first = await c.waitForAgreedLeader();
    await c.kill(first.leader);
    const second = await c.waitForAgreedLeader();
    expect(second.leader).not.toBe(first.leader);
    expect(second.term).toBeGreaterThan(first.term);
    await c.restart(first.leader);
    const rejoined = await c.waitForAgreedLeader();
    expect(rejoined.term).toBeGreaterThanOrEqual(second.term);
  });

  it("refuses peers with another CA's certificate, none, an expired one, n3's claiming to be n2, or no TLS, and stays as it was", async () => {
    const c = await startTlsCluster();
    const before = await c.waitForAgreedLeader();
    const since = Date.now();
    const target = c.peerAddress(before.leader);
    const claimed = c.ids.find((id) => id !== before.leader) ?? n2;
    await pki.foreignNode(claimed);
    await pki.nodeValidFor(`${claimed}-expired`, claimed, -30, -1);
    const impersonator = c.ids.find((id) => id !== before.leader && id !== claimed) ?? n3;
    // A heartbeat of a far higher term: were it believed, the leader would step down at once.
    const takeover = envelopeBytes({ clusterId, from: claimed, to: before.leader, term: '1000000', body: 'heartbeat', heartbeat: { round: '1' } });
    const attempt = async (client: ClientTlsMaterial | null): Promise<{ code: number; details: string }> => {
      const raw = new RawPeerClient(target, { separateConnection: true, ...(client === null ? {} : { secure: clientChannel(target, client) }) });
      cleanups.push(() => raw.close());
      return raw.link({ from: claimed, clusterId }, [takeover], { deadlineMs: 3000 });
    };
    const ca = (await pki.client(null)).ca;

    const foreign = await attempt({ ...(await pki.client(claimed, pki.otherDir)), ca });
    const anonymous = await attempt(await pki.client(null));
    const expired = await attempt(await pki.client(`${claimed}-expired`));
    const impostor = await attempt(await pki.client(impersonator));
    const plaintext = await attempt(null);

    expect(foreign).toMatchObject({ code: grpc.status.PERMISSION_DENIED, details: expect.stringMatching(/is not issued by a CA this node trusts/) });
    expect(anonymous).toMatchObject({ code: grpc.status.PERMISSION_DENIED, details: expect.stringMatching(/presented no client certificate/) });
    expect(expired).toMatchObject({ code: grpc.status.PERMISSION_DENIED, details: expect.stringMatching(/has expired: it was valid until/) });
    expect(impostor).toMatchObject({
      code: grpc.status.PERMISSION_DENIED,
      details: expect.stringContaining(`claims to come from ${claimed} but its connection's certificate is ${impersonator}'s`),
    });
    expect(plaintext.code).toBe(grpc.status.UNAVAILABLE);
    await expectUnaffected(c, before, since);

    const metrics = await scrape(c.metricsUrl(before.leader), await pki.client('reader'));
    expect(metrics.status).toBe(200);
    const samples = prometheusSamples(metrics.body);
    expect(samples.get('hbc_peer_messages_rejected_total{reason="untrusted-certificate"}')).toBe(3);
    expect(samples.get('hbc_peer_messages_rejected_total{reason="identity-mismatch"}')).toBe(1);
    expect(samples.get('hbc_peer_messages_rejected_total{reason="tls-handshake-failed"}')).toBeGreaterThanOrEqual(1);
    const logged = c
      .nodeEvents(before.leader)
      .filter((event) => event.event === 'peer-message-rejected')
      .map((event) => event.fields.rejection);
    expect(new Set(logged)).toEqual(new Set(['untrusted-certificate', 'identity-mismatch', 'tls-handshake-failed']));
    expect((await scrape(c.metricsUrl(before.leader), await pki.client(null))).status).toBe(403);
  });

  it("keeps out a member started with another CA's certificate: it never leads and the others keep their leader", async () => {
    const c = await startTlsCluster();
    await c.kill(n3);
    const before = await c.waitForAgreedLeader(undefined, [n1, n2]);
    const since = Date.now();
    const foreign = await pki.foreignNode(n3);
    await c.restart(n3, ['--peer-cert-file', foreign.certFile, '--peer-key-file', foreign.keyFile]);

    await waitFor(
      async () => {
        const events = c.nodeEvents(n3);
        // It campaigns (pre-vote) again and again, and no vote reaches the others.
        return events.some((event) => event.event === 'peer-link-refused') && events.filter((event) => event.event === 'election-lost').length >= 3;
      },
      30_000,
      'n3 to lose three elections and to log that its peers refuse it',
    );
    await expectUnaffected(c, before, since, [n1, n2]);
    expect((await c.status(n3))?.role).not.toBe('leader');
    const refusals = [n1, n2].flatMap((id) => c.nodeEvents(id)).filter((event) => event.event === 'peer-message-rejected');
    expect(refusals.some((event) => event.fields.rejection === 'untrusted-certificate')).toBe(true);
  });

  it('lets hbctl read with the reader certificate, refuses it every change, and refuses a caller without a certificate', async () => {
    const c = await startTlsCluster();
    const { leader } = await c.waitForAgreedLeader();
    const endpoints = ['--endpoints', c.adminEndpoints()];
    const follower = c.ids.find((id) => id !== leader) ?? n2;

    for (const read of [['status'], ['leader'], ['lease'], ['members']]) {
      const result = await hbctl(...read, ...endpoints, ...as('reader'));
      expect({ command: read[0], code: result.code, stderr: result.stderr }).toEqual({ command: read[0], code: 0, stderr: '' });
    }
    const changes: [string[], string][] = [
      [['step-down'], 'StepDown'],
      [['transfer', '--to', follower], 'TransferLeadership'],
      [['partition', leader, '--from', follower], 'Partition'],
      [['heal'], 'Heal'],
      [['delay', leader, '--peers', follower, '--ms', '100'], 'SetDelay'],
    ];
    for (const [argv, rpc] of changes) {
      const result = await hbctl(...argv, ...endpoints, ...as('reader'));
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`PERMISSION_DENIED: ${rpc} needs the operator role; the client certificate (CN=reader, URI:hbc://e2e/role/reader`);
    }
    const anonymous = await hbctl('status', ...endpoints, ...as(null));
    expect(anonymous.code).toBe(1);
    expect(anonymous.stderr).toContain(
      "PERMISSION_DENIED: Status needs the reader role, which a client certificate from this node's trusted CA grants; the connection presented no client certificate",
    );
    const plaintext = await hbctl('status', ...endpoints);
    expect(plaintext.code).toBe(1);
    expect(plaintext.stderr).toMatch(/unreachable/);
    expect((await c.waitForAgreedLeader()).leader).toBe(leader);

    const transfer = await hbctl('transfer', '--to', follower, ...endpoints, ...as('operator'));
    expect(transfer.stderr).toBe('');
    expect((await c.waitForAgreedLeader()).leader).toBe(follower);
  });

  it("rotates a node's certificate on SIGHUP without a restart: new connections get it and the cluster stays up", async () => {
    const c = await startTlsCluster();
    const before = await c.waitForAgreedLeader();
    const since = Date.now();
    const served = (): Promise<string> =>
      new Promise((resolve, reject) => {
        const [host, port] = c.peerAddress(n2).split(':');
        const socket = tls.connect({ host, port: Number(port), rejectUnauthorized: false, ALPNProtocols: ['h2'] }, () => {
          resolve(socket.getPeerCertificate().serialNumber);
          socket.destroy();
        });
        socket.on('error', reject);
      });
    const oldSerial = await served();

    await pki.renewNode(n2);
    c.signal(n2, 'SIGHUP');

    const reloaded = await waitFor(
      () => c.nodeEvents(n2).find((event) => event.event === 'tls-reload' && event.fields.part === 'peer' && event.fields.changed === true)?.fields,
      10_000,
      'n2 to reload its peer certificate',
    );
    expect(reloaded.serial).not.toBe(oldSerial);
    expect(await served()).toBe(reloaded.serial);
    await expectUnaffected(c, before, since);
    // New connections both ways: n1 restarts, and leadership goes to n2 (its heartbeats to n1 go
    // with its new client certificate), then to n1 (whose link to n2 checks n2's new server one).
    await c.kill(n1);
    await c.restart(n1);
    await c.waitForAgreedLeader();
    for (const target of [n2, n1]) {
      const moved = await hbctl('transfer', '--to', target, '--endpoints', c.adminEndpoints(), ...as('operator'));
      expect({ target, stderr: moved.stderr }).toEqual({ target, stderr: '' });
      expect((await c.waitForAgreedLeader()).leader).toBe(target);
    }
    expect(c.nodeEvents(n1).some((event) => event.event === 'peer-link-refused')).toBe(false);
  });

  it('lets the fault scripts isolate and heal a TLS cluster as its operator', async () => {
    const c = await startTlsCluster();
    const first = await c.waitForAgreedLeader();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'hbc-tls-fault-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const statuses = await c.statuses();
    await writeClusterFile(path.join(dir, 'cluster.json'), {
      clusterId,
      startedAt: new Date().toISOString(),
      launcherPid: process.pid,
      nodes: statuses.map((status, index) => {
        if (status === null) throw new Error('a node does not answer');
        const id = c.ids[index] ?? n1;
        return {
          id,
          peerAddress: c.peerAddress(id),
          adminAddress: c.adminAddress(id),
          pid: status.pid,
          dataDir: path.join(dir, id),
          logFile: path.join(dir, `${id}.log`),
        };
      }),
      tls: { dir: pki.dir },
    });
    const fault = async (...argv: string[]): Promise<{ code: number; stderr: string }> => {
      let stderr = '';
      const code = await runFault([...argv, '--cluster', dir], { stdout: () => undefined, stderr: (line) => (stderr += `${line}\n`) });
      return { code, stderr };
    };

    expect(await fault('isolate', first.leader)).toEqual({ code: 0, stderr: '' });
    const majority = c.ids.filter((id) => id !== first.leader);
    expect((await c.waitForAgreedLeader(undefined, majority)).term).toBeGreaterThan(first.term);
    expect(await fault('heal')).toEqual({ code: 0, stderr: '' });
    await c.waitForAgreedLeader();
  });
});

describe('a node given TLS flags that do not make a whole', () => {
  const run = (...flags: string[]): Promise<{ code: number | null; stderr: string }> =>
    new Promise((resolve) => {
      const args = [...nodeRuntimeFlags, nodeProgramPath, '--id', 'n1', '--listen', '127.0.0.1:1', '--peers', 'n1=127.0.0.1:1', ...flags];
      execFile(process.execPath, args, { timeout: 30_000 }, (error, _stdout, stderr) =>
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stderr }),
      );
    });

  it('exits with code 2 and says what is missing, or what is wrong with a file, before touching its data dir', async () => {
    const dataDir = path.join(pki.root, 'never-created');
    const half = await run('--peer-cert-file', pki.nodeFiles(n1).certFile, '--data-dir', dataDir);
    expect(half.code).toBe(2);
    expect(half.stderr).toContain('error: peer TLS is half-configured: --peer-cert-file is set but --peer-key-file and --peer-trusted-ca-file are missing');
    const noKey = await run('--cert-file', pki.nodeFiles(n1).certFile, '--data-dir', dataDir);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('error: admin TLS is half-configured: --cert-file is set but --key-file is missing');
    const expired = await pki.nodeValidFor('n1-old', n1, -20, -2);
    const old = await run(
      '--peer-cert-file',
      expired.certFile,
      '--peer-key-file',
      expired.keyFile,
      '--peer-trusted-ca-file',
      pki.caFile,
      '--data-dir',
      dataDir,
    );
    expect(old.code).toBe(2);
    expect(old.stderr).toMatch(/error: --peer-cert-file .*n1-old\.crt: the certificate \(CN=n1\) has expired: it was valid until/);
    const wrong = await run(
      ...['--peer-cert-file', pki.nodeFiles(n2).certFile, '--peer-key-file', pki.nodeFiles(n2).keyFile, '--peer-trusted-ca-file', pki.caFile],
      '--data-dir',
      dataDir,
    );
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/is not this node's: it must name hbc:\/\/local\/node\/n1/);
    await expect(stat(dataDir)).rejects.toThrow();
  });
});
