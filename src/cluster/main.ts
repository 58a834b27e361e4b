#!/usr/bin/env node
/**
 * The local cluster launcher: `npm run cluster -- --nodes 3`. Starts nodes n1..nN as child
 * processes, prints each change of leader and each unexpected exit, records the cluster in
 * `<data-dir>/cluster.json` for hbctl, and stops every node on Ctrl-C.
 */
import path from 'node:path';
import { nodeDefaults } from '../node/node-options.ts';
import { processIo, readSingleCommand } from '../command-line/program.ts';
import { formatColumns } from '../util/table.ts';
import { makeDirectory } from '../util/make-directory.ts';
import {
  CLUSTER_FILE_NAME,
  clearNodePid,
  readClusterFile,
  replaceClusterFile,
  setNodePid,
  updateClusterFile,
  type UpdateClusterFileResult,
} from '../client/cluster-file.ts';
import { clusterProgram, parseClusterOptions, tlsDirName, type ClusterOptions } from './cluster-options.ts';
import { planCluster, type PlannedNode } from './cluster-plan.ts';
import { LeaderChangeTracker } from '../harness/leader-change-tracker.ts';
import { nodeCommand } from '../harness/node-command.ts';
import { spawnNode, type NodeProcess } from '../harness/node-process.ts';
import { checkPort } from '../util/port-check.ts';
import { isProcessAlive } from '../util/process-signals.ts';
import { caName, certificatePaths, mintClusterCertificates } from '../tls/mint-certificates.ts';
import { ensureNetTools } from '../netfault/host-tools.ts';
import { NodeNetwork } from '../netfault/node-network.ts';

/** How long nodes get to shut down cleanly after SIGTERM before they are killed. */
const stopGraceMs = 5_000;

process.exit(await main(process.argv.slice(2)));

async function main(argv: readonly string[]): Promise<number> {
  const parsed = readSingleCommand(argv, processIo(), clusterProgram, parseClusterOptions);
  if (!parsed.ok) return parsed.exitCode;
  const { options } = parsed;
  const clusterFilePath = path.join(options.dataDir, CLUSTER_FILE_NAME);
  const made = await makeDirectory(options.dataDir);
  if (!made.ok) {
    console.error(`error: --data-dir ${options.dataDir} cannot be used: ${made.problem}`);
    return 1;
  }

  const previous = await readClusterFile(clusterFilePath);
  if (previous.ok && previous.file.launcherPid !== process.pid && isProcessAlive(previous.file.launcherPid)) {
    const pid = previous.file.launcherPid;
    console.error(
      `error: a cluster is already running from ${options.dataDir} (launcher pid ${pid}, see ${clusterFilePath}).\n` +
        `Stop it with Ctrl-C in its terminal (or kill ${pid}), or start this one with another --data-dir.\n` +
        `If no launcher is running (the pid now belongs to another program), delete ${clusterFilePath}.`,
    );
    return 1;
  }
  if (!previous.ok && previous.reason !== 'missing') console.error(`warning: ${previous.message}; it will be replaced`);

  let network: NodeNetwork | null = null;
  if (options.net) {
    const tools = await ensureNetTools();
    if (!tools.ok) {
      console.error(`error: --net ${tools.reason}`);
      return 1;
    }
    network = await NodeNetwork.create(
      Array.from({ length: options.nodeCount }, (_, index) => `n${index + 1}`),
      // The launcher stops its nodes on a signal first; the network goes when the process exits.
      { handleSignals: false },
    );
  }
  const inNamespaces = network;
  const plan = inNamespaces === null ? planCluster(options) : planCluster(options, (id) => inNamespaces.address(id));
  if (options.tls) {
    const tlsDir = path.join(options.dataDir, tlsDirName);
    try {
      const minted = await mintClusterCertificates({ dir: tlsDir, clusterId: options.clusterId, nodes: new Map(plan.map((node) => [node.id, []])) });
      if (minted.length > 0) console.log(`minted ${minted.map((name) => `${name}.crt`).join(', ')} in ${tlsDir}`);
    } catch (error) {
      console.error(`error: cannot mint the certificates in ${tlsDir}: ${error instanceof Error ? error.message : String(error)}`);
      return 1;
    }
  }
  // Ports inside fresh namespaces are free.
  const unavailable = inNamespaces === null ? await unavailablePorts(plan) : [];
  if (unavailable.length > 0) {
    console.error('error: these ports on 127.0.0.1 are not free:');
    for (const line of unavailable) console.error(`  ${line}`);
    const leftovers = previous.ok ? previous.file.nodes.filter((node) => node.pid !== null && isProcessAlive(node.pid)) : [];
    if (leftovers.length > 0) {
      const pids = leftovers.map((node) => node.pid).join(' ');
      console.error(`Nodes of an earlier run may still be running (${leftovers.map((node) => `${node.id} pid ${node.pid}`).join(', ')}): kill ${pids}`);
    }
    console.error(`Free them, or choose other ports with --base-port, e.g. --base-port ${suggestedBasePort(options)}`);
    return 1;
  }
  return runCluster(options, plan, clusterFilePath, network);
}

