import path from 'node:path';
import { checkElectionConfig } from '../core/election-config.ts';
import { asNodeId, isValidId, type ClusterId } from '../core/ids.ts';
import { nodeIdRules } from '../node/member-list.ts';
import { logLevels, nodeDefaults, timingRanges, type LogLevel } from '../node/node-options.ts';
import { booleanFlag, choice, numberIn, rangeText, stringFlag, type NumberRange, type ValueParser } from '../command-line/flag.ts';
import { singleCommandUsage, type ReadOptionsResult, type SingleCommandProgram } from '../command-line/program.ts';
import { readArgs } from '../command-line/read-args.ts';

export const maxClusterNodes = 9;

const defaults = { nodes: 3, dataDir: './data', basePort: 7400 } as const;
const nodesRange: NumberRange = { min: 1, max: maxClusterNodes, integer: true };
const portRange: NumberRange = { min: 1, max: 65535, integer: true };

/** Where `--tls` keeps the cluster's certificates, under the data dir. */
export const tlsDirName = 'tls';

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

export type ParseClusterOptionsResult = ReadOptionsResult<ClusterOptions>;

const clusterIdParser: ValueParser<string> = (text, source) =>
  isValidId(text) ? { ok: true, value: text } : { ok: false, problem: `${source} ${JSON.stringify(text)} is not a valid cluster id (${nodeIdRules})` };

const dataDirParser: ValueParser<string> = (text, source) =>
  text === '' ? { ok: false, problem: `${source} is empty: give a directory, e.g. --data-dir ./data` } : { ok: true, value: text };

const flags = {
  nodes: stringFlag({
    name: 'nodes',
    placeholder: `<${rangeText(nodesRange)}>`,
    description: 'how many nodes to start, n1..nN',
    defaultText: String(defaults.nodes),
    parse: numberIn(nodesRange),
  }),
  dataDir: stringFlag({
    name: 'data-dir',
    placeholder: '<dir>',
    description: "holds cluster.json and each node's directory <dir>/<id>",
    defaultText: defaults.dataDir,
    parse: dataDirParser,
  }),
  basePort: stringFlag({
    name: 'base-port',
    placeholder: '<port>',
    description: `node i gets peer port <port>+i-1 and admin port <port>+${nodeDefaults.adminPortOffset}+i-1, ${rangeText(portRange)}`,
    defaultText: String(defaults.basePort),
    parse: numberIn(portRange),
  }),
  clusterId: stringFlag({ name: 'cluster-id', placeholder: '<id>', description: '', defaultText: nodeDefaults.clusterId, parse: clusterIdParser }),
  heartbeatMs: stringFlag({
    name: 'heartbeat-ms',
    placeholder: '<ms>',
    description: rangeText(timingRanges.heartbeatMs),
    defaultText: String(nodeDefaults.heartbeatMs),
    parse: numberIn(timingRanges.heartbeatMs),
  }),
  electionTimeoutMs: stringFlag({
    name: 'election-timeout-ms',
    placeholder: '<ms>',
    description: `minimum election timeout, ${rangeText(timingRanges.electionTimeoutMs)}`,
    defaultText: String(nodeDefaults.electionTimeoutMs),
    parse: numberIn(timingRanges.electionTimeoutMs),
  }),
  electionJitterMs: stringFlag({
    name: 'election-jitter-ms',
    placeholder: '<ms>',
    description: rangeText(timingRanges.electionJitterMs),
    defaultText: String(nodeDefaults.electionJitterMs),
    parse: numberIn(timingRanges.electionJitterMs),
  }),
  maxClockDrift: stringFlag({
    name: 'max-clock-drift',
    placeholder: '<fraction>',
    description: rangeText(timingRanges.maxClockDrift),
    defaultText: String(nodeDefaults.maxClockDrift),
    parse: numberIn(timingRanges.maxClockDrift),
  }),
  logLevel: stringFlag({
    name: 'log-level',
    placeholder: `<${logLevels.join('|')}>`,
    description: '',
    defaultText: nodeDefaults.logLevel,
    parse: choice(logLevels),
  }),
  tls: booleanFlag({
    name: 'tls',
    description: `mutual TLS between nodes, TLS and client certificates for admin and metrics, from <data-dir>/${tlsDirName} (minted there if absent)`,
  }),
  net: booleanFlag({
    name: 'net',
    description: 'each node in its own network namespace (198.18.x.0/24), so `npm run fault -- --net ...` can cut links with kernel rules; root',
  }),
};

export const clusterProgram: SingleCommandProgram = {
  invocation: 'npm run cluster --',
  synopsis: '[--nodes 3] [flags]',
  about: [
    'Starts a local cluster: nodes n1..nN on 127.0.0.1, each its own process logging to',
    '<data-dir>/<id>/node.log, and prints each change of leader. Ctrl-C stops every node (twice: at once).',
    "Starting again with the same --data-dir keeps the nodes' persisted terms and votes.",
    'The timing and log settings are passed to every node.',
  ],
  flags: Object.values(flags),
  notes: [],
};

export const clusterUsage = singleCommandUsage(clusterProgram).join('\n');

/** Reads the launcher's command line, reporting every problem found. `--help` is accepted and ignored: check `wantsHelp` first. */
export function parseClusterOptions(argv: readonly string[]): ParseClusterOptionsResult {
  const read = readArgs(argv, {}, clusterProgram.flags);
  if (!read.ok) return read;
  const { args } = read;
  const problems = [...read.problems];

  const nodeCount = args.value(flags.nodes, defaults.nodes);
  const basePort = args.value(flags.basePort, defaults.basePort);
  if (args.valid(flags.nodes, flags.basePort)) {
    const highest = basePort + nodeDefaults.adminPortOffset + nodeCount - 1;
    if (highest > 65535) {
      problems.push(
        `--base-port ${basePort} leaves no room for ${nodeCount} nodes: the highest admin port would be ${highest}; ` +
          `use --base-port ${65535 - nodeDefaults.adminPortOffset - nodeCount + 1} or lower`,
      );
    }
  }

  const heartbeatMs = args.value(flags.heartbeatMs, nodeDefaults.heartbeatMs);
  const electionTimeoutMs = args.value(flags.electionTimeoutMs, nodeDefaults.electionTimeoutMs);
  const electionJitterMs = args.value(flags.electionJitterMs, nodeDefaults.electionJitterMs);
  const maxClockDrift = args.value(flags.maxClockDrift, nodeDefaults.maxClockDrift);
  if (args.valid(flags.heartbeatMs, flags.electionTimeoutMs, flags.electionJitterMs, flags.maxClockDrift)) {
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

  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    options: {
      nodeCount,
      dataDir: path.resolve(args.value(flags.dataDir, defaults.dataDir)),
      basePort,
      clusterId: args.value(flags.clusterId, nodeDefaults.clusterId) as ClusterId,
      heartbeatMs,
      electionTimeoutMs,
      electionJitterMs,
      maxClockDrift,
      logLevel: args.value(flags.logLevel, nodeDefaults.logLevel),
      tls: args.value(flags.tls, false),
      net: args.value(flags.net, false),
    },
  };
}
