import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { asClusterId, asNodeId } from '../../src/core/ids.ts';
import { readClusterFile, writeClusterFile, type ClusterFile, type ReadClusterFileResult } from '../../src/cluster/cluster-file.ts';

let dir: string;
let filePath: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'hb-cluster-file-'));
  filePath = path.join(dir, 'cluster.json');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function sample(): ClusterFile {
  return {
    clusterId: asClusterId('local'),
    startedAt: '2024-05-01T19:42:01.123Z',
    launcherPid: 4242,
    nodes: [
      {
        id: asNodeId('n1'),
        peerAddress: '127.0.0.1:7400',
        adminAddress: '127.0.0.1:7500',
        pid: 5000,
        dataDir: '/tmp/data/n1',
        logFile: '/tmp/data/n1/node.log',
      },
      {
        id: asNodeId('n2'),
        peerAddress: '127.0.0.1:7401',
        adminAddress: '127.0.0.1:7501',
        pid: null,
        dataDir: '/tmp/data/n2',
        logFile: '/tmp/data/n2/node.log',
      },
    ],
  };
}

async function failure(content: unknown): Promise<Extract<ReadClusterFileResult, { ok: false }>> {
  await writeFile(filePath, typeof content === 'string' ? content : JSON.stringify(content));
  const result = await readClusterFile(filePath);
  if (result.ok) throw new Error('expected the file to be rejected');
  return result;
}

describe('cluster.json', () => {
  it('reads back what was written, in the documented layout', async () => {
    await writeClusterFile(filePath, sample());
    expect(await readClusterFile(filePath)).toEqual({ ok: true, file: sample() });
    const raw = JSON.parse(await readFile(filePath, 'utf8')) as Record<string, unknown>;
    expect(Object.keys(raw)).toEqual(['clusterId', 'startedAt', 'launcherPid', 'nodes']);
  });

  it('replaces the file without leaving temporary files behind', async () => {
    await writeClusterFile(filePath, sample());
    await writeClusterFile(filePath, { ...sample(), launcherPid: 99 });
    const result = await readClusterFile(filePath);
    expect(result.ok && result.file.launcherPid).toBe(99);
    expect(await readdir(dir)).toEqual(['cluster.json']);
  });

  it('reports a missing file', async () => {
    expect(await readClusterFile(filePath)).toEqual({ ok: false, reason: 'missing', message: expect.stringContaining(filePath) });
  });

  it('reports a file that is not JSON', async () => {
    const result = await failure('{"clusterId": ');
    expect(result.reason).toBe('invalid');
    expect(result.message).toMatch(new RegExp(`^${filePath.replaceAll('.', '\\.')} is not valid JSON`));
  });

  it('names the file and each bad field', async () => {
    const result = await failure({
      clusterId: 'has space',
      startedAt: 'yesterday',
      launcherPid: -1,
      nodes: [
        { id: 'n1', peerAddress: '127.0.0.1', adminAddress: '127.0.0.1:7500', pid: 1.5, dataDir: 'data/n1', logFile: '/x/node.log' },
        { id: 'n1', peerAddress: '127.0.0.1:7401', adminAddress: '127.0.0.1:7501', pid: null, dataDir: '/d', logFile: 7 },
      ],
      tls: { dir: 'data/tls' },
    });
    expect(result.reason).toBe('invalid');
    expect(result.message.startsWith(`${filePath}: `)).toBe(true);
    for (const fragment of [
      'clusterId must be a valid cluster id (got "has space")',
      'startedAt must be an ISO 8601 timestamp (got "yesterday")',
      'launcherPid must be a process id (got -1)',
      'nodes[0].peerAddress must be host:port (got "127.0.0.1")',
      'nodes[0].pid must be a process id or null (got 1.5)',
      'nodes[0].dataDir must be an absolute path (got "data/n1")',
      'nodes[1].id "n1" appears more than once',
      'nodes[1].logFile must be an absolute path (got 7)',
      'tls must be an object with an absolute dir (got {"dir":"data/tls"})',
    ]) {
      expect(result.message).toContain(fragment);
    }
  });

  it('reports missing fields and a wrong top-level shape', async () => {
    expect((await failure({ clusterId: 'local', startedAt: '2024-05-01T19:42:01Z', launcherPid: 1 })).message).toContain(
      'nodes must be a non-empty array (got nothing)',
    );
    expect((await failure([])).message).toBe(`${filePath}: must be a JSON object`);
    const { nodes, ...withoutNodes } = sample();
    expect((await failure({ ...withoutNodes, nodes: [{ ...nodes[0], adminAddress: undefined }] })).message).toContain(
      'nodes[0].adminAddress must be host:port (got nothing)',
    );
  });

  it('ignores fields it does not know', async () => {
    await writeFile(filePath, JSON.stringify({ ...sample(), launcherVersion: 2 }));
    expect((await readClusterFile(filePath)).ok).toBe(true);
  });
});
