import { expect, it } from 'vitest';
import { recoveryBoundMs, runRandomSchedule, type ScheduleResult } from './random-schedule.ts';

/**
 * Runs `count` random schedules starting at `firstSeed` (override with SIM_SEED_BASE; replay a
 * single schedule with SIM_SEED). Fails on the first schedule that breaks an invariant, naming its seed.
 */
export function defineScheduleSuite(firstSeed: number, count: number): void {
  const single = process.env.SIM_SEED;
  const base = Number(process.env.SIM_SEED_BASE ?? 0) + firstSeed;
  const seeds = single ? [Number(single)] : Array.from({ length: count }, (_, i) => base + i);

  it(`${seeds.length} random fault schedules keep every invariant and recover within ${recoveryBoundMs} virtual ms`, () => {
    const recoveries: number[] = [];
    for (const seed of seeds) {
      const result: ScheduleResult = runRandomSchedule(seed);
      const replay = `replay with SIM_SEED=${seed} npx vitest run test/sim`;
      expect(result.violations, `seed ${seed} (${result.nodes} nodes): ${replay}`).toEqual([]);
      expect(result.recoveryMs, `seed ${seed}: no agreed leader within ${recoveryBoundMs} ms of healing; ${replay}`).not.toBeNull();
      recoveries.push(result.recoveryMs ?? Infinity);
    }
    recoveries.sort((a, b) => a - b);
    const at = (q: number): string => (recoveries[Math.min(recoveries.length - 1, Math.floor(q * recoveries.length))] ?? 0).toFixed(0);
    console.log(`schedules ${seeds[0]}..${seeds[seeds.length - 1]}: recovery after heal p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms (virtual)`);
  });
}
