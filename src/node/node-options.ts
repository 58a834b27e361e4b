import path from 'node:path';
import { checkElectionConfig, type ElectionConfig } from '../core/election-config.ts';
import { isValidId, type ClusterId, type NodeId } from '../core/ids.ts';
import { describeRange, formatColumns, parseNumberInRange, parseStringFlags, rangeText, type NumberRange } from '../util/command-line.ts';
import { formatHostPort, isWildcardHost, parseHostPort, sameHostPort, type HostPort } from '../util/host-port.ts';
import { memberListExample, nodeIdRules, parseMemberList } from './member-list.ts';
// ---- TLS (issue 12) ----
import { readNodeTlsOptions, tlsBooleanFlags, tlsFlags, type NodeTlsOptions } from '../tls/tls-options.ts';
// ---- end TLS ----

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
  // ---- TLS (issue 12) ----
  /** Peer mTLS and admin/metrics TLS; every part null when TLS is off. */
  readonly tls: NodeTlsOptions;
  // ---- end TLS ----
}

export type ParseNodeOptionsResult = { readonly ok: true; readonly options: NodeOptions } | { readonly ok: false; readonly problems: readonly string[] };

interface FlagSpec {
  readonly name: string;
  readonly placeholder: string;
  readonly description: string;
}

const flags = [
  { name: 'id', placeholder: '<id>', description: "this node's id, e.g. n1 (required)" },
  { name: 'cluster-id', placeholder: '<id>', description: `the cluster's id; messages from other clusters are refused (default ${nodeDefaults.clusterId})` },
  { name: 'listen', placeholder: '<host:port>', description: 'address to serve peer traffic on (required)' },
  {
    name: 'admin-listen',
    placeholder: '<host:port>',
    description: `address to serve the admin API (hbctl) on (default 127.0.0.1:<listen port + ${nodeDefaults.adminPortOffset}>)`,
  },
  {
    name: 'metrics-listen',
    placeholder: '<host:port|off>',
    description: `address to serve Prometheus metrics (GET /metrics) on, or off (default 127.0.0.1:<listen port + ${nodeDefaults.metricsPortOffset}>)`,
  },
  {
    name: 'peers',
    placeholder: '<id=host:port,...>',
    description: 'every member of the cluster, this node included (required; see the example below)',
  },
  { name: 'data-dir', placeholder: '<dir>', description: 'where the persisted term and vote live (default ./data/<id>)' },
  {
    name: 'heartbeat-ms',
    placeholder: '<ms>',
    description: `interval between the leader's heartbeats, ${rangeText(timingRanges.heartbeatMs)} (default ${nodeDefaults.heartbeatMs})`,
  },
  {
    name: 'election-timeout-ms',
    placeholder: '<ms>',
    description: `minimum election timeout, ${rangeText(timingRanges.electionTimeoutMs)}; at least 3 heartbeats (default ${nodeDefaults.electionTimeoutMs})`,
  },
  {
    name: 'election-jitter-ms',
    placeholder: '<ms>',
    description:
      `election timeouts are drawn from [timeout, timeout + jitter), ${rangeText(timingRanges.electionJitterMs)}; ` +
      `at most 10 timeouts (default ${nodeDefaults.electionJitterMs})`,
  },
  {
    name: 'max-clock-drift',
    placeholder: '<fraction>',
    description: `largest clock-rate difference between nodes, ${rangeText(timingRanges.maxClockDrift)}; shortens the lease (default ${nodeDefaults.maxClockDrift})`,
  },
  { name: 'log-level', placeholder: `<${logLevels.join('|')}>`, description: `(default ${nodeDefaults.logLevel})` },
  { name: 'log-format', placeholder: `<${logFormats.join('|')}>`, description: '(default pretty when stdout is a terminal, else json)' },
  // ---- TLS (issue 12) ----
  ...tlsFlags,
  // ---- end TLS ----
] as const satisfies readonly FlagSpec[];

type FlagName = (typeof flags)[number]['name'];

export function envVarName(flag: FlagName): string {
  return `HBC_${flag.toUpperCase().replaceAll('-', '_')}`;
}

function usageText(): string {
  const rows: (readonly string[])[] = flags.map((flag) => [
    `--${flag.name}${flag.placeholder === '' ? '' : ` ${flag.placeholder}`}`,
    envVarName(flag.name),
    flag.description,
  ]);
  rows.push(['-h, --help', '', 'print this help']);
  return [
    'Usage: npm run node -- --id <id> --listen <host:port> --peers <id=host:port,...> [flags]',
    '',
    'Runs one node of a heartbeat cluster. Each flag can also be set with the environment variable',
    'shown next to it; the flag wins when both are given.',
    '',
    formatColumns(rows),
    '',
    'Example (node n1 of three):',
    `  npm run node -- --id n1 --listen 127.0.0.1:7400 --peers ${memberListExample}`,
    '',
  ].join('\n');
}