async function unavailablePorts(plan: readonly PlannedNode[]): Promise<string[]> {
  const wanted = plan.flatMap((node) => [
    { port: node.peerPort, use: `${node.id} peer port` },
    { port: node.adminPort, use: `${node.id} admin port` },
  ]);
  const statuses = await Promise.all(wanted.map(({ port }) => checkPort('127.0.0.1', port)));
  return wanted.flatMap(({ port, use }, index) => {
    const status = statuses[index];
    return status === undefined || status.free ? [] : [`${port} (${use}): ${status.reason}`];
  });
}

function suggestedBasePort(options: ClusterOptions): number {
  const shifted = options.basePort + 1000;
  const fits = shifted + nodeDefaults.adminPortOffset + options.nodeCount - 1 <= 65535;
  return fits ? shifted : 10_000;
}

async function runCluster(options: ClusterOptions, plan: readonly PlannedNode[], clusterFilePath: string, network: NodeNetwork | null): Promise<number> {
  const tracker = new LeaderChangeTracker();
  const started: { readonly planned: PlannedNode; readonly process: NodeProcess }[] = [];
  const startedAt = new Date().toISOString();
  const print = (lines: readonly string[]): void => {
    for (const line of lines) console.log(line);
  };

  let fileWrites = Promise.resolve();
  /**
   * Queues a change of cluster.json, so the launcher's own changes land in order. Each is a
   * read-modify-write under the file's lock, so a pid the fault scripts' restart recorded
   * meanwhile is kept.
   */
  const changeClusterFile = (change: () => Promise<UpdateClusterFileResult>): void => {
    fileWrites = fileWrites.then(async () => {
      const result = await change();
      if (!result.ok) console.error(`warning: ${result.problem}`);
    });
  };
  changeClusterFile(() =>
    replaceClusterFile(clusterFilePath, {
      clusterId: options.clusterId,
      startedAt,
      launcherPid: process.pid,
      nodes: plan.map((planned) => ({
        id: planned.id,
        peerAddress: planned.listen,
        adminAddress: planned.adminListen,
        pid: null,
        dataDir: planned.dataDir,
        logFile: planned.logFile,
      })),
      ...(options.tls ? { tls: { dir: path.join(options.dataDir, tlsDirName) } } : {}),
    }),
  );

  let finish: (exitCode: number) => void = () => {};
  const finished = new Promise<number>((resolve) => (finish = resolve));
  let spawning: Promise<void> = Promise.resolve();
  let stopRequested = false;
  let killing = false;
  const signalAll = (signal: NodeJS.Signals): void => {
    for (const node of started) node.process.signal(signal);
  };
  /** The first call stops the nodes gently and decides the exit code; a second one kills them. */
  const stop = (exitCode: number): void => {
    if (stopRequested) {
      if (!killing) {
        killing = true;
        console.log('killing every node now');
        signalAll('SIGKILL');
      }
      return;
    }
    stopRequested = true;
    const running = started.filter((node) => node.process.running).length;
    if (running > 0) console.log(`stopping ${running} node${running === 1 ? '' : 's'} (Ctrl-C again to kill them at once)`);
    signalAll('SIGTERM');
    const deadline = setTimeout(() => {
      const stuck = started.filter((node) => node.process.running).map((node) => node.planned.id);
      if (stuck.length === 0 || killing) return;
      killing = true;
      console.log(`${stuck.join(', ')} still running after ${stopGraceMs / 1000} s: killing`);
      signalAll('SIGKILL');
    }, stopGraceMs);
    void (async () => {
      // A node being spawned right now is signalled by the spawn loop; wait for it as well.
      await spawning;
      await Promise.all(started.map((node) => node.process.exited));
      clearTimeout(deadline);
      // Restarted nodes stop with the launcher too (their watchdog sees to it): no pid stays valid.
      changeClusterFile(() => updateClusterFile(clusterFilePath, (file) => ({ ...file, nodes: file.nodes.map((node) => ({ ...node, pid: null })) })));
      await fileWrites;
      if (running > 0) console.log('all nodes stopped');
      await network?.destroy();
      finish(exitCode);
    })();
  };

  let spawned = false;
  const stopIfNoneRunning = (): void => {
    if (spawned && !stopRequested && started.every((node) => !node.process.running)) {
      console.log('every node has exited, so the launcher stops too');
      stop(1);
    }
  };

  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => stop(0));
  // Never leave orphans: on a launcher bug, stop the nodes as on Ctrl-C; and should the
  // launcher exit anyway, kill whatever still runs (only synchronous work is possible in 'exit').
  const onLauncherError = (error: unknown): void => {
    console.error('launcher error:', error);
    stop(1);
  };
  process.on('uncaughtException', onLauncherError);
  process.on('unhandledRejection', onLauncherError);
  process.on('exit', () => signalAll('SIGKILL'));

  spawning = (async () => {
    for (const planned of plan) {
      if (stopRequested) return;
      const command = nodeCommand(planned);
      const result = await spawnNode({
        id: planned.id,
        command: network === null ? command : { ...command, ...network.wrap(planned.id, command.command, command.args) },
        dataDir: planned.dataDir,
        output: { kind: 'file-and-events', logFile: planned.logFile, onLogEvent: (entry) => print(tracker.observe(entry)) },
      });
      if (!result.ok) {
        console.error(`error: ${result.problem}`);
        stop(1);
        return;
      }
      const node = result.node;
      started.push({ planned, process: node });
      changeClusterFile(() => setNodePid(clusterFilePath, planned.id, node.pid));
      if (stopRequested) node.signal(killing ? 'SIGKILL' : 'SIGTERM');
      void node.exited.then((exit) => {
        changeClusterFile(() => clearNodePid(clusterFilePath, planned.id, node.pid));
        if (stopRequested) return;
        print(tracker.nodeExited(planned.id, exit, Date.now()));
        if (exit.code !== null && exit.code !== 0) print([`    see ${planned.logFile}`]);
        stopIfNoneRunning();
      });
    }
  })();
  await spawning;
  spawned = true;
  if (stopRequested) return finished;

  printStartup(options, started);
  stopIfNoneRunning();
  return finished;
}

