import { describe, expect, it } from 'vitest';
import { planChaos, type ChaosScheduleOptions, type ChaosStep } from '../../scripts/faults/chaos-schedule.ts';

const cluster = (size: number): string[] => Array.from({ length: size }, (_, index) => `n${index + 1}`);
const options = (overrides: Partial<ChaosScheduleOptions> = {}): ChaosScheduleOptions => ({
  nodes: cluster(5),
  launcherNodes: cluster(5),
  durationMs: 120_000,
  intervalMs: 1_000,
  seed: 42,
  ...overrides,
});

/** Replays the steps, failing on any that the schedule's promises rule out; answers the most nodes down at once. */
function replay(steps: readonly ChaosStep[], nodes: readonly string[], intervalMs: number): number {
  const killed = new Map<string, number>();
  const restartedAt = new Map<string, number>();
  const paused = new Map<string, number>();
  const everKilled = new Set<string>();
  let partitioned = false;
  let maxDown = 0;
  for (const { atMs, action } of steps) {
    switch (action.kind) {
      case 'partition':
        partitioned = true;
        break;
      case 'heal':
        expect(partitioned).toBe(true);
        partitioned = false;
        break;
      case 'kill':
        expect(killed.has(action.node) || paused.has(action.node)).toBe(false);
        expect(atMs - (restartedAt.get(action.node) ?? -Infinity)).toBeGreaterThanOrEqual(intervalMs);
        killed.set(action.node, atMs);
        everKilled.add(action.node);
        break;
      case 'restart':
        expect(killed.get(action.node)).toBe(atMs - action.afterMs);
        killed.delete(action.node);
        restartedAt.set(action.node, atMs);
        break;
      case 'pause':
        expect(killed.has(action.node) || paused.has(action.node)).toBe(false);
        expect(atMs - (restartedAt.get(action.node) ?? -Infinity)).toBeGreaterThanOrEqual(intervalMs);
        expect(action.ms).toBeGreaterThan(0);
        paused.set(action.node, atMs);
        break;
      case 'resume':
        expect(paused.get(action.node)).toBe(atMs - action.afterMs);
        paused.delete(action.node);
        break;
    }
    const starting = [...restartedAt.values()].filter((at) => atMs - at < intervalMs).length;
    maxDown = Math.max(maxDown, killed.size + paused.size + starting);
  }
  expect(everKilled.size).toBeLessThan(nodes.length);
  return maxDown;
}

describe('planChaos', () => {
  it('plans the same steps for the same seed, and others for another seed', () => {
    expect(planChaos(options())).toEqual(planChaos(options()));
    expect(planChaos(options({ seed: 43 }))).not.toEqual(planChaos(options()));
  });

  it('orders the steps in time, within the run', () => {
    const steps = planChaos(options());
    expect(steps.length).toBeGreaterThan(50);
    expect(steps.map((step) => step.atMs)).toEqual([...steps.map((step) => step.atMs)].sort((a, b) => a - b));
    expect(steps.every((step) => step.atMs > 0 && step.atMs < 120_000)).toBe(true);
  });

  it.each([3, 4, 5, 7])('keeps at most a minority of %i nodes down (starting ones included) and one node never killed', (size) => {
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const nodes = cluster(size);
      const maxDown = replay(planChaos(options({ nodes, launcherNodes: nodes, seed })), nodes, 1_000);
      expect(maxDown).toBeLessThanOrEqual(Math.floor((size - 1) / 2));
    }
  });

  it('uses every kind of fault and every partition shape in a long enough run', () => {
    const steps = planChaos(options({ durationMs: 300_000 }));
    const kinds = new Set(steps.map(({ action }) => (action.kind === 'partition' ? action.shape : action.kind)));
    expect([...kinds].sort()).toEqual(['bridge', 'halves', 'heal', 'isolate', 'kill', 'majorities-ring', 'one-way', 'pause', 'restart', 'resume']);
  });

  it('never kills the last node the launcher runs itself', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const steps = planChaos(options({ launcherNodes: ['n2', 'n4'], seed }));
      const killed = new Set(steps.flatMap(({ action }) => (action.kind === 'kill' ? [action.node] : [])));
      expect(killed.has('n2') && killed.has('n4')).toBe(false);
      expect(killed.size).toBeGreaterThan(0);
    }
  });

  it('never takes a node of 2 down, as one of 2 is no minority', () => {
    const steps = planChaos(options({ nodes: cluster(2), launcherNodes: cluster(2) }));
    expect(steps.filter(({ action }) => action.kind === 'kill' || action.kind === 'pause')).toEqual([]);
    expect(steps.length).toBeGreaterThan(0);
  });
});
