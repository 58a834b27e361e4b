import { setTimeout as sleep } from 'node:timers/promises';
import type { Timings } from '../src/harness/timings.ts';

/**
 * Waits a uniformly random part of one heartbeat interval and answers how long. The bench cannot
 * see the leader's heartbeat timer, but a uniform delay over a whole period makes the phase of
 * the fault that follows uniform whatever the phase was before, so faults land at random points
 * of the heartbeat interval.
 */
export async function waitRandomHeartbeatPhase(timings: Timings): Promise<number> {
  const delayMs = Math.random() * timings.heartbeatMs;
  await sleep(delayMs);
  return delayMs;
}
