import type { NodeId } from './ids.ts';

/** Timing and membership the core runs with. All durations are in milliseconds of local monotonic time. */
export interface ElectionConfig {
  readonly self: NodeId;
  /** Every other voting member. */
  readonly peers: readonly NodeId[];
  readonly heartbeatIntervalMs: number;
  /** No follower starts an election, or votes for another node, sooner than this after hearing from a leader. */
  readonly electionTimeoutMinMs: number;
  /** Each election timeout is drawn from [min, min + jitter). */
  readonly electionJitterMs: number;
  /**
   * The largest fraction by which one node's clock may run slow relative to another's over an
   * election timeout (0.05 = 5%). The lease is shortened by this fraction.
   */
  readonly maxClockDrift: number;
}

export type ConfigCheck = { readonly ok: true } | { readonly ok: false; readonly problems: readonly string[] };

/** Checks every relationship between settings, with messages that say how to fix each problem. */
export function checkElectionConfig(config: ElectionConfig): ConfigCheck {
  const problems: string[] = [];
  const { heartbeatIntervalMs: hb, electionTimeoutMinMs: min, electionJitterMs: jitter, maxClockDrift: drift } = config;
  const positive = (name: string, value: number): void => {
    if (!Number.isFinite(value) || value <= 0) problems.push(`${name} must be a positive number of milliseconds (got ${value})`);
  };
  positive('heartbeat interval', hb);
  positive('minimum election timeout', min);
  positive('election jitter', jitter);
  if (problems.length === 0) {
    if (hb * 3 > min) {
      problems.push(
        `heartbeat interval (${hb} ms) must be at most a third of the minimum election timeout (${min} ms), ` +
          `so that a follower misses several heartbeats before it campaigns: lower the heartbeat interval to ` +
          `${Math.floor(min / 3)} ms or less, or raise the minimum election timeout to ${hb * 3} ms or more`,
      );
    }
    if (jitter > min * 10) {
      problems.push(`election jitter (${jitter} ms) is more than ten minimum election timeouts (${min} ms): lower it`);
    }
  }
  if (!Number.isFinite(drift) || drift < 0 || drift >= 0.5) {
    problems.push(`max clock drift must be in [0, 0.5) (got ${drift}); 0.05 means clocks may differ in rate by 5%`);
  }
  const ids = new Set<string>(config.peers);
  if (ids.size !== config.peers.length) problems.push('the peer list names a node twice: give each node once');
  if (ids.has(config.self)) problems.push(`the peer list includes this node (${config.self}): list only the other nodes`);
  return problems.length === 0 ? { ok: true } : { ok: false, problems };
}

/** How long a lease lasts after the start of the heartbeat round a majority acknowledged. */
export function leaseDurationMs(config: ElectionConfig): number {
  return config.electionTimeoutMinMs * (1 - config.maxClockDrift);
}
