import { describe, expect, it } from 'vitest';
import { nodeDefaults } from '../../src/node/node-options.ts';
import { SeededRandom } from '../../src/util/seeded-random.ts';
import { rateSpreadWithin, runRandomSchedule, simTimings } from './random-schedule.ts';
import type { NodeId } from '../../src/core/ids.ts';
import { SimCluster } from './sim-cluster.ts';

const { electionTimeoutMinMs: min, electionJitterMs: jitter } = simTimings;
/** Cold start: the startup wait, one timeout, and a few rounds for any split vote. */
const electionBoundMs = 10 * (min + jitter);

function cluster(nodes: number, seed: number): SimCluster {
  return new SimCluster({ nodes, seed, timings: simTimings });
}

function electLeader(sim: SimCluster): string {
  const at = sim.runUntilTrue(() => sim.agreedLeader() !== null, electionBoundMs);
  expect(at, 'no agreed leader').not.toBeNull();
  return sim.agreedLeader() ?? '';
}

describe.each([3, 5])('a %i-node simulated cluster', (nodes) => {
  it('elects exactly one leader that every node follows', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const sim = cluster(nodes, seed);
      electLeader(sim);
      sim.runFor(20 * min);
      expect(sim.leaders()).toHaveLength(1);
      expect(sim.checker.violations).toEqual([]);
    }
  });

  it('replaces a crashed leader, and the restarted node rejoins as a follower with its persisted term', () => {
    const sim = cluster(nodes, 7);
    const first = electLeader(sim);
    const term = sim.term(first as never);
    sim.crash(first as never);
    const second = sim.runUntilTrue(() => sim.leaders().length === 1, electionBoundMs);
    expect(second).not.toBeNull();
    const [newLeader] = sim.leaders();
    expect(newLeader).not.toBe(first);
    sim.restart(first as never);
    expect(sim.term(first as never)).toBeGreaterThanOrEqual(term);
    sim.runFor(3 * min);
    expect(sim.role(first as never)).toBe('follower');
    expect(sim.leaderOf(first as never)).toBe(newLeader);
    expect(sim.checker.violations).toEqual([]);
  });

  it('at the default timings, replaces a crashed leader within the election timeout plus jitter in 99% of failovers', () => {
    const defaults = {
      heartbeatIntervalMs: nodeDefaults.heartbeatMs,
      electionTimeoutMinMs: nodeDefaults.electionTimeoutMs,
      electionJitterMs: nodeDefaults.electionJitterMs,
      maxClockDrift: 0.05,
    };
    // A survivor campaigns between the minimum timeout and the jitter after the last heartbeat;
    // the pre-vote and vote round trips take a few milliseconds more. Only a split vote, which
    // costs a retry, takes longer.
    const boundMs = defaults.electionTimeoutMinMs + defaults.electionJitterMs + 10;
    const trials = 400;
    let slow = 0;
    for (let seed = 1; seed <= trials; seed++) {
      const sim = new SimCluster({ nodes, seed, timings: defaults, network: { minDelayMs: 0.2, maxDelayMs: 2 } });
      sim.runUntilTrue(() => sim.agreedLeader() !== null, 20 * defaults.electionTimeoutMinMs);
      const old = sim.agreedLeader();
      expect(old, `seed ${seed}: no first leader`).not.toBeNull();
      sim.runFor(2 * defaults.electionTimeoutMinMs + sim.random.between(0, defaults.heartbeatIntervalMs));
      const oldTerm = sim.term(old as never);
      const killedAt = sim.now;
      sim.crash(old as never);
      const at = sim.runUntilTrue(
        () => sim.ids.some((id) => id !== old && sim.role(id) === 'leader' && sim.term(id) > oldTerm),
        20 * defaults.electionTimeoutMinMs,
      );
      expect(at, `seed ${seed}: no new leader`).not.toBeNull();
      if ((at ?? Infinity) - killedAt > boundMs) slow += 1;
      expect(sim.checker.violations).toEqual([]);
    }
    expect(slow).toBeLessThanOrEqual(trials / 100);
  });

  it('does not let a node isolated for a long time raise the cluster term or unseat the leader when it returns', () => {
    const random = new SeededRandom(nodes);
    for (let trial = 0; trial < 30; trial++) {
      const sim = cluster(nodes, 100 + trial);
      const leader = electLeader(sim);
      const term = sim.term(leader as never);
      const victim = random.pick(sim.ids.filter((id) => id !== leader));
      sim.isolate(victim);
      sim.checker.watchIsolated(victim);
      sim.runFor(random.between(2, 100) * min);
      sim.checker.endIsolationWatch(victim);
      sim.heal();
      sim.runFor(5 * min);
      expect(sim.agreedLeader()).toBe(leader);
      expect(sim.maxTerm()).toBe(term);
      expect(sim.checker.violations).toEqual([]);
    }
  });

  it('makes an isolated leader step down within the election timeout while the majority elects another', () => {
    const sim = cluster(nodes, 11);
    const leader = electLeader(sim);
    sim.isolate(leader as never);
    sim.runFor(min + 1);
    expect(sim.role(leader as never)).not.toBe('leader');
    const elected = sim.runUntilTrue(() => sim.leaders().length === 1, electionBoundMs);
    expect(elected).not.toBeNull();
    sim.heal();
    sim.runFor(5 * min);
    expect(sim.agreedLeader()).not.toBeNull();
    expect(sim.checker.violations).toEqual([]);
  });

  it('survives a leader paused past its lease: a new leader takes over and the leases never overlap', () => {
    const sim = cluster(nodes, 13);
    const leader = electLeader(sim);
    sim.runFor(5 * min);
    sim.pause(leader as never, 4 * min);
    sim.runFor(4 * min + 1);
    expect(sim.leaders().filter((id) => id !== leader)).toHaveLength(1);
    sim.runFor(5 * min);
    expect(sim.agreedLeader()).not.toBe(leader);
    expect(sim.checker.violations).toEqual([]);
  });
});

