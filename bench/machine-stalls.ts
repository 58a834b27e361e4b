import { summarize } from '../src/util/stats.ts';
import { setTimeout as sleep } from 'node:timers/promises';

export interface StallSummary {
  readonly durationMs: number;
  readonly periodMs: number;
  readonly wakeUps: number;
  /** How late the timer fired, in ms: p50/p99/max. */
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly over100Ms: number;
  readonly over250Ms: number;
}

const periodMs = 5;
/** A wake-up this late means the process (or the whole VM) did not run for a while: the trial it overlaps was disturbed. */
export const disturbingStallMs = 50;

interface Stall {
  /** `performance.now()` when the late wake-up came. */
  readonly endedAt: number;
  readonly lateMs: number;
}

/**
 * Asks for a wake-up every 5 ms in this process and records how late each one comes. On an
 * idle process that measures the machine: the VM's freezes (host CPU steal) show as wake-ups
 * hundreds of ms late, like python's time.sleep shows them. While the bench itself is busy
 * (polling a cluster) its own work adds a few ms, never hundreds.
 */
export class StallMonitor {
  private readonly lateness: number[] = [];
  private readonly stalls: Stall[] = [];
  private readonly startedAt = performance.now();
  private timer: NodeJS.Timeout | null = null;
  private stoppedAt: number | null = null;

  constructor() {
    this.schedule(performance.now());
  }

  stop(): StallSummary {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.stoppedAt ??= performance.now();
    const summary = summarize(this.lateness);
    return {
      durationMs: this.stoppedAt - this.startedAt,
      periodMs,
      wakeUps: this.lateness.length,
      p50Ms: summary?.p50 ?? 0,
      p99Ms: summary?.p99 ?? 0,
      maxMs: summary?.max ?? 0,
      over100Ms: this.lateness.filter((late) => late >= 100).length,
      over250Ms: this.lateness.filter((late) => late >= 250).length,
    };
  }

  /**
   * Stalls of at least `disturbingStallMs` that overlapped [from, to] (`performance.now()` times).
   * A stall is only known once it is over, so ask after `to` has passed by a moment.
   */
  stallsBetween(from: number, to: number): number {
    return this.stalls.filter((stall) => stall.endedAt >= from && stall.endedAt - stall.lateMs <= to).length;
  }

  private schedule(from: number): void {
    this.timer = setTimeout(() => {
      const now = performance.now();
      const lateMs = Math.max(0, now - (from + periodMs));
      this.lateness.push(lateMs);
      if (lateMs >= disturbingStallMs) this.stalls.push({ endedAt: now, lateMs });
      this.schedule(now);
    }, periodMs);
  }
}

/** Measures stalls for `durationMs` while this process does nothing else. */
export async function probeMachineStalls(durationMs: number): Promise<StallSummary> {
  const monitor = new StallMonitor();
  await sleep(durationMs);
  return monitor.stop();
}

export function formatStalls(stalls: StallSummary): string {
  return (
    `timer late p50 ${stalls.p50Ms.toFixed(1)} ms, p99 ${stalls.p99Ms.toFixed(1)} ms, max ${stalls.maxMs.toFixed(0)} ms; ` +
    `stalls >=100 ms: ${stalls.over100Ms}, >=250 ms: ${stalls.over250Ms} (${(stalls.durationMs / 1000).toFixed(1)} s, ${stalls.periodMs} ms timer)`
  );
}
