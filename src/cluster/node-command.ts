import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClusterId, NodeId } from '../core/ids.ts';
import { formatMemberList } from '../node/member-list.ts';
import type { LogLevel } from '../node/node-options.ts';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const nodeEntryPoint = path.join(repoRoot, 'src', 'node', 'main.ts');
/**
 * V8 settings for node processes. A 1 MiB young generation (default 16 MiB) keeps an idle node's
 * RSS down (a 5-node cluster's leader: 73 instead of 85 MiB); a node allocates little, so the
 * extra scavenges cost next to nothing.
 */
export const nodeRuntimeFlags: readonly string[] = ['--max-semi-space-size=1'];
/** Where node-bundle.ts writes the bundled entry point. */
export const nodeBundlePath = path.join(repoRoot, 'dist', 'node', 'main.js');

/** What one node of a local cluster is started with. Settings left out take the node's defaults. */
export interface NodeLaunch {
  readonly id: NodeId;
  readonly clusterId: ClusterId;
  readonly listen: string;
  readonly adminListen: string;
  /** Every member's peer address, this node included. */
  readonly members: ReadonlyMap<NodeId, string>;
  readonly dataDir: string;
  readonly heartbeatMs?: number;
  readonly electionTimeoutMs?: number;
  readonly electionJitterMs?: number;
  readonly maxClockDrift?: number;
  readonly logLevel?: LogLevel;
}

export interface NodeCommand {
  readonly command: string;
  readonly args: readonly string[];
  /** The repository: relative paths a node is given (its data dir) are the launcher's. */
  readonly cwd: string;
}

/**
 * The command that runs one node from its bundle (see node-bundle.ts; build it first), logging
 * JSON lines to stdout.
 */
export function nodeCommand(launch: NodeLaunch): NodeCommand {
  const optional = (flag: string, value: number | string | undefined): string[] => (value === undefined ? [] : [flag, String(value)]);
  return {
    command: process.execPath,
    args: [
      ...nodeRuntimeFlags,
      nodeBundlePath,
      '--id',
      launch.id,
      '--listen',
      launch.listen,
      '--admin-listen',
      launch.adminListen,
      '--peers',
      formatMemberList(launch.members),
      '--data-dir',
      launch.dataDir,
      '--cluster-id',
      launch.clusterId,
      ...optional('--heartbeat-ms', launch.heartbeatMs),
      ...optional('--election-timeout-ms', launch.electionTimeoutMs),
      ...optional('--election-jitter-ms', launch.electionJitterMs),
      ...optional('--max-clock-drift', launch.maxClockDrift),
      ...optional('--log-level', launch.logLevel),
      '--log-format',
      'json',
    ],
    cwd: repoRoot,
  };
}