describe('stalls', () => {
  it('keeps the leader when every process freezes at once for longer than the election timeout (a VM stall)', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const sim = cluster(3, seed);
      const leader = electLeader(sim);
      const term = sim.term(leader as never);
      for (let freeze = 0; freeze < 5; freeze++) {
        sim.runFor(3 * min);
        for (const id of sim.ids) sim.pause(id, 3 * min);
      }
      sim.runFor(5 * min);
      expect(sim.agreedLeader()).toBe(leader);
      expect(sim.maxTerm()).toBe(term);
      expect(sim.checker.violations).toEqual([]);
    }
  });

  it("keeps the leader when every process freezes until just past the followers' election deadlines", () => {
    // A freeze that ends within a heartbeat of a deadline leaves that timer barely late; only the
    // driver's once-a-heartbeat timer shows the stall, and the leader's queued heartbeats must win.
    for (let freezeMs = min; freezeMs <= min + jitter + 10; freezeMs += 1) {
      const sim = cluster(3, freezeMs);
      const leader = electLeader(sim);
      const term = sim.term(leader as never);
      sim.runFor(3 * min);
      for (const id of sim.ids) sim.pause(id, freezeMs);
      sim.runFor(5 * min);
      expect(sim.agreedLeader(), `freeze of ${freezeMs} ms`).toBe(leader);
      expect(sim.maxTerm(), `freeze of ${freezeMs} ms`).toBe(term);
    }
  });

  it('keeps the leader when a follower is paused past the election timeout and resumes', () => {
    const sim = cluster(3, 3);
    const leader = electLeader(sim);
    const follower = sim.ids.find((id) => id !== leader)!;
    sim.runFor(2 * min);
    sim.pause(follower, 5 * min);
    sim.runFor(10 * min);
    expect(sim.agreedLeader()).toBe(leader);
    expect(sim.maxTerm()).toBe(sim.term(leader as never));
  });
});

describe('a minority partition of a 5-node cluster', () => {
  it('never elects a leader on the minority side', () => {
    const sim = cluster(5, 21);
    electLeader(sim);
    const [a, b, c, d, e] = sim.ids;
    sim.partition([a!, b!], [c!, d!, e!]);
    sim.runFor(50 * min);
    const leaders = sim.leaders();
    expect(leaders).toHaveLength(1);
    expect([c, d, e]).toContain(leaders[0]);
    expect(sim.checker.violations).toEqual([]);
  });
});

