import path from 'node:path';
import { checkElectionConfig } from '../core/election-config.ts';
import { asNodeId, isValidId, type ClusterId } from '../core/ids.ts';
import { nodeIdRules } from '../node/member-list.ts';
import { logLevels, nodeDefaults, timingRanges, type LogLevel } from '../node/node-options.ts';
import { describeRange, formatColumns, parseNumberInRange, parseStringFlags, rangeText, type NumberRange } from '../util/command-line.ts';

export const maxClusterNodes = 9;

const defaults = { nodes: 3, dataDir: './data', basePort: 7400 } as const;
const nodesRange: NumberRange = { min: 1, max: maxClusterNodes, integer: true };
const portRange: NumberRange = { min: 1, max: 65535, integer: true };

// ---- TLS (issue 12) ----
/** Where `--tls` keeps the cluster's certificates, under the data dir. */
export const tlsDirName = 'tls';
const booleanFlags: readonly string[] = ['tls', 'net'];
// ---- end TLS ----

export interface ClusterOptions {
  readonly nodeCount: number;
  /** Absolute; holds cluster.json and one directory per node. */
  readonly dataDir: string;
  /** Node i (from 1) serves peers on basePort + i - 1 and the admin API on that plus the admin offset. */
  readonly basePort: number;
  readonly clusterId: ClusterId;
  readonly heartbeatMs: number;
  readonly electionTimeoutMs: number;
  readonly electionJitterMs: number;
  readonly maxClockDrift: number;
  readonly logLevel: LogLevel;
  /** Run every link and the admin API over TLS with the certificates in `<dataDir>/tls` (minted if absent). */
  readonly tls: boolean;
  /** Each node in its own network namespace on its own address, for kernel-level faults (`fault --net`); needs root. */
  readonly net: boolean;
}

export type ParseClusterOptionsResult = { readonly ok: true; readonly options: ClusterOptions } | { readonly ok: false; readonly problems: readonly string[] };

const flags = [
  ['nodes', `<${rangeText(nodesRange)}>`, `how many nodes to start, n1..nN (default ${defaults.nodes})`],
  ['data-dir', '<dir>', `holds cluster.json and each node's directory <dir>/<id> (default ${defaults.dataDir})`],
  [
    'base-port',
    '<port>',
    `node i gets peer port <port>+i-1 and admin port <port>+${nodeDefaults.adminPortOffset}+i-1, ${rangeText(portRange)} (default ${defaults.basePort})`,
  ],
  ['cluster-id', '<id>', `(default ${nodeDefaults.clusterId})`],
  ['heartbeat-ms', '<ms>', `${rangeText(timingRanges.heartbeatMs)} (default ${nodeDefaults.heartbeatMs})`],
  ['election-timeout-ms', '<ms>', `minimum election timeout, ${rangeText(timingRanges.electionTimeoutMs)} (default ${nodeDefaults.electionTimeoutMs})`],
  ['election-jitter-ms', '<ms>', `${rangeText(timingRanges.electionJitterMs)} (default ${nodeDefaults.electionJitterMs})`],
  ['max-clock-drift', '<fraction>', `${rangeText(timingRanges.maxClockDrift)} (default ${nodeDefaults.maxClockDrift})`],
  ['log-level', `<${logLevels.join('|')}>`, `(default ${nodeDefaults.logLevel})`],
  ['tls', '', `mutual TLS between nodes, TLS and client certificates for admin and metrics, from <data-dir>/${tlsDirName} (minted there if absent)`],
  ['net', '', 'each node in its own network namespace (198.18.x.0/24), so `npm run fault -- --net ...` can cut links with kernel rules; root'],
] as const;

type FlagName = (typeof flags)[number][0];

export const clusterUsage = [
  'Usage: npm run cluster -- [--nodes 3] [flags]',
  '',
  'Starts a local cluster: nodes n1..nN on 127.0.0.1, each its own process logging to',
  '<data-dir>/<id>/node.log, and prints each change of leader. Ctrl-C stops every node (twice: at once).',
  "Starting again with the same --data-dir keeps the nodes' persisted terms and votes.",
  'The timing and log settings are passed to every node.',
  '',
  formatColumns([
    ...flags.map(([name, placeholder, description]) => [placeholder === '' ? `--${name}` : `--${name} ${placeholder}`, description]),
    ['-h, --help', 'print this help'],
  ]),
  '',
].join('\n');

