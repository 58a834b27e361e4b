import path from 'node:path';
import { checkElectionConfig, type ElectionConfig } from '../core/election-config.ts';
import { asNodeId, isValidId, type ClusterId, type NodeId } from '../core/ids.ts';
import { choice, hostPort, numberIn, rangeText, stringFlag, type NumberRange, type ValueParser } from '../command-line/flag.ts';
import { singleCommandUsage, type ReadOptionsResult, type SingleCommandProgram } from '../command-line/program.ts';
import { readArgs } from '../command-line/read-args.ts';
import { formatHostPort, isWildcardHost, sameHostPort, type HostPort } from '../util/host-port.ts';
import { memberListExample, nodeIdRules, parseMemberList } from './member-list.ts';
import { readNodeTlsOptions, tlsFlags, type NodeTlsOptions } from '../tls/tls-options.ts';

export const logLevels = ['trace', 'debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof logLevels)[number];
export const logFormats = ['json', 'pretty'] as const;
export type LogFormat = (typeof logFormats)[number];

/** Shared with the cluster launcher, which passes the same settings to every node. */
export const nodeDefaults = {
  clusterId: 'local',
  heartbeatMs: 50,
  electionTimeoutMs: 500,
  electionJitterMs: 50,
  maxClockDrift: 0.05,
  logLevel: 'info' satisfies LogLevel,
  /** The admin port defaults to the peer port plus this. */
  adminPortOffset: 100,
  /** The metrics port defaults to the peer port plus this. */
  metricsPortOffset: 200,
} as const;

/**
 * What each numeric setting accepts; shared with the launcher and the fault scripts' restart.
 * Every timer the node arms stays below two minutes, far from setTimeout's limit of 2^31 - 1 ms
 * (beyond it a timer fires after 1 ms). An election timeout over a minute would leave a cluster
 * without a leader for over a minute after a crash; the heartbeat must be at most a third of the
 * timeout anyway (checked with the other relationships by checkElectionConfig), and below 10 ms a
 * timeout is shorter than a scheduler hiccup. Durations are whole milliseconds.
 */
export const timingRanges = {
  heartbeatMs: { min: 1, max: 20_000, integer: true, unit: 'milliseconds' },
  electionTimeoutMs: { min: 10, max: 60_000, integer: true, unit: 'milliseconds' },
  electionJitterMs: { min: 1, max: 60_000, integer: true, unit: 'milliseconds' },
  maxClockDrift: { min: 0, max: 0.5, maxExclusive: true, integer: false },
} as const satisfies Record<string, NumberRange>;

export interface NodeOptions {
  readonly id: NodeId;
  readonly clusterId: ClusterId;
  /** `host:port` to serve peer traffic on. */
  readonly listen: string;
  /** `host:port` to serve the admin API on. */
  readonly adminListen: string;
  /** `host:port` to serve Prometheus metrics (`GET /metrics`) on; null when turned off. */
  readonly metricsListen: string | null;
  /** Every member's peer address, this node included. */
  readonly members: ReadonlyMap<NodeId, string>;
  /** Every other member's peer address. */
  readonly peers: ReadonlyMap<NodeId, string>;
  /** Absolute. */
  readonly dataDir: string;
  readonly election: ElectionConfig;
  readonly logLevel: LogLevel;
  readonly logFormat: LogFormat;
  /** Peer mTLS and admin/metrics TLS; every part null when TLS is off. */
  readonly tls: NodeTlsOptions;
}

export type ParseNodeOptionsResult = ReadOptionsResult<NodeOptions>;

function validId(what: string): ValueParser<string> {
  return (text, source) =>
    isValidId(text) ? { ok: true, value: text } : { ok: false, problem: `${source} ${JSON.stringify(text)} is not a valid ${what} (${nodeIdRules})` };
}

const membersParser: ValueParser<ReadonlyMap<NodeId, HostPort>> = (text, source) => {
  const memberList = parseMemberList(text, source);
  return memberList.problems.length === 0 ? { ok: true, value: memberList.members } : { ok: false, problems: memberList.problems };
};

const dataDirParser: ValueParser<string> = (text, source) => {
  if (text === '') return { ok: false, problem: `${source} is empty: give a directory, e.g. --data-dir ./data/n1` };
  if (text.includes('\0')) return { ok: false, problem: `${source} contains a NUL character, which no path can hold` };
  return { ok: true, value: text };
};

/** `null` for off. */
const metricsParser: ValueParser<HostPort | null> = (text, source) => (text === 'off' ? { ok: true, value: null } : hostPort(text, source));

const nodeFlags = {
  id: stringFlag({
    name: 'id',
    placeholder: '<id>',
    env: 'HBC_ID',
    description: "this node's id, e.g. n1",
    required: "give this node's id, e.g. --id n1",
    parse: validId('node id'),
  }),
  clusterId: stringFlag({
    name: 'cluster-id',
    placeholder: '<id>',
    env: 'HBC_CLUSTER_ID',
    description: "the cluster's id; messages from other clusters are refused",
    defaultText: nodeDefaults.clusterId,
    parse: validId('cluster id'),
  }),
  listen: stringFlag({
    name: 'listen',
    placeholder: '<host:port>',
    env: 'HBC_LISTEN',
    description: 'address to serve peer traffic on',
    required: 'give the host:port to serve peer traffic on, e.g. --listen 127.0.0.1:7400',
    parse: hostPort,
  }),
  adminListen: stringFlag({
    name: 'admin-listen',
    placeholder: '<host:port>',
    env: 'HBC_ADMIN_LISTEN',
    description: 'address to serve the admin API (hbctl) on',
    defaultText: `127.0.0.1:<listen port + ${nodeDefaults.adminPortOffset}>`,
    parse: hostPort,
  }),
  metricsListen: stringFlag({
    name: 'metrics-listen',
    placeholder: '<host:port|off>',
    env: 'HBC_METRICS_LISTEN',
    description: 'address to serve Prometheus metrics (GET /metrics) on, or off',
    defaultText: `127.0.0.1:<listen port + ${nodeDefaults.metricsPortOffset}>`,
    parse: metricsParser,
  }),
  peers: stringFlag({
    name: 'peers',
    placeholder: '<id=host:port,...>',
    env: 'HBC_PEERS',
    description: 'every member of the cluster, this node included; see the example below',
    required: `list every member including this node, e.g. --peers ${memberListExample}`,
    parse: membersParser,
  }),
  dataDir: stringFlag({
    name: 'data-dir',
    placeholder: '<dir>',
    env: 'HBC_DATA_DIR',
    description: 'where the persisted term and vote live',
    defaultText: './data/<id>',
    parse: dataDirParser,
  }),
  heartbeatMs: stringFlag({
    name: 'heartbeat-ms',
    placeholder: '<ms>',
    env: 'HBC_HEARTBEAT_MS',
    description: `interval between the leader's heartbeats, ${rangeText(timingRanges.heartbeatMs)}`,
    defaultText: String(nodeDefaults.heartbeatMs),
    parse: numberIn(timingRanges.heartbeatMs),
  }),
  electionTimeoutMs: stringFlag({
    name: 'election-timeout-ms',
    placeholder: '<ms>',
    env: 'HBC_ELECTION_TIMEOUT_MS',
    description: `minimum election timeout, ${rangeText(timingRanges.electionTimeoutMs)}; at least 3 heartbeats`,
    defaultText: String(nodeDefaults.electionTimeoutMs),
    parse: numberIn(timingRanges.electionTimeoutMs),
  }),
  electionJitterMs: stringFlag({
    name: 'election-jitter-ms',
    placeholder: '<ms>',
    env: 'HBC_ELECTION_JITTER_MS',
    description: `election timeouts are drawn from [timeout, timeout + jitter), ${rangeText(timingRanges.electionJitterMs)}; at most 10 timeouts`,
    defaultText: String(nodeDefaults.electionJitterMs),
    parse: numberIn(timingRanges.electionJitterMs),
  }),
  maxClockDrift: stringFlag({
    name: 'max-clock-drift',
    placeholder: '<fraction>',
    env: 'HBC_MAX_CLOCK_DRIFT',
    description: `largest clock-rate difference between nodes, ${rangeText(timingRanges.maxClockDrift)}; shortens the lease`,
    defaultText: String(nodeDefaults.maxClockDrift),
    parse: numberIn(timingRanges.maxClockDrift, ', such as 0.05'),
  }),
  logLevel: stringFlag({
    name: 'log-level',
    placeholder: `<${logLevels.join('|')}>`,
    env: 'HBC_LOG_LEVEL',
    description: '',
    defaultText: nodeDefaults.logLevel,
    parse: choice(logLevels),
  }),
  logFormat: stringFlag({
    name: 'log-format',
    placeholder: `<${logFormats.join('|')}>`,
    env: 'HBC_LOG_FORMAT',
    description: '',
    defaultText: 'pretty when stdout is a terminal, else json',
    parse: choice(logFormats),
  }),
};

export const nodeProgram: SingleCommandProgram = {
  invocation: 'npm run node --',
  synopsis: '--id <id> --listen <host:port> --peers <id=host:port,...> [flags]',
  about: [
    'Runs one node of a heartbeat cluster. Each flag can also be set with the environment variable',
    'shown next to it; the flag wins when both are given.',
  ],
  flags: [...Object.values(nodeFlags), ...Object.values(tlsFlags)],
  notes: ['Example (node n1 of three):', `  npm run node -- --id n1 --listen 127.0.0.1:7400 --peers ${memberListExample}`],
};

export const nodeUsage = singleCommandUsage(nodeProgram).join('\n');

/**
 * Reads the node's settings from its command line and environment. Every problem found is
 * reported, each saying how to fix it. `--help` is accepted and ignored: check `wantsHelp` first.
 */
export function parseNodeOptions(argv: readonly string[], env: NodeJS.ProcessEnv, stdoutIsTty: boolean): ParseNodeOptionsResult {
  const read = readArgs(argv, env, nodeProgram.flags);
  if (!read.ok) return read;
  const { args } = read;
  const problems = [...read.problems];
  const flags = nodeFlags;

  const id = args.value(flags.id) as NodeId | undefined;
  const listen = args.value(flags.listen);

  let adminListen = args.value(flags.adminListen);
  if (args.source(flags.adminListen) === undefined && listen !== undefined) {
    const port = listen.port + nodeDefaults.adminPortOffset;
    if (port <= 65535) adminListen = { host: '127.0.0.1', port };
    else problems.push(`the default admin port (--listen port ${listen.port} + ${nodeDefaults.adminPortOffset}) is above 65535: give --admin-listen`);
  }
  if (listen !== undefined && adminListen !== undefined && sameHostPort(listen, adminListen)) {
    problems.push(`--admin-listen and --listen are both ${formatHostPort(listen)}: give the admin API its own port`);
  }

  let metricsListen = args.value(flags.metricsListen);
  if (args.source(flags.metricsListen) === undefined && listen !== undefined) {
    const port = listen.port + nodeDefaults.metricsPortOffset;
    if (port <= 65535) metricsListen = { host: '127.0.0.1', port };
    else
      problems.push(
        `the default metrics port (--listen port ${listen.port} + ${nodeDefaults.metricsPortOffset}) is above 65535: give --metrics-listen (or off)`,
      );
  }
  if (metricsListen !== undefined && metricsListen !== null && metricsListen.port !== 0) {
    if (listen !== undefined && sameHostPort(listen, metricsListen)) {
      problems.push(`--metrics-listen and --listen are both ${formatHostPort(listen)}: give the metrics their own port`);
    }
    if (adminListen !== undefined && sameHostPort(adminListen, metricsListen)) {
      problems.push(`--metrics-listen and --admin-listen are both ${formatHostPort(adminListen)}: give the metrics their own port`);
    }
  }

  const members = args.value(flags.peers);
  const peersSource = args.source(flags.peers);
  if (members !== undefined && id !== undefined) {
    const advertised = members.get(id);
    if (advertised === undefined) {
      problems.push(`${peersSource} does not list this node (${id}): add ${id}=<its --listen address> to it`);
    } else if (listen !== undefined && !listensOn(listen, advertised)) {
      problems.push(
        `${peersSource} gives this node (${id}) the address ${formatHostPort(advertised)} but --listen is ` +
          `${formatHostPort(listen)}: make them the same, since the other nodes dial the address in ${peersSource}`,
      );
    }
  }

  const heartbeatIntervalMs = args.value(flags.heartbeatMs, nodeDefaults.heartbeatMs);
  const electionTimeoutMinMs = args.value(flags.electionTimeoutMs, nodeDefaults.electionTimeoutMs);
  const electionJitterMs = args.value(flags.electionJitterMs, nodeDefaults.electionJitterMs);
  const maxClockDrift = args.value(flags.maxClockDrift, nodeDefaults.maxClockDrift);
  if (args.valid(flags.heartbeatMs, flags.electionTimeoutMs, flags.electionJitterMs, flags.maxClockDrift)) {
    // Only the timing relationships are checked here; membership was checked above, so the
    // identity fields are placeholders and the peer list is left empty.
    const timing = checkElectionConfig({ self: id ?? asNodeId('n1'), peers: [], heartbeatIntervalMs, electionTimeoutMinMs, electionJitterMs, maxClockDrift });
    if (!timing.ok) problems.push(...timing.problems);
  }

  const tls = readNodeTlsOptions(args, problems);

  if (problems.length > 0 || id === undefined || listen === undefined || adminListen === undefined || members === undefined || tls === undefined) {
    if (problems.length === 0) throw new Error('parseNodeOptions: a setting is missing but no problem was reported');
    return { ok: false, problems };
  }

  const memberAddresses = new Map([...members].map(([member, at]) => [member, formatHostPort(at)] as const));
  const peers = new Map([...memberAddresses].filter(([member]) => member !== id));
  return {
    ok: true,
    options: {
      id,
      clusterId: args.value(flags.clusterId, nodeDefaults.clusterId) as ClusterId,
      listen: formatHostPort(listen),
      adminListen: formatHostPort(adminListen),
      metricsListen: metricsListen === undefined || metricsListen === null ? null : formatHostPort(metricsListen),
      members: memberAddresses,
      peers,
      dataDir: path.resolve(args.value(flags.dataDir, path.join('data', id))),
      election: { self: id, peers: [...peers.keys()], heartbeatIntervalMs, electionTimeoutMinMs, electionJitterMs, maxClockDrift },
      logLevel: args.value(flags.logLevel, nodeDefaults.logLevel),
      logFormat: args.value(flags.logFormat, stdoutIsTty ? 'pretty' : 'json'),
      tls,
    },
  };
}

/**
 * Whether a node listening on `listen` is reachable at `advertised`, the address the others dial.
 * Listening on every interface (0.0.0.0 or ::) serves any advertised host on the same port, which
 * is what a node on a multi-homed machine needs.
 */
function listensOn(listen: HostPort, advertised: HostPort): boolean {
  return sameHostPort(listen, advertised) || (isWildcardHost(listen.host) && listen.port === advertised.port);
}