/** How to reach a --tls cluster: which certificates hbctl needs for what. */
function tlsNotes(dataDir: string): string[] {
  const dir = path.join(dataDir, tlsDirName);
  // Shorter when the data dir is below this directory, as the default ./data is.
  const below = path.relative(process.cwd(), dir);
  const relative = below.startsWith('..') || path.isAbsolute(below) ? dir : below;
  const reader = certificatePaths(relative, 'reader');
  const operator = certificatePaths(relative, 'operator');
  return [
    `TLS: every link is mutual TLS; admin calls need a client certificate from ${path.join(relative, `${caName}.crt`)}:`,
    `  read only (status, leader, watch...):  --cert ${reader.cert} --key ${reader.key}`,
    `  operator (transfer, partition...):     --cert ${operator.cert} --key ${operator.key}`,
    '  (or set HBCTL_CERT and HBCTL_KEY; hbctl takes the CA from the cluster file)',
  ];
}

function printStartup(options: ClusterOptions, started: readonly { readonly planned: PlannedNode; readonly process: NodeProcess }[]): void {
  const rows = started.map(({ planned, process }) => [planned.id, planned.listen, planned.adminListen, String(process.pid), planned.dataDir]);
  console.log(
    [
      `cluster ${options.clusterId}: ${started.length} node${started.length === 1 ? '' : 's'}`,
      '',
      formatColumns([['node', 'peer address', 'admin address', 'pid', 'data dir'], ...rows]),
      '',
      `each node logs to <data dir>/node.log; the cluster is described in ${path.join(options.dataDir, CLUSTER_FILE_NAME)}`,
      ...(options.tls ? tlsNotes(options.dataDir) : []),
      // hbctl looks for ./data/cluster.json unless told otherwise.
      `inspect:  npx hbctl status${options.dataDir === path.resolve('data') ? '' : ` --cluster ${options.dataDir}`}${options.tls ? ' --cert <reader or operator .crt> --key <its .key>' : ''}`,
      'stop:     Ctrl-C',
      '',
    ].join('\n'),
  );
}
