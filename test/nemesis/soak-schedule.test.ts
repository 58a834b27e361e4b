import { describe, expect, it } from 'vitest';
import { majorityConnected } from '../../src/nemesis/connectivity.ts';
import { describeFault, faultKind, planSoak } from '../../src/nemesis/soak-schedule.ts';

const nodes = ['n1', 'n2', 'n3', 'n4', 'n5'];

describe('planSoak', () => {
  it('plans the same faults for the same seed, and other faults for another', () => {
    const plan = (seed: number) => planSoak({ nodes, seed, durationMs: 120_000, electionTimeoutMs: 500 }).map((episode) => describeFault(episode.fault));
    expect(plan(16)).toEqual(plan(16));
    expect(plan(16)).not.toEqual(plan(17));
  });

  it('covers the planned time with every kind of fault, each held and then left to recover', () => {
    const episodes = planSoak({ nodes, seed: 16, durationMs: 1_800_000, electionTimeoutMs: 500 });
    const kinds = new Set(episodes.map((episode) => faultKind(episode.fault)));
    for (const kind of ['kill', 'pause', 'isolate', 'isolate-leader', 'halves', 'bridge', 'majorities-ring', 'one-way', 'delay', 'loss', 'transfer'])
      expect(kinds).toContain(kind);
    expect(episodes.reduce((sum, episode) => sum + episode.holdMs + episode.quietMs, 0)).toBeGreaterThanOrEqual(1_800_000);
    for (const episode of episodes) {
      expect(episode.quietMs).toBeGreaterThanOrEqual(1000);
      expect(episode.holdMs).toBeLessThanOrEqual(4000);
    }
  });
});

describe('majorityConnected', () => {
  const up = new Set(nodes);
  it('is true while three of five are up and linked both ways', () => {
    expect(majorityConnected(nodes, up, new Set())).toBe(true);
    expect(majorityConnected(nodes, new Set(['n1', 'n2', 'n3']), new Set())).toBe(true);
    expect(majorityConnected(nodes, new Set(['n1', 'n2']), new Set())).toBe(false);
  });

  it('is false in a majorities ring, where every node sees a majority but no majority sees itself whole', () => {
    // Ring n1-n2-n3-n4-n5-n1: each keeps only its two neighbours.
    const ring = ['n1', 'n2', 'n3', 'n4', 'n5'];
    const cut = new Set<string>();
    ring.forEach((a, i) =>
      ring.forEach((b, j) => {
        const gap = Math.abs(i - j);
        if (a !== b && Math.min(gap, 5 - gap) > 1) cut.add(`${a}>${b}`);
      }),
    );
    expect(majorityConnected(nodes, up, cut)).toBe(false);
  });

  it('counts a one-way cut as a broken link', () => {
    const cut = new Set(['n1>n2', 'n1>n3', 'n1>n4', 'n1>n5', 'n2>n3', 'n2>n4']);
    // n1 is cut off from everyone one way; among n2..n5, n2 cannot reach n3, n4: only n3, n4, n5 remain whole.
    expect(majorityConnected(nodes, up, cut)).toBe(true);
    expect(majorityConnected(nodes, up, new Set([...cut, 'n5>n3']))).toBe(false);
  });
});
