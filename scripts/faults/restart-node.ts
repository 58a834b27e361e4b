import { setNodePid, type ClusterFile } from '../../src/client/cluster-file.ts';
import { buildDist, nodeCommand } from '../../src/harness/node-command.ts';
import { spawnNode, startProcess, type NodeExit } from '../../src/harness/node-process.ts';
import { isProcessAlive } from '../../src/util/process-signals.ts';
import { asClusterId, asNodeId } from '../../src/core/ids.ts';
import { NodeNetwork } from '../../src/netfault/node-network.ts';
import type { LogLevel } from '../../src/node/node-options.ts';
import type { NodeTiming } from './node-settings.ts';

/** What cluster.json does not record about how the launcher started its nodes. */
export interface RestartSettings {
  readonly timing: NodeTiming;
  readonly logLevel: LogLevel;
}

export interface RestartedNode {
  readonly pid: number;
  readonly exited: Promise<NodeExit>;
  /** What went wrong around a node that did start: cluster.json not updated, no watchdog. */
  readonly warnings: readonly string[];
}

export type RestartNodeResult = { readonly ok: true; readonly node: RestartedNode } | { readonly ok: false; readonly problem: string };

/**
 * Stops a restarted node once the launcher has gone. The node is not the launcher's child, so
 * the launcher's Ctrl-C would otherwise leave it running, holding its ports. Plain JavaScript
 * run by `node -e`, so that it costs no TypeScript loader per restart. Its arguments are the
 * node's pid and the launcher's.
 */
const followLauncherSource = `
const [nodePid, launcherPid] = process.argv.slice(1).map(Number);
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch (error) { return error.code === 'EPERM'; } };
setInterval(() => {
  if (!alive(nodePid)) process.exit(0);
  if (!alive(launcherPid)) { process.kill(nodePid, 'SIGTERM'); process.exit(0); }
}, 1000);
`;

/**
 * Starts a node of the cluster again, detached, with the command the launcher uses, its own data
 * dir, and stdout and stderr appended to its log file; then records its pid in cluster.json.
 * The launcher neither shows its output nor counts it among its nodes.
 */
export async function restartNode(filePath: string, file: ClusterFile, id: string, settings: RestartSettings): Promise<RestartNodeResult> {
  const entry = file.nodes.find((node) => node.id === id);
  if (entry === undefined) return { ok: false, problem: `no node ${id} in ${filePath}` };
  if (!isProcessAlive(file.launcherPid)) {
    return { ok: false, problem: `the launcher (pid ${file.launcherPid}) is not running, so the cluster is stopped; start it with \`npm run cluster\`` };
  }
  // `npm run cluster` built it at start; rebuilt here so a restart after an edit runs the edited code.
  const built = await buildDist();
  if (!built.ok) return { ok: false, problem: built.message };
  const command = nodeCommand({
    id: asNodeId(id),
    clusterId: asClusterId(file.clusterId),
    listen: entry.peerAddress,
    adminListen: entry.adminAddress,
    members: new Map(file.nodes.map((node) => [node.id, node.peerAddress])),
    dataDir: entry.dataDir,
    ...settings.timing,
    logLevel: settings.logLevel,
    ...(file.tls === undefined ? {} : { tlsDir: file.tls.dir }),
  });

  // A node of a `--net` cluster goes back into its own network namespace.
  const host = entry.peerAddress.slice(0, entry.peerAddress.lastIndexOf(':'));
  const network = await NodeNetwork.attach(host);
  const spawned = await spawnNode({
    id: asNodeId(id),
    command: network === null ? command : { ...command, ...network.wrap(id, command.command, command.args) },
    dataDir: entry.dataDir,
    output: { kind: 'file', logFile: entry.logFile },
  });
  if (!spawned.ok) return { ok: false, problem: spawned.problem };
  const { pid, exited, child } = spawned.node;
  // The node outlives this script.
  child.unref();

  const warnings: string[] = [];
  const watchdog = await startProcess(process.execPath, ['-e', followLauncherSource, String(pid), String(file.launcherPid)], { stdio: 'ignore' });
  if (watchdog.ok) watchdog.process.child.unref();
  else warnings.push(`${id} will not stop with the launcher (no watchdog could be started); stop it with kill ${pid}`);

  const recorded = await setNodePid(filePath, id, pid);
  if (!recorded.ok) warnings.push(`cluster.json does not show ${id}'s new pid ${pid}: ${recorded.problem}`);
  return { ok: true, node: { pid, exited, warnings } };
}
