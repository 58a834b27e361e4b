import { productTimings, type Timings } from '../harness/timings.ts';
import { runSoak, type SoakReport } from './soak-run.ts';
import type { Episode } from './soak-schedule.ts';

/** A drift run: clock rates by node, and how the lease bound compares with them. */
export interface DriftSetting {
  readonly name: string;
  /** libfaketime rates: n1 is the slowest clock, the others the fastest. */
  readonly rates: ReadonlyMap<string, number>;
  readonly maxClockDrift: number;
}

/**
 * The lease is safe while the leader's clock runs no slower than (1 - maxClockDrift) times a
 * follower's (docs/design.md, "The lease, and why it is safe"). `within`: n1 at 0.976 and the others at 1.024, a ratio of
 * 0.953, just inside 0.95. `beyond`: n1 at 0.7 and the others at 1.3, a ratio of 0.54: n1's lease
 * (475 ms on its clock, 679 ms real) outlives its followers' loyalty (500 ms on theirs, 385 ms real).
 */
export const driftSettings: Readonly<Record<'within' | 'beyond', DriftSetting>> = {
  within: {
    name: 'within the bound',
    rates: new Map([
      ['n1', 0.976],
      ['n2', 1.024],
      ['n3', 1.024],
    ]),
    maxClockDrift: 0.05,
  },
  beyond: {
    name: 'beyond the bound',
    rates: new Map([
      ['n1', 0.7],
      ['n2', 1.3],
      ['n3', 1.3],
    ]),
    maxClockDrift: 0.05,
  },
};

/**
 * The worst case for a slow clock, `rounds` times: leadership is handed to n1 (the slowest
 * clock), then n1 is blackholed from the others right after it has been acknowledged; the
 * others elect a leader as soon as their faster clocks let them, while n1 still counts its lease
 * on its slower one.
 */
export function driftEpisodes(rounds: number, timings: Timings): Episode[] {
  const t = timings.electionTimeoutMs;
  return Array.from(
    { length: rounds },
    () =>
      [
        { fault: { kind: 'transfer', to: 'n1' }, holdMs: 0, quietMs: 3 * t },
        { fault: { kind: 'partition', shape: 'isolate-leader', plan: null, cut: 'blackhole' }, holdMs: 4 * t, quietMs: 4 * t },
      ] satisfies Episode[],
  ).flat();
}

/**
 * One drift run as the bench and the e2e test make it: 3 nodes at the product's timings under
 * `setting`'s clock rates, `rounds` episodes, leases sampled every 10 ms from outside.
 */
export function runDrift(setting: DriftSetting, rounds: number, print: (line: string) => void): Promise<SoakReport> {
  const episodes = driftEpisodes(rounds, productTimings);
  return runSoak({
    durationMs: episodes.reduce((sum, episode) => sum + episode.holdMs + episode.quietMs, 0) + 10_000,
    seed: 0,
    nodes: 3,
    episodes,
    clockRates: setting.rates,
    maxClockDrift: setting.maxClockDrift,
    sampleLeasesMs: 10,
    toleranceMs: 1,
    print,
  });
}
