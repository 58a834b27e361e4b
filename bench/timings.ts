import { nodeDefaults } from '../src/node/node-options.ts';

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

/** etcd's defaults (heartbeat 100 ms, election timeout 1000 ms), whose timeouts are drawn from [T, 2T). */
export const etcdLikeTimings: Timings = { heartbeatMs: 100, electionTimeoutMs: 1000, electionJitterMs: 1000 };

/** `50/500 j100`: heartbeat / minimum election timeout, then the jitter. */
export function timingsLabel(timings: Timings): string {
  return `${timings.heartbeatMs}/${timings.electionTimeoutMs} j${timings.electionJitterMs}`;
}
