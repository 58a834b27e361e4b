import path from 'node:path';
import { asNodeId } from '../core/ids.ts';
import { nodeDefaults } from '../node/node-options.ts';
import { tlsDirName, type ClusterOptions } from './cluster-options.ts';
import type { NodeLaunch } from '../harness/node-command.ts';

export interface PlannedNode extends NodeLaunch {
  readonly peerPort: number;
  readonly adminPort: number;
  /** Absolute; receives the node's stdout and stderr. */
  readonly logFile: string;
}

export const NODE_LOG_FILE_NAME = 'node.log';

/**
 * Lays out nodes n1..nN with consecutive ports, each in `<data-dir>/<id>`: on 127.0.0.1, or on
 * the address `hostOf` gives each (its network namespace's).
 */
export function planCluster(options: ClusterOptions, hostOf: (id: string) => string = () => '127.0.0.1'): readonly PlannedNode[] {
  const ordinals = Array.from({ length: options.nodeCount }, (_, index) => index + 1);
  const members = new Map(ordinals.map((ordinal) => [asNodeId(`n${ordinal}`), `${hostOf(`n${ordinal}`)}:${options.basePort + ordinal - 1}`] as const));
  return ordinals.map((ordinal) => {
    const id = asNodeId(`n${ordinal}`);
    const peerPort = options.basePort + ordinal - 1;
    const adminPort = peerPort + nodeDefaults.adminPortOffset;
    const dataDir = path.join(options.dataDir, id);
    return {
      id,
      clusterId: options.clusterId,
      listen: `${hostOf(id)}:${peerPort}`,
      adminListen: `${hostOf(id)}:${adminPort}`,
      members,
      dataDir,
      heartbeatMs: options.heartbeatMs,
      electionTimeoutMs: options.electionTimeoutMs,
      electionJitterMs: options.electionJitterMs,
      maxClockDrift: options.maxClockDrift,
      logLevel: options.logLevel,
      ...(options.tls ? { tlsDir: path.join(options.dataDir, tlsDirName) } : {}),
      peerPort,
      adminPort,
      logFile: path.join(dataDir, NODE_LOG_FILE_NAME),
    };
  });
}