describe('the invariant checker', () => {
  it('catches overlapping leases when clocks drift further apart than the configured bound', () => {
    const caught = Array.from({ length: 400 }, (_, i) => runRandomSchedule(i + 1, { driftBeyondBound: true })).filter((r) =>
      r.violations.some((v) => v.includes('both hold a valid lease')),
    );
    expect(caught.length).toBeGreaterThan(0);
  });

  it('catches an isolated leader whose slow clock outlives its lease in a targeted schedule', () => {
    const spread = 0.3;
    const sim = new SimCluster({ nodes: 3, seed: 5, timings: simTimings, clockRates: [1 - spread, 1 + spread, 1 + spread] });
    const slow = sim.ids[0]!;
    const leader = electLeader(sim);
    sim.runFor(min);
    if (leader !== slow) expect(sim.transferLeadership(leader as never, slow)).toBe(true);
    sim.runFor(5 * min);
    expect(sim.agreedLeader()).toBe(slow);
    sim.isolate(slow);
    sim.runFor(10 * min);
    expect(sim.checker.violations.some((v) => v.includes('both hold a valid lease'))).toBe(true);
  });

  /**
   * The worst case the drift bound allows: the lease holder's clock as slow as the bound lets it
   * be next to its followers' (fast) clocks, no network delay to speak of, and the followers'
   * election at the earliest instant stickiness permits (jitter all but zero). The lease must
   * still end before a successor's begins, and does only because `leaseDurationMs` shortens it by
   * the drift bound: without that factor both hold a lease for about 5 ms of this schedule.
   */
  describe('the lease at the worst clock drift the bound allows', () => {
    const timings = { ...simTimings, electionJitterMs: 0.001 };
    const fast = 1.02;
    const slowRate = fast * (1 - 0.99 * timings.maxClockDrift);
    const network = { minDelayMs: 0.001, maxDelayMs: 0.002 };

    function slowLeader(seed: number): { sim: SimCluster; slow: NodeId } {
      const sim = new SimCluster({ nodes: 3, seed, timings, network, clockRates: [slowRate, fast, fast] });
      const slow = sim.ids[0]!;
      const leader = electLeader(sim);
      sim.runFor(min);
      if (leader !== slow) expect(sim.transferLeadership(leader as never, slow)).toBe(true);
      sim.runFor(3 * min);
      expect(sim.agreedLeader()).toBe(slow);
      return { sim, slow };
    }

    function successorAfterIsolating(sim: SimCluster, slow: NodeId): void {
      sim.isolate(slow);
      const next = sim.runUntilTrue(() => sim.ids.some((id) => id !== slow && sim.holdsLease(id)), 5 * min);
      expect(next, 'a successor lease').not.toBeNull();
      sim.runFor(2 * min);
    }

    it('ends a lease renewed by a heartbeat round before the cut-off followers elect a successor', () => {
      for (let seed = 1; seed <= 20; seed++) {
        const { sim, slow } = slowLeader(seed);
        // Cut the leader off just after both followers acked a round: they heard it at once, and
        // its lease runs from that round's start.
        const acked = sim.runUntilTrue(() => sim.status(slow)?.peers.every((peer) => peer.lastAckAgoMs !== null && peer.lastAckAgoMs < 0.01) ?? false, 2 * min);
        expect(acked).not.toBeNull();
        successorAfterIsolating(sim, slow);
        expect(sim.checker.violations, `seed ${seed}`).toEqual([]);
      }
    });

    it('ends a transfer lease, counted from the vote request, before the voters elect a successor', () => {
      for (let seed = 1; seed <= 20; seed++) {
        const { sim, slow } = slowLeader(seed);
        const other = sim.ids.find((id) => id !== slow)!;
        expect(sim.transferLeadership(slow, other)).toBe(true);
        sim.runUntilTrue(() => sim.agreedLeader() === other, 2 * min);
        sim.runFor(min);
        expect(sim.transferLeadership(other, slow)).toBe(true);
        // Cut the slow node off the moment it wins: its first heartbeat never binds anyone, so
        // only the transfer votes, cast as it asked, hold the voters.
        expect(sim.runUntilTrue(() => sim.role(slow) === 'leader', min)).not.toBeNull();
        expect(sim.holdsLease(slow)).toBe(true);
        successorAfterIsolating(sim, slow);
        expect(sim.checker.violations, `seed ${seed}`).toEqual([]);
      }
    });
  });

  it('catches double votes and two leaders in a term when the store forgets votes on a crash', () => {
    const caught = Array.from({ length: 100 }, (_, i) => runRandomSchedule(i + 1, { storeForgetsOnCrash: true })).filter((r) => r.violations.length > 0);
    expect(caught.length).toBeGreaterThan(0);
  });

  it('accepts the same schedules when clocks stay within the bound', () => {
    expect(rateSpreadWithin(simTimings.maxClockDrift)).toBeLessThan(simTimings.maxClockDrift);
    for (let seed = 1; seed <= 100; seed++) expect(runRandomSchedule(seed).violations).toEqual([]);
  });
});