/** Reads the launcher's command line, reporting every problem found. `--help` is accepted and ignored: check `wantsHelp` first. */
export function parseClusterOptions(argv: readonly string[]): ParseClusterOptionsResult {
  const parsed = parseStringFlags(
    argv,
    flags.map(([name]) => name).filter((name) => !booleanFlags.includes(name)),
    booleanFlags,
  );
  if (!parsed.ok) return { ok: false, problems: [parsed.problem] };
  const problems: string[] = [];
  const raw = (name: FlagName): string | undefined => parsed.values.get(name);
  const number = (name: FlagName, fallback: number, range: NumberRange): number | undefined => {
    const text = raw(name);
    if (text === undefined) return fallback;
    const value = parseNumberInRange(text, range);
    if (value === undefined) problems.push(`--${name} must be ${describeRange(range)} (got ${JSON.stringify(text)})`);
    return value;
  };

  const nodeCount = number('nodes', defaults.nodes, nodesRange);
  const basePort = number('base-port', defaults.basePort, portRange);
  if (nodeCount !== undefined && basePort !== undefined) {
    const highest = basePort + nodeDefaults.adminPortOffset + nodeCount - 1;
    if (highest > 65535) {
      problems.push(
        `--base-port ${basePort} leaves no room for ${nodeCount} nodes: the highest admin port would be ${highest}; ` +
          `use --base-port ${65535 - nodeDefaults.adminPortOffset - nodeCount + 1} or lower`,
      );
    }
  }

  const dataDir = raw('data-dir') ?? defaults.dataDir;
  if (dataDir === '') problems.push('--data-dir is empty: give a directory, e.g. --data-dir ./data');

  const clusterId = raw('cluster-id') ?? nodeDefaults.clusterId;
  if (!isValidId(clusterId)) problems.push(`--cluster-id ${JSON.stringify(clusterId)} is not a valid cluster id (${nodeIdRules})`);

  const heartbeatMs = number('heartbeat-ms', nodeDefaults.heartbeatMs, timingRanges.heartbeatMs);
  const electionTimeoutMs = number('election-timeout-ms', nodeDefaults.electionTimeoutMs, timingRanges.electionTimeoutMs);
  const electionJitterMs = number('election-jitter-ms', nodeDefaults.electionJitterMs, timingRanges.electionJitterMs);
  const maxClockDrift = number('max-clock-drift', nodeDefaults.maxClockDrift, timingRanges.maxClockDrift);
  if (heartbeatMs !== undefined && electionTimeoutMs !== undefined && electionJitterMs !== undefined && maxClockDrift !== undefined) {
    // Checked here too so that a bad setting is reported once, not by every node as it exits.
    // Only timing is checked: the node ids are fixed and valid, so `self` is a placeholder.
    const timing = checkElectionConfig({
      self: asNodeId('n1'),
      peers: [],
      heartbeatIntervalMs: heartbeatMs,
      electionTimeoutMinMs: electionTimeoutMs,
      electionJitterMs,
      maxClockDrift,
    });
    if (!timing.ok) problems.push(...timing.problems);
  }

  const logLevelText = raw('log-level') ?? nodeDefaults.logLevel;
  const logLevel = logLevels.find((level) => level === logLevelText);
  if (logLevel === undefined) problems.push(`--log-level must be one of ${logLevels.join(', ')} (got ${JSON.stringify(logLevelText)})`);

  if (
    problems.length > 0 ||
    nodeCount === undefined ||
    basePort === undefined ||
    heartbeatMs === undefined ||
    electionTimeoutMs === undefined ||
    electionJitterMs === undefined ||
    maxClockDrift === undefined ||
    logLevel === undefined
  ) {
    if (problems.length === 0) throw new Error('parseClusterOptions: a setting is missing but no problem was reported');
    return { ok: false, problems };
  }
  return {
    ok: true,
    options: {
      nodeCount,
      dataDir: path.resolve(dataDir),
      basePort,
      clusterId: clusterId as ClusterId,
      heartbeatMs,
      electionTimeoutMs,
      electionJitterMs,
      maxClockDrift,
      logLevel,
      tls: raw('tls') === 'true',
      net: raw('net') === 'true',
    },
  };
}