export const nodeUsage = usageText();

interface Setting {
  readonly value: string;
  /** Where the value came from, as the user wrote it: `--flag` or `HBC_FLAG`. */
  readonly source: string;
}

/**
 * Reads the node's settings from its command line and environment. Every problem found is
 * reported, each saying how to fix it. `--help` is accepted and ignored: check `wantsHelp` first.
 */
export function parseNodeOptions(argv: readonly string[], env: NodeJS.ProcessEnv, stdoutIsTty: boolean): ParseNodeOptionsResult {
  const parsed = parseStringFlags(
    argv,
    flags.map((flag) => flag.name).filter((name) => !(tlsBooleanFlags as readonly string[]).includes(name)),
    tlsBooleanFlags,
  );
  if (!parsed.ok) return { ok: false, problems: [parsed.problem] };
  const problems: string[] = [];

  const setting = (name: FlagName): Setting | undefined => {
    const flagValue = parsed.values.get(name);
    if (flagValue !== undefined) return { value: flagValue, source: `--${name}` };
    // An empty variable is how shells usually "unset" a setting, so it counts as absent.
    const envValue = env[envVarName(name)];
    if (envValue !== undefined && envValue !== '') return { value: envValue, source: envVarName(name) };
    return undefined;
  };
  const required = (name: FlagName, fix: string): Setting | undefined => {
    const found = setting(name);
    if (found === undefined) problems.push(`missing --${name} (or ${envVarName(name)}): ${fix}`);
    return found;
  };
  const address = (found: Setting | undefined): HostPort | undefined => {
    if (found === undefined) return undefined;
    const result = parseHostPort(found.value);
    if (result.ok) return result.address;
    problems.push(`${found.source}: ${result.problem}`);
    return undefined;
  };
  const number = (name: FlagName, fallback: number, range: NumberRange, example = ''): number | undefined => {
    const found = setting(name);
    if (found === undefined) return fallback;
    const value = parseNumberInRange(found.value, range);
    if (value === undefined) problems.push(`${found.source} must be ${describeRange(range)}${example} (got ${JSON.stringify(found.value)})`);
    return value;
  };
  const choice = <T extends string>(name: FlagName, allowed: readonly T[], fallback: T): T | undefined => {
    const found = setting(name);
    if (found === undefined) return fallback;
    const value = allowed.find((candidate) => candidate === found.value);
    if (value === undefined) problems.push(`${found.source} must be one of ${allowed.join(', ')} (got ${JSON.stringify(found.value)})`);
    return value;
  };

  const idSetting = required('id', "give this node's id, e.g. --id n1");
  let id: NodeId | undefined;
  if (idSetting !== undefined) {
    if (isValidId(idSetting.value)) id = idSetting.value as NodeId;
    else problems.push(`${idSetting.source} ${JSON.stringify(idSetting.value)} is not a valid node id (${nodeIdRules})`);
  }

  const clusterIdSetting = setting('cluster-id');
  const clusterIdRaw = clusterIdSetting?.value ?? nodeDefaults.clusterId;
  if (clusterIdSetting !== undefined && !isValidId(clusterIdRaw)) {
    problems.push(`${clusterIdSetting.source} ${JSON.stringify(clusterIdRaw)} is not a valid cluster id (${nodeIdRules})`);
  }

  const listen = address(required('listen', 'give the host:port to serve peer traffic on, e.g. --listen 127.0.0.1:7400'));

  const adminSetting = setting('admin-listen');
  let adminListen = address(adminSetting);
  if (adminSetting === undefined && listen !== undefined) {
    const port = listen.port + nodeDefaults.adminPortOffset;
    if (port <= 65535) adminListen = { host: '127.0.0.1', port };
    else problems.push(`the default admin port (--listen port ${listen.port} + ${nodeDefaults.adminPortOffset}) is above 65535: give --admin-listen`);
  }
  if (listen !== undefined && adminListen !== undefined && sameHostPort(listen, adminListen)) {
    problems.push(`--admin-listen and --listen are both ${formatHostPort(listen)}: give the admin API its own port`);
  }

  const metricsSetting = setting('metrics-listen');
  const metricsOff = metricsSetting?.value === 'off';
  let metricsListen = metricsOff ? undefined : address(metricsSetting);
  if (metricsSetting === undefined && listen !== undefined) {
    const port = listen.port + nodeDefaults.metricsPortOffset;
    if (port <= 65535) metricsListen = { host: '127.0.0.1', port };
    else
      problems.push(
        `the default metrics port (--listen port ${listen.port} + ${nodeDefaults.metricsPortOffset}) is above 65535: give --metrics-listen (or off)`,
      );
  }
  if (metricsListen !== undefined && metricsListen.port !== 0) {
    if (listen !== undefined && sameHostPort(listen, metricsListen)) {
      problems.push(`--metrics-listen and --listen are both ${formatHostPort(listen)}: give the metrics their own port`);
    }
    if (adminListen !== undefined && sameHostPort(adminListen, metricsListen)) {
      problems.push(`--metrics-listen and --admin-listen are both ${formatHostPort(adminListen)}: give the metrics their own port`);
    }
  }

  const peersSetting = required('peers', `list every member including this node, e.g. --peers ${memberListExample}`);
  let members: ReadonlyMap<NodeId, HostPort> | undefined;
  if (peersSetting !== undefined) {
    const memberList = parseMemberList(peersSetting.value, peersSetting.source);
    problems.push(...memberList.problems);
    // With a malformed entry, "this node is missing" could just be that entry, so only check a clean list.
    if (memberList.problems.length === 0) members = memberList.members;
  }
  if (members !== undefined && id !== undefined && peersSetting !== undefined) {
    const advertised = members.get(id);
    if (advertised === undefined) {
      problems.push(`${peersSetting.source} does not list this node (${id}): add ${id}=<its --listen address> to it`);
    } else if (listen !== undefined && !listensOn(listen, advertised)) {
      problems.push(
        `${peersSetting.source} gives this node (${id}) the address ${formatHostPort(advertised)} but --listen is ` +
          `${formatHostPort(listen)}: make them the same, since the other nodes dial the address in ${peersSetting.source}`,
      );
    }
  }

  const dataDirSetting = setting('data-dir');
  if (dataDirSetting?.value === '') problems.push(`${dataDirSetting.source} is empty: give a directory, e.g. --data-dir ./data/n1`);
  if (dataDirSetting?.value.includes('\0') === true) problems.push(`${dataDirSetting.source} contains a NUL character, which no path can hold`);

  const heartbeatIntervalMs = number('heartbeat-ms', nodeDefaults.heartbeatMs, timingRanges.heartbeatMs);
  const electionTimeoutMinMs = number('election-timeout-ms', nodeDefaults.electionTimeoutMs, timingRanges.electionTimeoutMs);
  const electionJitterMs = number('election-jitter-ms', nodeDefaults.electionJitterMs, timingRanges.electionJitterMs);
  const maxClockDrift = number('max-clock-drift', nodeDefaults.maxClockDrift, timingRanges.maxClockDrift, ', such as 0.05');
  if (heartbeatIntervalMs !== undefined && electionTimeoutMinMs !== undefined && electionJitterMs !== undefined && maxClockDrift !== undefined) {
    // Only the timing relationships are checked here; membership was checked above, so the
    // identity fields are placeholders and the peer list is left empty.
    const timing = checkElectionConfig({
      self: (id ?? '') as NodeId,
      peers: [],
      heartbeatIntervalMs,
      electionTimeoutMinMs,
      electionJitterMs,
      maxClockDrift,
    });
    if (!timing.ok) problems.push(...timing.problems);
  }

  const logLevel = choice('log-level', logLevels, nodeDefaults.logLevel);
  const logFormat = choice('log-format', logFormats, stdoutIsTty ? 'pretty' : 'json');
  // ---- TLS (issue 12) ----
  const tls = readNodeTlsOptions(setting, problems);
  // ---- end TLS ----

  if (
    problems.length > 0 ||
    id === undefined ||
    listen === undefined ||
    adminListen === undefined ||
    members === undefined ||
    heartbeatIntervalMs === undefined ||
    electionTimeoutMinMs === undefined ||
    electionJitterMs === undefined ||
    maxClockDrift === undefined ||
    logLevel === undefined ||
    logFormat === undefined ||
    tls === undefined
  ) {
    if (problems.length === 0) throw new Error('parseNodeOptions: a setting is missing but no problem was reported');
    return { ok: false, problems };
  }

  const self = id;
  const memberAddresses = new Map([...members].map(([member, at]) => [member, formatHostPort(at)] as const));
  const peers = new Map([...memberAddresses].filter(([member]) => member !== self));
  return {
    ok: true,
    options: {
      id: self,
      clusterId: clusterIdRaw as ClusterId,
      listen: formatHostPort(listen),
      adminListen: formatHostPort(adminListen),
      metricsListen: metricsListen === undefined ? null : formatHostPort(metricsListen),
      members: memberAddresses,
      peers,
      dataDir: path.resolve(dataDirSetting?.value ?? path.join('data', self)),
      election: { self, peers: [...peers.keys()], heartbeatIntervalMs, electionTimeoutMinMs, electionJitterMs, maxClockDrift },
      logLevel,
      logFormat,
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
