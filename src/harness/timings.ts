import { nodeDefaults } from '../node/node-options.ts';

/** The node timing flags a benchmark runs with. */
export interface Timings {
  readonly heartbeatMs: number;
  /** Minimum election timeout. */
  readonly electionTimeoutMs: number;
  /** Election timeouts are drawn from [electionTimeoutMs, electionTimeoutMs + electionJitterMs). */
  readonly electionJitterMs: number;
}

export const productTimings: Timings = {
  heartbeatMs: nodeDefaults.heartbeatMs,
  electionTimeoutMs: nodeDefaults.electionTimeoutMs,
  electionJitterMs: nodeDefaults.electionJitterMs,
};

/**
 * etcd's default heartbeat and election timeout (100 ms, 1000 ms), with the product's jitter in
 * proportion (a tenth of the timeout). etcd itself draws timeouts from [T, 2T), which puts its
 * median failover near 1.3 T by construction; failover-sim shows that setting for comparison.
 */
export const etcdLikeTimings: Timings = { heartbeatMs: 100, electionTimeoutMs: 1000, electionJitterMs: 100 };

/** etcd's own randomization, [T, 2T): for comparison in the simulator only. */
export const etcdRandomizationTimings: Timings = { heartbeatMs: 100, electionTimeoutMs: 1000, electionJitterMs: 1000 };

/** `50/500 j100`: heartbeat / minimum election timeout, then the jitter. */
export function timingsLabel(timings: Timings): string {
  return `${timings.heartbeatMs}/${timings.electionTimeoutMs} j${timings.electionJitterMs}`;
}
