import { describeCallFailure } from '../../src/client/call-failure.ts';
import { choice, numberIn, stringFlag, type Flag, type FlagValue } from '../../src/command-line/flag.ts';
import type { Args } from '../../src/command-line/read-args.ts';
import { logLevels, nodeDefaults, timingRanges, type LogLevel } from '../../src/node/node-options.ts';
import type { FaultCluster } from './fault-cluster.ts';
import { readNodeSettings, type NodeTiming } from './node-settings.ts';
import type { RestartSettings } from './restart-node.ts';

/**
 * cluster.json does not record the settings the launcher passed to its nodes. The timing is
 * copied from a running node's Status (all nodes of a cluster share it); these flags override it,
 * and are needed when no node answers. The log level is not reported at all, hence its default.
 */
const timingFlags = (
  [
    ['heartbeat-ms', 'heartbeatMs'],
    ['election-timeout-ms', 'electionTimeoutMs'],
    ['election-jitter-ms', 'electionJitterMs'],
    ['max-clock-drift', 'maxClockDrift'],
  ] as const satisfies readonly (readonly [string, keyof NodeTiming & keyof typeof timingRanges])[]
).map(([name, key]) => ({
  key,
  flag: stringFlag({
    name,
    placeholder: name === 'max-clock-drift' ? '<fraction>' : '<ms>',
    description: 'instead of the value copied from a running node',
    parse: numberIn(timingRanges[key]),
  }),
}));

const logLevelFlag = stringFlag({
  name: 'log-level',
  placeholder: `<${logLevels.join('|')}>`,
  description: 'nodes do not report theirs',
  defaultText: nodeDefaults.logLevel,
  parse: choice(logLevels),
});

export const restartSettingsFlags: readonly Flag<unknown>[] = [...timingFlags.map(({ flag }) => flag), logLevelFlag];

export interface GivenRestartSettings {
  readonly timing: Partial<NodeTiming>;
  readonly logLevel: LogLevel;
}

/** The flags' values; copying the rest needs the cluster (see `completeRestartSettings`). */
export function readRestartSettingsFlags(args: Args): GivenRestartSettings {
  const timing: Partial<Record<keyof NodeTiming, number>> = {};
  for (const { key, flag } of timingFlags) {
    const value = args.value(flag);
    if (value !== undefined) timing[key] = value;
  }
  return { timing, logLevel: args.value(logLevelFlag, nodeDefaults.logLevel) };
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
  const missing = timingFlags.filter(({ key }) => timing[key] === undefined).map(({ flag }) => `--${flag.name}`);
  return {
    ok: false,
    problem: `no other node answers to copy the timing from (${reasons.join('; ') || 'there is no other node'}); pass ${missing.join(', ')}`,
  };
}
