import { setTimeout as delay } from 'node:timers/promises';

/** Waits until `performance.now()` reaches `at`: for letting a fault last, where polling would not end it sooner. */
export function sleepUntil(at: number): Promise<void> {
  return delay(Math.max(0, at - performance.now()));
}
