import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { AdminClient } from '../src/client/admin-client.ts';
import { nodeCommand, repoRoot } from '../src/harness/node-command.ts';
import { parseNodeLogLine } from '../src/harness/node-log-event.ts';
import { spawnNode } from '../src/harness/node-process.ts';
import { asClusterId, asNodeId } from '../src/core/ids.ts';
import { freePorts } from '../src/util/free-ports.ts';
import { formatTable } from '../src/util/table.ts';
import type { Benchmark } from './benchmark.ts';
import { ClusterUnderTest } from '../src/harness/cluster-under-test.ts';
import { summarize, type Summary } from '../src/util/stats.ts';
import { productTimings } from '../src/harness/timings.ts';

interface StartupResults {
  readonly hbctlStatusMs: readonly number[];
  readonly npxHbctlStatusMs: readonly number[];
  /** From spawn to the node's `listening` log line. */
  readonly nodeListeningMs: readonly number[];
  /** From spawn to the first Status answer on its admin address. */
  readonly nodeAnswersMs: readonly number[];
}

/** Wall time of one command run to its exit. */
function timeCommand(command: string, args: readonly string[]): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { cwd: repoRoot, stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(performance.now() - started) : reject(new Error(`${command} ${args.join(' ')} exited with ${code}`))));
  });
}

/** Starts a one-node cluster on a fresh data dir; times its `listening` line and its first admin answer, then kills it. */
async function timeNodeStart(): Promise<{ listeningMs: number; answersMs: number }> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'hbc-startup-'));
  const [peerPort, adminPort] = await freePorts(2);
  const id = asNodeId('n1');
  const command = nodeCommand({
    id,
    clusterId: asClusterId('startup'),
    listen: `127.0.0.1:${peerPort}`,
    adminListen: `127.0.0.1:${adminPort}`,
    members: new Map([[id, `127.0.0.1:${peerPort}`]]),
    dataDir: path.join(root, 'n1'),
  });
  const started = performance.now();
  let heard: (listeningMs: number) => void = () => undefined;
  const listening = new Promise<number>((resolve) => (heard = resolve));
  const spawned = await spawnNode({
    id,
    command: { ...command, args: [...command.args, '--metrics-listen', 'off'] },
    dataDir: path.join(root, 'n1'),
    output: {
      kind: 'lines',
      onStdout: (line) => {
        if (parseNodeLogLine(id, line)?.line.type === 'listening') heard(performance.now() - started);
      },
      onStderr: () => undefined,
    },
  });
  if (!spawned.ok) throw new Error(spawned.problem);
  const node = spawned.node;
  try {
    // A fresh channel each time: one that was refused waits its reconnect backoff before trying again.
    let answersMs: number | null = null;
    while (answersMs === null) {
      const client = new AdminClient(`127.0.0.1:${adminPort}`, 1_000);
      if ((await client.status()).ok) answersMs = performance.now() - started;
      else await delay(2);
      client.close();
    }
    return { listeningMs: await listening, answersMs };
  } finally {
    node.signal('SIGKILL');
    await node.exited;
    await rm(root, { recursive: true, force: true });
  }
}

function row(what: string, summary: Summary | null): string[] {
  const ms = (value: number | undefined): string => (value === undefined ? '-' : value.toFixed(0));
  return [what, String(summary?.count ?? 0), ms(summary?.min), ms(summary?.p50), ms(summary?.p90), ms(summary?.max)];
}

export const startup: Benchmark = {
  name: 'startup',
  description: 'wall time of `hbctl status` (compiled, and through npx) on a 3-node cluster, and of a node start to listening (--trials)',
  async run(options, { progress }) {
    const trials = options.trials ?? (options.quick ? 5 : 20);
    const cluster = await ClusterUnderTest.start({ size: 3, timings: productTimings });
    const hbctlStatusMs: number[] = [];
    const npxHbctlStatusMs: number[] = [];
    try {
      await cluster.waitForStableLeader();
      const endpoints = cluster.ids.map((id) => cluster.adminAddress(id)).join(',');
      const hbctl = path.join(repoRoot, 'dist', 'cli', 'main.js');
      progress(`startup: hbctl status x ${trials}, then npx hbctl status x ${trials}`);
      for (let trial = 0; trial < trials; trial += 1) hbctlStatusMs.push(await timeCommand(process.execPath, [hbctl, 'status', '--endpoints', endpoints]));
      for (let trial = 0; trial < trials; trial += 1) npxHbctlStatusMs.push(await timeCommand('npx', ['hbctl', 'status', '--endpoints', endpoints]));
    } finally {
      await cluster.stop();
    }
    progress(`startup: node start x ${trials}`);
    const nodeListeningMs: number[] = [];
    const nodeAnswersMs: number[] = [];
    for (let trial = 0; trial < trials; trial += 1) {
      const { listeningMs, answersMs } = await timeNodeStart();
      nodeListeningMs.push(listeningMs);
      nodeAnswersMs.push(answersMs);
    }
    const data: StartupResults = { hbctlStatusMs, npxHbctlStatusMs, nodeListeningMs, nodeAnswersMs };
    return {
      data,
      lines: [
        `Start-up, ${trials} runs each (ms of wall time):`,
        ...formatTable(
          ['what', 'runs', 'min', 'p50', 'p90', 'max'],
          [
            row('hbctl status (node dist/cli/main.js), 3 nodes', summarize(hbctlStatusMs)),
            row('npx hbctl status, 3 nodes', summarize(npxHbctlStatusMs)),
            row('node start to its `listening` line', summarize(nodeListeningMs)),
            row('node start to its first admin answer', summarize(nodeAnswersMs)),
          ],
        ),
      ],
    };
  },
};
