import type { NodeId } from '../../src/core/ids.ts';
import { SeededRandom } from '../../src/util/seeded-random.ts';
import { SimCluster, type SimTimings } from './sim-cluster.ts';

export const simTimings: SimTimings = {
  heartbeatIntervalMs: 10,
  electionTimeoutMinMs: 100,
  electionJitterMs: 50,
  maxClockDrift: 0.05,
};

/** Virtual time after the last fault within which one agreed leader must exist. */
export const recoveryBoundMs = 3000;

export interface ScheduleVariant {
  /** Clocks drift this much further apart than the configured bound allows (a broken deployment). */
  readonly driftBeyondBound?: boolean;
  /** The store loses votes on a crash (a broken store). */
  readonly storeForgetsOnCrash?: boolean;
  readonly faultPhaseMs?: number;
}

export interface ScheduleResult {
  readonly seed: number;
  readonly nodes: number;
  readonly violations: readonly string[];
  /** Virtual ms from the heal to an agreed leader, or null if none within the bound. */
  readonly recoveryMs: number | null;
  readonly faults: number;
  readonly leaseHolderChanges: number;
}

/**
 * Largest rate deviation from true time such that any two clocks differ in rate by at most
 * `drift` (slowest / fastest >= 1 - drift).
 */
export function rateSpreadWithin(drift: number): number {
  return drift / (2 - drift);
}

/** One random schedule of faults: everything derives from `seed`. */
export function runRandomSchedule(seed: number, variant: ScheduleVariant = {}): ScheduleResult {
  const random = new SeededRandom(seed);
  const nodes = random.chance(0.5) ? 3 : 5;
  const timings: SimTimings = { ...simTimings, electionJitterMs: random.pick([10, 30, 50, 100]) };
  const spread = variant.driftBeyondBound ? 0.4 : rateSpreadWithin(timings.maxClockDrift);
  const clockRates = Array.from({ length: nodes }, () => random.between(1 - spread, 1 + spread));
  const minDelayMs = random.between(0.1, 2);
  const sim = new SimCluster({
    nodes,
    seed: random.int(2 ** 31),
    timings,
    clockRates,
    storeForgetsOnCrash: variant.storeForgetsOnCrash ?? false,
    network: {
      minDelayMs,
      maxDelayMs: minDelayMs + random.pick([1, 5, 20, 60]),
      dropRate: random.pick([0, 0.01, 0.05, 0.2]),
      duplicateRate: random.pick([0, 0.02]),
      longDelayRate: random.pick([0, 0.01, 0.05]),
      longDelayMs: 400,
    },
  });
  const faultPhaseMs = variant.faultPhaseMs ?? 1500;
  const ids = sim.ids;
  let faults = 0;
  while (sim.now < faultPhaseMs) {
    sim.runFor(random.between(5, 150));
    faults += 1;
    injectRandomFault(sim, random, ids);
  }

  sim.heal();
  for (const id of ids) sim.restart(id);
  sim.network = { ...sim.network, dropRate: 0, duplicateRate: 0, longDelayRate: 0 };
  const healedAt = sim.now;
  const agreedAt = sim.runUntilTrue(() => sim.agreedLeader() !== null, recoveryBoundMs);
  return {
    seed,
    nodes,
    violations: sim.checker.violations,
    recoveryMs: agreedAt === null ? null : agreedAt - healedAt,
    faults,
    leaseHolderChanges: sim.checker.leaseHolderChanges,
  };
}

function injectRandomFault(sim: SimCluster, random: SeededRandom, ids: readonly NodeId[]): void {
  const leader = sim.leaders()[0] ?? random.pick(ids);
  const target = random.chance(0.5) ? leader : random.pick(ids);
  const roll = random.next();
  if (roll < 0.15) {
    sim.crash(target);
  } else if (roll < 0.3) {
    for (const id of ids) if (!sim.isUp(id) && random.chance(0.7)) sim.restart(id);
  } else if (roll < 0.45) {
    // Pauses range from a blip to several leases long.
    sim.pause(target, random.pick([random.between(5, 50), random.between(50, 500)]));
  } else if (roll < 0.6) {
    const shuffled = random.shuffle(ids);
    const cutAt = 1 + random.int(ids.length - 1);
    sim.partition(shuffled.slice(0, cutAt), shuffled.slice(cutAt));
  } else if (roll < 0.7) {
    sim.block(random.pick(ids), random.pick(ids));
  } else if (roll < 0.8) {
    sim.isolate(leader);
  } else if (roll < 0.87) {
    sim.transferLeadership(leader, random.chance(0.5) ? null : random.pick(ids));
  } else {
    sim.heal();
  }
}
