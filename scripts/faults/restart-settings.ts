import { describeCallFailure } from '../../src/client/call-failure.ts';
import type { FlagValue } from '../../src/command-line/flag-values.ts';
import type { FlagSpec, ParsedArgs } from '../../src/command-line/parse-command-args.ts';
import { logLevels, nodeDefaults, timingRanges, type LogLevel } from '../../src/node/node-options.ts';
import { describeRange, parseNumberInRange } from '../../src/util/command-line.ts';
import type { FaultCluster } from './fault-cluster.ts';
import { readNodeSettings, type NodeTiming } from './node-settings.ts';
import type { RestartSettings } from './restart-node.ts';

/**
 * cluster.json does not record the settings the launcher passed to its nodes. The timing is
 * copied from a running node's Status (all nodes of a cluster share it); these flags override it,
 * and are needed when no node answers. The log level is not reported at all, hence its default.
 */
const timingFlags = [
  { name: 'heartbeat-ms', key: 'heartbeatMs' },
  { name: 'election-timeout-ms', key: 'electionTimeoutMs' },
  { name: 'election-jitter-ms', key: 'electionJitterMs' },
  { name: 'max-clock-drift', key: 'maxClockDrift' },
] as const satisfies readonly { name: string; key: keyof NodeTiming & keyof typeof timingRanges }[];

export const restartSettingsFlags: readonly FlagSpec[] = [
  ...timingFlags.map(({ name }) => ({
    name,
    type: 'string' as const,
    placeholder: name === 'max-clock-drift' ? '<fraction>' : '<ms>',
    description: 'instead of the value copied from a running node',
  })),
  { name: 'log-level', type: 'string', placeholder: `<${logLevels.join('|')}>`, description: `(default ${nodeDefaults.logLevel}; nodes do not report theirs)` },
];

export interface GivenRestartSettings {
  readonly timing: Partial<NodeTiming>;
  readonly logLevel: LogLevel;
}

/** The flags' values, checked; copying the rest needs the cluster (see `completeRestartSettings`). */
export function readRestartSettingsFlags(args: ParsedArgs): FlagValue<GivenRestartSettings> {
  const timing: Partial<Record<keyof NodeTiming, number>> = {};
  for (const { name, key } of timingFlags) {
    const text = args.strings.get(name);
    if (text === undefined) continue;
    const value = parseNumberInRange(text, timingRanges[key]);
    if (value === undefined) return { ok: false, problem: `--${name} must be ${describeRange(timingRanges[key])} (got ${JSON.stringify(text)})` };
    timing[key] = value;
  }
  const logLevelText = args.strings.get('log-level') ?? nodeDefaults.logLevel;
  const logLevel = logLevels.find((level) => level === logLevelText);
  if (logLevel === undefined) return { ok: false, problem: `--log-level must be one of ${logLevels.join(', ')} (got ${JSON.stringify(logLevelText)})` };
  return { ok: true, value: { timing, logLevel } };
}

export interface CompletedRestartSettings {
  readonly settings: RestartSettings;
  /** The node the timing was copied from; null when every value came from the flags. */
  readonly copiedFrom: string | null;
}

/** Fills in the timing the flags leave out from the first other node (cluster order) that answers. */
export async function completeRestartSettings(
  cluster: FaultCluster,
  restarting: string,
  given: GivenRestartSettings,
): Promise<FlagValue<CompletedRestartSettings>> {
  const { timing, logLevel } = given;
  const { heartbeatMs, electionTimeoutMs, electionJitterMs, maxClockDrift } = timing;
  if (heartbeatMs !== undefined && electionTimeoutMs !== undefined && electionJitterMs !== undefined && maxClockDrift !== undefined) {
    return { ok: true, value: { settings: { timing: { heartbeatMs, electionTimeoutMs, electionJitterMs, maxClockDrift }, logLevel }, copiedFrom: null } };
  }
  const others = cluster.file.nodes.filter((node) => node.id !== restarting);
  const answers = await Promise.all(others.map((node) => readNodeSettings(node.adminAddress, cluster.timeoutMs, cluster.tls)));
  const reasons: string[] = [];
  for (const [index, answer] of answers.entries()) {
    const node = others[index];
    if (node === undefined) continue;
    if (answer.ok) return { ok: true, value: { settings: { timing: { ...answer.value.timing, ...timing }, logLevel }, copiedFrom: node.id } };
    reasons.push(`${node.id}: ${describeCallFailure(answer.failure)}`);
  }
  const missing = timingFlags.filter(({ key }) => timing[key] === undefined).map(({ name }) => `--${name}`);
  return {
    ok: false,
    problem: `no other node answers to copy the timing from (${reasons.join('; ') || 'there is no other node'}); pass ${missing.join(', ')}`,
  };
}
