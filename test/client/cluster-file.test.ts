import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { asClusterId, asNodeId } from '../../src/core/ids.ts';
import { clearNodePid, readClusterFile, setNodePid, writeClusterFile, type ClusterFile, type ReadClusterFileResult } from '../../src/client/cluster-file.ts';
import { withFileLock } from '../../src/util/file-lock.ts';

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

describe('updating cluster.json', () => {
  const pidOf = async (id: string): Promise<number | null | undefined> => {
    const read = await readClusterFile(filePath);
    if (!read.ok) throw new Error(read.message);
    return read.file.nodes.find((node) => node.id === id)?.pid;
  };

  it("the launcher's exit record and the restart's new pid, issued together, both survive", async () => {
    for (let round = 0; round < 20; round += 1) {
      await writeClusterFile(filePath, sample());
      // n1's process 5000 exited (the launcher clears it) while n2 was restarted as 6000+round.
      await Promise.all([clearNodePid(filePath, 'n1', 5000), setNodePid(filePath, 'n2', 6000 + round)]);
      expect([await pidOf('n1'), await pidOf('n2')]).toEqual([null, 6000 + round]);
    }
    expect(await readdir(dir)).toEqual(['cluster.json']);
  });

  it('an exit of a process that is no longer the recorded one keeps the newer pid', async () => {
    await writeClusterFile(filePath, sample());
    expect((await setNodePid(filePath, 'n1', 7000)).ok).toBe(true);
    expect((await clearNodePid(filePath, 'n1', 5000)).ok).toBe(true);
    expect(await pidOf('n1')).toBe(7000);
  });

  it('updates from several processes at once never lose one another', async () => {
    await writeClusterFile(filePath, { ...sample(), nodes: sample().nodes.map((node) => ({ ...node, pid: node.id === 'n2' ? 1 : node.pid })) });
    // Each process adds 1 to n2's pid 40 times: any update that started from a stale read loses counts.
    const script = path.join(dir, 'bump.mts');
    await writeFile(
      script,
      [
        `import { updateClusterFile } from ${JSON.stringify(path.resolve('src/client/cluster-file.ts'))};`,
        'for (let i = 0; i < 40; i += 1) {',
        `  const result = await updateClusterFile(${JSON.stringify(filePath)}, (file) => ({ ...file, nodes: file.nodes.map((node) => (node.id === 'n2' ? { ...node, pid: (node.pid ?? 0) + 1 } : node)) }));`,
        '  if (!result.ok) throw new Error(result.problem);',
        '}',
      ].join('\n'),
    );
    const run = promisify(execFile);
    await Promise.all([1, 2, 3].map(() => run(process.execPath, ['--import', 'tsx', script], { timeout: 60_000 })));
    expect(await pidOf('n2')).toBe(1 + 3 * 40);
    expect((await readdir(dir)).sort()).toEqual(['bump.mts', 'cluster.json']);
  });

  it('reports a file it cannot read instead of replacing it, and a node the file does not list', async () => {
    await writeFile(filePath, '{"clusterId": ');
    const broken = await setNodePid(filePath, 'n1', 1);
    expect(broken).toEqual({ ok: false, problem: expect.stringMatching(/is not valid JSON/) });
    expect(await readFile(filePath, 'utf8')).toBe('{"clusterId": ');
    await writeClusterFile(filePath, sample());
    expect(await setNodePid(filePath, 'n9', 1)).toEqual({ ok: false, problem: `${filePath} does not list n9` });
  });
});

describe('withFileLock', () => {
  it('takes over a lock whose holder has died', async () => {
    const lockPath = path.join(dir, 'x.lock');
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    await writeFile(lockPath, `${dead}\n`);
    expect(await withFileLock(lockPath, async () => 'ran')).toEqual({ ok: true, value: 'ran' });
    expect(await readdir(dir)).toEqual([]);
  });

  it('waits for a live holder, and gives up after the wait saying who holds it', async () => {
    const lockPath = path.join(dir, 'x.lock');
    let release: () => void = () => {};
    const held = withFileLock(lockPath, () => new Promise<void>((resolve) => (release = resolve)));
    await vi.waitFor(async () => expect(await readdir(dir)).toContain('x.lock'));
    expect(await withFileLock(lockPath, async () => 'ran', { waitMs: 50 })).toEqual({
      ok: false,
      problem: `${lockPath} is held by process ${process.pid}; if no such process runs, delete the file`,
    });
    const waiting = withFileLock(lockPath, async () => 'ran after');
    release();
    expect(await held).toEqual({ ok: true, value: undefined });
    expect(await waiting).toEqual({ ok: true, value: 'ran after' });
  });
});
