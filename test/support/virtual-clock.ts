import type { ClientClock } from '../../src/client/client-clock.ts';

interface Timer {
  readonly at: number;
  readonly order: number;
  readonly delayMs: number;
  readonly callback: () => void;
}

/**
 * A ClientClock whose time moves only when a test says so. The gRPC calls it is used with take
 * real time, but none of it shows on this clock: every delay the client computes is virtual.
 */
export class VirtualClock implements ClientClock {
  private time = 0;
  private order = 0;
  private timers: Timer[] = [];
  /** Every delay ever scheduled, in order. */
  readonly scheduled: number[] = [];

  now(): number {
    return this.time;
  }

  schedule(callback: () => void, delayMs: number): () => void {
    const timer = { at: this.time + Math.max(0, delayMs), order: this.order++, delayMs, callback };
    this.timers.push(timer);
    this.scheduled.push(delayMs);
    return () => {
      this.timers = this.timers.filter((candidate) => candidate !== timer);
    };
  }

  /** Timers not yet fired. */
  get pending(): number {
    return this.timers.length;
  }

  /** Moves time on by `ms`, firing the timers due on the way in order, letting promises settle after each. */
  async advance(ms: number): Promise<void> {
    const until = this.time + ms;
    for (;;) {
      const next = [...this.timers].sort((a, b) => a.at - b.at || a.order - b.order)[0];
      if (next === undefined || next.at > until) break;
      this.timers = this.timers.filter((timer) => timer !== next);
      this.time = next.at;
      next.callback();
      await settle();
    }
    this.time = until;
    await settle();
  }
}

/** Lets already-resolved promise chains run. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
