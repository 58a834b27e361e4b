import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runFault } from '../../scripts/faults/run-fault.ts';
import { writeClusterFile } from '../../src/client/cluster-file.ts';
import { asClusterId, asNodeId } from '../../src/core/ids.ts';
import { freePorts } from '../../src/util/free-ports.ts';

let root: string | null = null;
afterEach(async () => {
  if (root !== null) await rm(root, { recursive: true, force: true });
  root = null;
});

async function fault(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runFault(argv, { stdout: (line) => (stdout += `${line}\n`), stderr: (line) => (stderr += `${line}\n`) }, { cwd: root ?? os.tmpdir() });
  return { code, stdout, stderr };
}

/** A cluster.json naming nodes on ports where nothing listens. */
async function clusterOfNobody(size: number): Promise<string> {
  root = await mkdtemp(path.join(os.tmpdir(), 'hbc-fault-'));
  const ports = await freePorts(2 * size);
  await writeClusterFile(path.join(root, 'cluster.json'), {
    clusterId: asClusterId('local'),
    startedAt: new Date().toISOString(),
    launcherPid: process.pid,
    nodes: Array.from({ length: size }, (_, index) => ({
      id: asNodeId(`n${index + 1}`),
      peerAddress: `127.0.0.1:${ports[index]}`,
      adminAddress: `127.0.0.1:${ports[size + index]}`,
      pid: null,
      dataDir: path.join(root!, `n${index + 1}`),
      logFile: path.join(root!, `n${index + 1}`, 'node.log'),
    })),
  });
  return root;
}

describe('runFault', () => {
  it('prints help for the script and for each command', async () => {
    const top = await fault('--help');
    expect(top.code).toBe(0);
    for (const name of ['isolate', 'isolate-leader', 'halves', 'bridge', 'majorities-ring', 'one-way', 'heal', 'kill', 'pause', 'restart', 'chaos']) {
      expect(top.stdout).toContain(`  ${name} `);
      const own = await fault(name, '--help');
      expect(own.code).toBe(0);
      expect(own.stdout).toContain(`Usage: npm run fault -- ${name}`);
    }
  });

  it.each([
    [[], 'no command given'],
    [['explode'], 'unknown command "explode"'],
    [['isolate'], 'missing <node>'],
    [['one-way', 'n1'], 'missing <to>'],
    [['pause', 'n1', 'soon'], '<ms> must be a whole number'],
    [['kill', 'n1', '--now'], 'unknown flag --now'],
    [['halves', '--seed', '-1'], '--seed'],
    [['chaos', '--interval-ms', '5'], '--interval-ms must be a whole number from 100'],
    [['restart', 'n1', '--log-level', 'loud'], '--log-level must be one of'],
  ])('exits 2 on the command line %j', async (argv, problem) => {
    const { code, stderr } = await fault(...argv);
    expect(code).toBe(2);
    expect(stderr).toContain(problem);
  });

  it('exits 1 with a hint when the cluster file is missing', async () => {
    const { code, stderr } = await fault('heal', '--cluster', path.join(os.tmpdir(), 'no-such-cluster-dir'));
    expect(code).toBe(1);
    expect(stderr).toMatch(/does not exist.*npm run cluster/);
  });

  it('exits 1 and names each node that cannot be reached, with why', async () => {
    const dir = await clusterOfNobody(3);
    const { code, stdout, stderr } = await fault('heal', '--cluster', dir);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    for (const id of ['n1', 'n2', 'n3']) expect(stderr).toMatch(new RegExp(`fault: ${id} \\(127\\.0\\.0\\.1:\\d+\\): unreachable: .*ECONNREFUSED`));
    expect(stderr).toContain('fault: could not heal n1, n2, n3');
  });

  it('exits 1 on a node the cluster does not have, or a shape it is too small for', async () => {
    const dir = await clusterOfNobody(2);
    const unknown = await fault('isolate', 'n9', '--cluster', dir);
    expect(unknown).toMatchObject({ code: 1, stderr: 'fault: no node n9 among n1, n2\n' });
    const small = await fault('halves', '--cluster', path.join(dir, 'cluster.json'));
    expect(small.code).toBe(1);
    expect(small.stderr).toContain('halves needs at least 3 nodes');
  });

  it('refuses to restart when no node can give the timing and the flags do not either', async () => {
    const dir = await clusterOfNobody(3);
    const { code, stderr } = await fault('restart', 'n2', '--cluster', dir, '--heartbeat-ms', '50');
    expect(code).toBe(1);
    expect(stderr).toContain('no other node answers to copy the timing from');
    expect(stderr).toContain('pass --election-timeout-ms, --election-jitter-ms, --max-clock-drift');
  });
});
