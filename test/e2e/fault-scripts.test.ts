import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readNodeSettings } from '../../scripts/faults/node-settings.ts';
import { runFault } from '../../scripts/faults/run-fault.ts';
import { writeClusterFile } from '../../src/client/cluster-file.ts';
import { asClusterId, asNodeId } from '../../src/core/ids.ts';
import { waitFor } from '../support/wait-for.ts';
import type { ClusterUnderTest } from '../../src/harness/cluster-under-test.ts';
import { startRealCluster } from './real-cluster.ts';

let cluster: ClusterUnderTest | null = null;
let clusterDir: string | null = null;
afterEach(async () => {
  await cluster?.stop();
  cluster = null;
  if (clusterDir !== null) await rm(clusterDir, { recursive: true, force: true });
  clusterDir = null;
});

async function fault(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runFault(argv, { stdout: (line) => (stdout += `${line}\n`), stderr: (line) => (stderr += `${line}\n`) });
  return { code, stdout, stderr };
}

/**
 * The harness writes no cluster.json, so one is made from what each node reports about itself,
 * with this test process standing in for the launcher.
 */
async function writeClusterFileFor(real: ClusterUnderTest): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hbc-fault-e2e-'));
  const answers = await Promise.all(
    real
      .adminEndpoints()
      .split(',')
      .map((endpoint) => readNodeSettings(endpoint, 5_000)),
  );
  const nodes = answers.map((answer) => {
    if (!answer.ok) throw new Error(`a node does not tell its settings: ${JSON.stringify(answer.failure)}`);
    const { id, peerAddress, adminAddress, pid, dataDir } = answer.value;
    return { id: asNodeId(id), peerAddress, adminAddress, pid, dataDir, logFile: real.logFile(asNodeId(id)) };
  });
  const clusterId = answers[0]?.ok ? answers[0].value.clusterId : 'e2e';
  await writeClusterFile(path.join(dir, 'cluster.json'), {
    clusterId: asClusterId(clusterId),
    startedAt: new Date().toISOString(),
    launcherPid: process.pid,
    nodes,
  });
  return dir;
}

describe('the fault scripts on a real 3-node cluster', () => {
  it('isolate-leader moves leadership to the majority, and heal brings back one agreed leader', async () => {
    cluster = await startRealCluster(3);
    const first = await cluster.waitForAgreedLeader();
    clusterDir = await writeClusterFileFor(cluster);

    const isolated = await fault('isolate-leader', '--cluster', clusterDir);
    expect(isolated.stderr).toBe('');
    expect(isolated.code).toBe(0);
    // The leader may have moved since `first`; the script names the one it isolated.
    const oldLeader = asNodeId(/^the leader is (\S+) /m.exec(isolated.stdout)?.[1] ?? '');
    const majority = cluster.ids.filter((id) => id !== oldLeader);
    expect(isolated.stdout).toContain(`isolated ${oldLeader} from ${majority.join(', ')} (both directions)`);

    const second = await cluster.waitForAgreedLeader(undefined, majority);
    expect(second.leader).not.toBe(oldLeader);
    expect(second.term).toBeGreaterThan(first.term);
    // Check-quorum: the isolated leader steps down once no majority has answered it for an election timeout.
    await waitFor(
      async () => {
        const status = await cluster?.status(oldLeader);
        return status !== null && status !== undefined && status.role !== 'leader';
      },
      20 * cluster.timings.electionTimeoutMs,
      `${oldLeader} to step down`,
    );

    const healed = await fault('heal', '--cluster', clusterDir);
    expect(healed.stderr).toBe('');
    expect(healed.code).toBe(0);
    expect(healed.stdout).toContain('healed every link of n1, n2, n3');
    const agreed = await cluster.waitForAgreedLeader();
    expect(agreed.term).toBeGreaterThanOrEqual(second.term);
    const statuses = await cluster.statuses();
    expect(statuses.map((status) => status?.faults)).toEqual([[], [], []]);
  });
});
