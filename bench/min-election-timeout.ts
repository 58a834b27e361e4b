import { ClusterUnderTest } from './cluster-under-test.ts';
import { runUnderCpuLoad, type CpuLoadWindow } from './cpu-load-window.ts';
import type { Timings } from './timings.ts';

/** Minimum election timeouts tried, largest first. */
export const candidateTimeoutsMs = [500, 300, 200, 150, 100] as const;

export interface TimeoutTrial {
  readonly timings: Timings;
  readonly window: CpuLoadWindow;
}

export interface MinTimeoutSearch {
  readonly trials: readonly TimeoutTrial[];
  /** The smallest timeout that, like every larger one tried, saw no spurious election; null if none did. */
  readonly smallestStableMs: number | null;
}

/** Heartbeat and jitter a tenth of the timeout: the product defaults' proportions (50/500, 50). */
export function scaledTimings(electionTimeoutMs: number): Timings {
  return { heartbeatMs: electionTimeoutMs / 10, electionTimeoutMs, electionJitterMs: electionTimeoutMs / 10 };
}

/** Tries each candidate timeout on a fresh 3-node cluster for `seconds` under full CPU load. */
export async function findMinElectionTimeout(seconds: number, progress: (line: string) => void): Promise<MinTimeoutSearch> {
  const trials: TimeoutTrial[] = [];
  for (const timeoutMs of candidateTimeoutsMs) {
    const timings = scaledTimings(timeoutMs);
    const cluster = await ClusterUnderTest.start({ size: 3, timings });
    try {
      await cluster.waitForStableLeader();
      progress(`min timeout: ${timeoutMs} ms for ${seconds} s under load`);
      const window = await runUnderCpuLoad(cluster, seconds, false);
      trials.push({ timings, window });
      progress(`min timeout: ${timeoutMs} ms: ${window.electionsWon} spurious elections`);
    } finally {
      await cluster.stop();
    }
  }
  let smallestStableMs: number | null = null;
  for (const trial of trials) {
    if (trial.window.electionsWon > 0) break;
    smallestStableMs = trial.timings.electionTimeoutMs;
  }
  return { trials, smallestStableMs };
}
