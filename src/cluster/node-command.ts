import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClusterId, NodeId } from '../core/ids.ts';
import { formatMemberList } from '../node/member-list.ts';
import type { LogLevel } from '../node/node-options.ts';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const nodeEntryPoint = path.join(repoRoot, 'src', 'node', 'main.ts');

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
  /** `--import tsx` is resolved from the working directory, so the node must start in the repository. */
  readonly cwd: string;
}

/** The command that runs one node from source, logging JSON lines to stdout. */
export function nodeCommand(launch: NodeLaunch): NodeCommand {
  const optional = (flag: string, value: number | string | undefined): string[] => (value === undefined ? [] : [flag, String(value)]);
  return {
    command: process.execPath,
    args: [
      '--import',
      'tsx',
      nodeEntryPoint,
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
