import { ClusterUnderTest } from '../src/harness/cluster-under-test.ts';
import { runUnderCpuLoad, type CpuLoadWindow } from './cpu-load-window.ts';
import type { Timings } from '../src/harness/timings.ts';

/** Minimum election timeouts tried, largest first: above the defaults too, where freezes here are long. */
export const candidateTimeoutsMs = [2000, 1000, 500, 300, 200, 150, 100] as const;

export interface TimeoutTrial {
  readonly timings: Timings;
  readonly window: CpuLoadWindow;
}

export interface MinTimeoutSearch {
  readonly trials: readonly TimeoutTrial[];
  /** The smallest timeout that, like every larger one tried, saw no leader change at all; null if none did. */
  readonly smallestStableMs: number | null;
  /** The same, counting only changes that no freeze explains (see leader-change-causes.ts). */
  readonly smallestFreeOfSpuriousMs: number | null;
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
      const unexplained = window.leaderChanges.filter((change) => change.cause === 'unexplained').length;
      progress(`min timeout: ${timeoutMs} ms: ${window.electionsWon} leader changes, ${unexplained} unexplained by a freeze`);
    } finally {
      await cluster.stop();
    }
  }
  return {
    trials,
    smallestStableMs: smallestWhile(trials, (trial) => trial.window.electionsWon === 0),
    smallestFreeOfSpuriousMs: smallestWhile(trials, (trial) => trial.window.leaderChanges.every((change) => change.cause !== 'unexplained')),
  };
}

/** The timeout of the last trial (largest timeout first) before `holds` first fails. */
function smallestWhile(trials: readonly TimeoutTrial[], holds: (trial: TimeoutTrial) => boolean): number | null {
  let smallest: number | null = null;
  for (const trial of trials) {
    if (!holds(trial)) break;
    smallest = trial.timings.electionTimeoutMs;
  }
  return smallest;
}
