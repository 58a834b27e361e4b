import { describe, expect, it } from 'vitest';
import { checkElectionConfig } from '../../src/core/election-config.ts';
import { ElectionCore } from '../../src/core/election-core.ts';
import type { Ready } from '../../src/core/ready.ts';
import type { NodeId } from '../../src/core/ids.ts';
import { configFor, electedLeader, fixedRandom, followerOfN2, n1, n2, n3, newCore, onlyMessageTo, timings } from './core-fixture.ts';

const { electionTimeoutMinMs: min, heartbeatIntervalMs: hb, electionJitterMs: jitter } = timings;

/** `self` campaigns at `min`, grants the pre-vote of `rival` (whose timer fired alike), then wins its own pre-vote. */
function preVoteWonBesideRival(self: NodeId, rival: NodeId): { readonly core: ElectionCore; readonly won: Ready } {
  const core = newCore(self);
  core.tick(min);
  core.receive(min + 1, rival, { kind: 'vote-request', term: 1, preVote: true, transfer: false });
  const voter = [n1, n2, n3].find((id) => id !== self && id !== rival) ?? n3;
  const won = core.receive(min + 2, voter, { kind: 'vote-response', term: 1, preVote: true, granted: true });
  return { core, won };
}

describe('election timer', () => {
  it('draws each timeout from [min, min + jitter) with the injected random source', () => {
    const core = newCore(n1, { random: fixedRandom(0.5) });
    expect(core.nextWakeAt()).toBe(min + 0.5 * jitter);
    core.receive(200, n2, { kind: 'heartbeat', term: 1, round: 1 });
    expect(core.nextWakeAt()).toBe(200 + min + 0.5 * jitter);
  });

  it('is reset by every heartbeat from the leader, so a follower of a live leader never campaigns', () => {
    const core = followerOfN2(150);
    for (let t = 150 + hb; t < 1000; t += hb) {
      core.receive(t, n2, { kind: 'heartbeat', term: 1, round: t });
      expect(core.tick(t).messages).toEqual([]);
    }
    expect(core.status(1000).role).toBe('follower');
  });
});

describe('stall detection', () => {
  it('gives buffered messages two heartbeat intervals before campaigning when its timer fires late', () => {
    const core = followerOfN2(150);
    const late = 150 + min + 5 * hb;
    const ready = core.tick(late);
    expect(ready.events).toEqual([{ type: 'stall-detected', term: 1, lateByMs: 5 * hb }]);
    expect(ready.messages).toEqual([]);
    core.receive(late + 1, n2, { kind: 'heartbeat', term: 1, round: 9 });
    core.tick(late + 2 * hb);
    expect(core.status(late + 2 * hb)).toMatchObject({ role: 'follower', leaderId: n2 });
  });

  it('holds back a campaign on a stall the driver reports, though its own timer wakes barely late', () => {
    const core = followerOfN2(150);
    const late = 150 + min + hb / 2; // frozen since just after the heartbeat at 150
    const reported = core.stalled(late, late - 150 - hb);
    expect(reported.events).toEqual([{ type: 'stall-detected', term: 1, lateByMs: late - 150 - hb }]);
    expect(core.tick(late).messages).toEqual([]);
    core.receive(late + 1, n2, { kind: 'heartbeat', term: 1, round: 9 });
    core.tick(late + 2 * hb + jitter);
    expect(core.status(late + 2 * hb + jitter)).toMatchObject({ role: 'follower', leaderId: n2 });
  });

  it('campaigns once the grace passes with no word from the leader', () => {
    const core = followerOfN2(150);
    const late = 150 + min + 5 * hb;
    core.tick(late);
    expect(core.nextWakeAt()).toBe(late + 2 * hb);
    core.tick(late + 2 * hb);
    expect(core.status(late + 2 * hb).role).toBe('pre-candidate');
  });

  it('jitters the grace, so followers woken together by a machine freeze do not all campaign together', () => {
    const late = 150 + min + 5 * hb;
    const [early, later] = [fixedRandom(0, 0, 0.1), fixedRandom(0, 0, 0.9)].map((random) => followerOfN2(150, random));
    early!.tick(late);
    later!.tick(late);
    expect(early!.nextWakeAt()).toBeCloseTo(late + 2 * hb + 0.1 * jitter);
    expect(later!.nextWakeAt()).toBeCloseTo(late + 2 * hb + 0.9 * jitter);
  });

  it('makes a stalled leader send heartbeats at once and wait for acks before check-quorum', () => {
    const leader = electedLeader(100);
    const late = 100 + min + 5 * hb;
    const ready = leader.tick(late);
    expect(leader.status(late).role).toBe('leader');
    expect(onlyMessageTo(ready, n2)).toMatchObject({ kind: 'heartbeat', term: 1 });
    leader.tick(late + 2 * hb);
    expect(leader.status(late + 2 * hb).role).toBe('follower');
  });
});

describe('pre-vote', () => {
  it('asks for pre-votes for the next term without raising its own term or persisting anything', () => {
    const core = newCore(n1, { hardState: { term: 7, votedFor: null } });
    const ready = core.tick(min);
    expect(core.status(min).role).toBe('pre-candidate');
    expect(core.hardState().term).toBe(7);
    expect(ready.hardState).toBeNull();
    expect(onlyMessageTo(ready, n2)).toEqual({ kind: 'vote-request', term: 8, preVote: true, transfer: false });
  });

  it('becomes a candidate in the next term only once a majority would vote', () => {
    const core = newCore(n1, { hardState: { term: 7, votedFor: null } });
    core.tick(min);
    const ready = core.receive(min + 1, n2, { kind: 'vote-response', term: 8, preVote: true, granted: true });
    expect(core.status(min + 1).role).toBe('candidate');
    expect(ready.hardState).toEqual({ term: 8, votedFor: n1 });
    expect(onlyMessageTo(ready, n3)).toEqual({ kind: 'vote-request', term: 8, preVote: false, transfer: false });
  });

  it('after a split vote, tries again within two heartbeat intervals plus jitter, not a whole election timeout', () => {
    const core = newCore(n1, { random: fixedRandom(0, 0.5) });
    core.tick(min);
    core.receive(min + 1, n2, { kind: 'vote-response', term: 1, preVote: true, granted: true });
    expect(core.status(min + 1).role).toBe('candidate');
    // n2 voted for another candidate and n3 is silent: no majority for term 1.
    core.receive(min + 2, n2, { kind: 'vote-response', term: 1, preVote: false, granted: false });
    const retryAt = min + 1 + 2 * hb + 0.5 * jitter;
    expect(core.nextWakeAt()).toBe(retryAt);
    expect(retryAt).toBeLessThan(min + 1 + min);
    const retry = core.tick(retryAt);
    expect(retry.events).toContainEqual({ type: 'election-lost', term: 1, preVote: false, reason: 'timed-out' });
    expect(onlyMessageTo(retry, n2)).toEqual({ kind: 'vote-request', term: 2, preVote: true, transfer: false });
  });

  it('lets a rival with a lower id ask for votes first when both pass pre-vote together, so the vote does not split', () => {
    const { core, won } = preVoteWonBesideRival(n2, n1);
    expect(core.status(min + 2).role).toBe('pre-candidate');
    expect(core.hardState()).toEqual({ term: 0, votedFor: null });
    expect(won.messages).toEqual([]);
    const vote = core.receive(min + 3, n1, { kind: 'vote-request', term: 1, preVote: false, transfer: false });
    expect(onlyMessageTo(vote, n1)).toEqual({ kind: 'vote-response', term: 1, preVote: false, granted: true });
    expect(core.status(min + 3).role).toBe('follower');
  });

  it('does not wait for a rival with a higher id, which waits instead', () => {
    const { core, won } = preVoteWonBesideRival(n1, n2);
    expect(core.status(min + 2).role).toBe('candidate');
    expect(onlyMessageTo(won, n2)).toEqual({ kind: 'vote-request', term: 1, preVote: false, transfer: false });
  });

  it('does not campaign while a rival whose pre-vote it granted while idle may ask for its vote, and campaigns once that passes', () => {
    const core = newCore(n1, { random: fixedRandom(0.1) });
    const timerAt = min + 0.1 * jitter;
    core.receive(timerAt - 1, n3, { kind: 'vote-request', term: 1, preVote: true, transfer: false });
    const held = core.tick(timerAt);
    expect(held.messages).toEqual([]);
    expect(core.status(timerAt).role).toBe('follower');
    expect(core.nextWakeAt()).toBe(timerAt - 1 + hb);
    const campaign = core.tick(timerAt - 1 + hb);
    expect(onlyMessageTo(campaign, n2)).toEqual({ kind: 'vote-request', term: 1, preVote: true, transfer: false });
  });

  it('votes for that rival when its vote request comes, without campaigning', () => {
    const core = newCore(n1, { random: fixedRandom(0.1) });
    const timerAt = min + 0.1 * jitter;
    core.receive(timerAt - 1, n3, { kind: 'vote-request', term: 1, preVote: true, transfer: false });
    core.tick(timerAt);
    const vote = core.receive(timerAt + 1, n3, { kind: 'vote-request', term: 1, preVote: false, transfer: false });
    expect(onlyMessageTo(vote, n3)).toEqual({ kind: 'vote-response', term: 1, preVote: false, granted: true });
    expect(core.tick(timerAt - 1 + hb).messages).toEqual([]);
    expect(core.status(timerAt - 1 + hb).role).toBe('follower');
  });

  it('campaigns for real after a won pre-vote once the wait for a lower-id rival passes with no vote request', () => {
    const { core } = preVoteWonBesideRival(n2, n1);
    expect(core.nextWakeAt()).toBe(min + 1 + hb);
    const campaign = core.tick(min + 1 + hb);
    expect(core.status(min + 1 + hb).role).toBe('candidate');
    expect(campaign.hardState).toEqual({ term: 1, votedFor: n2 });
    expect(onlyMessageTo(campaign, n3)).toEqual({ kind: 'vote-request', term: 1, preVote: false, transfer: false });
  });

  it('stays in its term when the majority refuses the pre-vote', () => {
    const core = newCore(n1, { hardState: { term: 7, votedFor: null } });
    core.tick(min);
    core.receive(min + 1, n2, { kind: 'vote-response', term: 7, preVote: true, granted: false });
    const ready = core.receive(min + 1, n3, { kind: 'vote-response', term: 7, preVote: true, granted: false });
    expect(core.status(min + 1).role).toBe('follower');
    expect(core.hardState().term).toBe(7);
    expect(ready.events).toContainEqual({ type: 'election-lost', term: 7, preVote: true, reason: 'rejected' });
  });

  it('keeps an isolated node in its term however many times its timer fires', () => {
    const core = newCore(n1, { hardState: { term: 3, votedFor: n2 } });
    for (let t = 0; t < 100 * min; t += 10) core.tick(t);
    expect(core.hardState()).toEqual({ term: 3, votedFor: n2 });
  });

  it('is granted by a node that has not heard from a leader, without changing that node', () => {
    const voter = newCore(n2, { hardState: { term: 4, votedFor: null } });
    const ready = voter.receive(min + 1, n1, { kind: 'vote-request', term: 5, preVote: true, transfer: false });
    expect(onlyMessageTo(ready, n1)).toEqual({ kind: 'vote-response', term: 5, preVote: true, granted: true });
    expect(ready.hardState).toBeNull();
    expect(voter.hardState()).toEqual({ term: 4, votedFor: null });
  });
});

describe('voting', () => {
  it('grants one vote per term and persists it in the same step as the reply', () => {
    const voter = newCore(n1);
    const first = voter.receive(min, n2, { kind: 'vote-request', term: 1, preVote: false, transfer: false });
    expect(first.hardState).toEqual({ term: 1, votedFor: n2 });
    expect(onlyMessageTo(first, n2)).toEqual({ kind: 'vote-response', term: 1, preVote: false, granted: true });
    const second = voter.receive(min, n3, { kind: 'vote-request', term: 1, preVote: false, transfer: false });
    expect(onlyMessageTo(second, n3)).toMatchObject({ granted: false });
    expect(voter.hardState()).toEqual({ term: 1, votedFor: n2 });
  });

  it('remembers its vote across a restart', () => {
    const restarted = newCore(n1, { hardState: { term: 1, votedFor: n2 }, now: 1000 });
    const ready = restarted.receive(1000 + min, n3, { kind: 'vote-request', term: 1, preVote: false, transfer: false });
    expect(onlyMessageTo(ready, n3)).toMatchObject({ granted: false });
  });

  it('wins with a majority and sends heartbeats at once', () => {
    const core = newCore(n1);
    core.tick(min);
    core.receive(min, n2, { kind: 'vote-response', term: 1, preVote: true, granted: true });
    const ready = core.receive(min, n3, { kind: 'vote-response', term: 1, preVote: false, granted: true });
    expect(core.status(min).role).toBe('leader');
    expect(onlyMessageTo(ready, n2)).toEqual({ kind: 'heartbeat', term: 1, round: 1 });
    expect(ready.events).toContainEqual({ type: 'election-won', term: 1 });
  });
});

describe('startup wait', () => {
  it('neither campaigns nor votes until the minimum election timeout has passed since start', () => {
    const started = 5000;
    const core = newCore(n1, { hardState: { term: 2, votedFor: null }, now: started });
    expect(core.tick(started + min - 1).messages).toEqual([]);
    const early = core.receive(started + min - 1, n2, { kind: 'vote-request', term: 3, preVote: false, transfer: false });
    expect(onlyMessageTo(early, n2)).toMatchObject({ granted: false });
    expect(core.hardState()).toEqual({ term: 2, votedFor: null });
    const later = core.receive(started + min, n2, { kind: 'vote-request', term: 3, preVote: false, transfer: false });
    expect(onlyMessageTo(later, n2)).toMatchObject({ granted: true });
  });
});

describe('leader stickiness', () => {
  it('refuses votes and pre-votes within the minimum election timeout of hearing from the leader, keeping its term', () => {
    const core = followerOfN2(150);
    const vote = core.receive(150 + min - 1, n3, { kind: 'vote-request', term: 9, preVote: false, transfer: false });
    const preVote = core.receive(150 + min - 1, n3, { kind: 'vote-request', term: 2, preVote: true, transfer: false });
    expect(onlyMessageTo(vote, n3)).toMatchObject({ granted: false, term: 1 });
    expect(onlyMessageTo(preVote, n3)).toMatchObject({ granted: false });
    expect(core.hardState()).toEqual({ term: 1, votedFor: null });
    expect(core.status(150 + min - 1).leaderId).toBe(n2);
  });

  it('votes again once the leader has been silent for the minimum election timeout', () => {
    const core = followerOfN2(150);
    const ready = core.receive(150 + min, n3, { kind: 'vote-request', term: 2, preVote: false, transfer: false });
    expect(onlyMessageTo(ready, n3)).toMatchObject({ granted: true, term: 2 });
  });

  it('is bypassed by a leadership transfer to the node the leader handed over to', () => {
    const core = followerOfN2(150);
    core.receive(151, n2, { kind: 'timeout-now', term: 1, target: n3 });
    const ready = core.receive(152, n3, { kind: 'vote-request', term: 2, preVote: false, transfer: true });
    expect(onlyMessageTo(ready, n3)).toMatchObject({ granted: true, term: 2 });
  });

  it('makes a leader refuse to vote for anyone else', () => {
    const leader = electedLeader(100);
    const ready = leader.receive(100 + 5 * min, n3, { kind: 'vote-request', term: 5, preVote: false, transfer: false });
    expect(onlyMessageTo(ready, n3)).toMatchObject({ granted: false });
  });
});

describe('check-quorum', () => {
  it('makes a leader that hears no acks from a majority step down after the minimum election timeout', () => {
    const leader = electedLeader(100);
    for (let t = 100; t < 100 + min; t += hb) leader.tick(t);
    expect(leader.status(100 + min - 1).role).toBe('leader');
    const ready = leader.tick(100 + min);
    expect(leader.status(100 + min).role).toBe('follower');
    expect(ready.events).toContainEqual({ type: 'stepped-down', term: 1, reason: 'check-quorum' });
  });

  it('keeps a leader whose majority keeps acknowledging', () => {
    const leader = electedLeader(100);
    for (let t = 100; t < 100 + 5 * min; t += hb) {
      const ready = leader.tick(t);
      for (const { message } of ready.messages.filter((m) => m.to === n2)) {
        if (message.kind === 'heartbeat') leader.receive(t + 1, n2, { kind: 'heartbeat-ack', term: 1, round: message.round });
      }
    }
    expect(leader.status(100 + 5 * min).role).toBe('leader');
  });
});

describe('terms', () => {
  it('makes a leader that sees a higher term step down and adopt it', () => {
    const leader = electedLeader(100);
    const ready = leader.receive(110, n2, { kind: 'heartbeat-ack', term: 4, round: 1 });
    expect(leader.status(110).role).toBe('follower');
    expect(ready.hardState).toEqual({ term: 4, votedFor: null });
    expect(ready.events).toContainEqual({ type: 'stepped-down', term: 1, reason: 'higher-term' });
  });

  it('makes a follower adopt the term and leader of a heartbeat from a higher term', () => {
    const core = newCore(n1, { hardState: { term: 2, votedFor: n3 } });
    const ready = core.receive(10, n2, { kind: 'heartbeat', term: 5, round: 1 });
    expect(ready.hardState).toEqual({ term: 5, votedFor: null });
    expect(core.status(10).leaderId).toBe(n2);
    expect(onlyMessageTo(ready, n2)).toEqual({ kind: 'heartbeat-ack', term: 5, round: 1 });
  });

  it('answers a stale leader with its own higher term, naming no round, and does not follow it', () => {
    const core = newCore(n1, { hardState: { term: 5, votedFor: null } });
    const wakeBefore = core.nextWakeAt();
    const ready = core.receive(10, n2, { kind: 'heartbeat', term: 3, round: 7 });
    expect(onlyMessageTo(ready, n2)).toEqual({ kind: 'heartbeat-ack', term: 5, round: 0 });
    expect(core.status(10).leaderId).toBeNull();
    expect(core.nextWakeAt()).toBe(wakeBefore);
  });

  it('refuses a vote request from a stale term', () => {
    const core = newCore(n1, { hardState: { term: 5, votedFor: null } });
    const ready = core.receive(min, n2, { kind: 'vote-request', term: 4, preVote: false, transfer: false });
    expect(onlyMessageTo(ready, n2)).toEqual({ kind: 'vote-response', term: 5, preVote: false, granted: false });
  });
});

describe('lease', () => {
  it('is held from a round acknowledged by a majority until that round start plus the shortened election timeout', () => {
    const leader = electedLeader(100);
    expect(leader.leaseRemainingMs(100)).toBe(0);
    const ready = leader.receive(103, n2, { kind: 'heartbeat-ack', term: 1, round: 1 });
    const leaseEnd = 100 + min * (1 - timings.maxClockDrift);
    expect(ready.events).toContainEqual({ type: 'lease-acquired', term: 1, untilMs: leaseEnd });
    expect(leader.leaseRemainingMs(103)).toBe(leaseEnd - 103);
    expect(leader.leaseRemainingMs(leaseEnd)).toBe(0);
  });

  it('is not granted by a follower refusing a heartbeat this node sent while leading an older term', () => {
    // n1 led term 1; its heartbeat of round 1 reaches n2 late, after n2 voted n1 in as leader of
    // term 2. n1 must not take n2's refusal for an ack of its own round 1 of term 2.
    const follower = newCore(n2, { hardState: { term: 2, votedFor: n1 } });
    const refusal = onlyMessageTo(follower.receive(200, n1, { kind: 'heartbeat', term: 1, round: 1 }), n1);
    const reelected = newCore(n1, { hardState: { term: 1, votedFor: n1 } });
    reelected.tick(min);
    reelected.receive(min, n2, { kind: 'vote-response', term: 2, preVote: true, granted: true });
    reelected.receive(min, n2, { kind: 'vote-response', term: 2, preVote: false, granted: true });
    expect(reelected.status(min).role).toBe('leader');
    const ready = reelected.receive(min + 1, n2, refusal);
    expect(ready.events.filter((e) => e.type === 'lease-acquired')).toEqual([]);
    expect(reelected.leaseRemainingMs(min + 1)).toBe(0);
  });

  it('is not granted by acks of an older round alone', () => {
    const leader = electedLeader(100);
    leader.receive(101, n2, { kind: 'heartbeat-ack', term: 1, round: 1 });
    leader.tick(100 + hb);
    leader.receive(100 + hb + 1, n3, { kind: 'heartbeat-ack', term: 1, round: 1 });
    expect(leader.leaseRemainingMs(100 + hb + 1)).toBe(100 + min * (1 - timings.maxClockDrift) - (100 + hb + 1));
  });

  it('is dropped the moment the leader steps down', () => {
    const leader = electedLeader(100);
    leader.receive(101, n2, { kind: 'heartbeat-ack', term: 1, round: 1 });
    const ready = leader.receive(102, n3, { kind: 'heartbeat-ack', term: 2, round: 1 });
    expect(leader.leaseRemainingMs(102)).toBe(0);
    expect(ready.events).toContainEqual({ type: 'lease-lost', term: 1, reason: 'stepped-down' });
  });

  it('reports its expiry as an event when it is not renewed', () => {
    const leader = electedLeader(100);
    leader.receive(101, n2, { kind: 'heartbeat-ack', term: 1, round: 1 });
    const leaseEnd = 100 + min * (1 - timings.maxClockDrift);
    expect(leader.nextWakeAt()).toBeLessThanOrEqual(leaseEnd);
    const ready = leader.tick(leaseEnd);
    expect(ready.events).toContainEqual({ type: 'lease-lost', term: 1, reason: 'expired' });
  });
});

describe('leadership transfer', () => {
  it('makes a transfer vote bind its voter for a minimum election timeout, like a heartbeat', () => {
    // n1 has no leader and is past its start-up wait: without the transfer vote it would grant n3.
    const voter = newCore(n1);
    const votedAt = 2 * min;
    const granted = voter.receive(votedAt, n2, { kind: 'vote-request', term: 1, preVote: false, transfer: true });
    expect(onlyMessageTo(granted, n2)).toEqual({ kind: 'vote-response', term: 1, preVote: false, granted: true });
    const during = voter.receive(votedAt + min - 1, n3, { kind: 'vote-request', term: 2, preVote: true, transfer: false });
    expect(onlyMessageTo(during, n3)).toMatchObject({ preVote: true, granted: false });
    const after = voter.receive(votedAt + min + 1, n3, { kind: 'vote-request', term: 2, preVote: true, transfer: false });
    expect(onlyMessageTo(after, n3)).toMatchObject({ preVote: true, granted: true });
  });

  it('lets the transfer target hold the lease as it wins, counted from when it asked for votes', () => {
    const target = newCore(n2, { now: 0 });
    const askedAt = 2 * min;
    target.receive(askedAt - hb, n1, { kind: 'heartbeat', term: 1, round: 1 });
    target.receive(askedAt, n1, { kind: 'timeout-now', term: 1, target: n2 });
    const won = target.receive(askedAt + 3, n3, { kind: 'vote-response', term: 2, preVote: false, granted: true });
    expect(target.status(askedAt + 3).role).toBe('leader');
    const leaseUntil = askedAt + min * (1 - timings.maxClockDrift);
    expect(won.events).toContainEqual({ type: 'lease-acquired', term: 2, untilMs: leaseUntil });
    expect(target.leaseRemainingMs(askedAt + 3)).toBeCloseTo(leaseUntil - (askedAt + 3));
  });

  it('does not give a lease at once to a leader won in an ordinary election', () => {
    const core = newCore(n1);
    core.tick(min);
    core.receive(min + 1, n2, { kind: 'vote-response', term: 1, preVote: true, granted: true });
    const won = core.receive(min + 2, n2, { kind: 'vote-response', term: 1, preVote: false, granted: true });
    expect(core.status(min + 2).role).toBe('leader');
    expect(won.events.some((event) => event.type === 'lease-acquired')).toBe(false);
    expect(core.leaseRemainingMs(min + 2)).toBe(0);
  });

  it('sends timeout-now naming the most responsive follower to every follower, and drops the lease at once', () => {
    const leader = electedLeader(100);
    leader.receive(101, n2, { kind: 'heartbeat-ack', term: 1, round: 1 });
    leader.tick(100 + hb);
    leader.receive(100 + hb + 1, n3, { kind: 'heartbeat-ack', term: 1, round: 2 });
    const ready = leader.transferLeadership(100 + hb + 2, null);
    const { outcome } = ready;
    expect(outcome).toEqual({ ok: true, target: n3 });
    expect(onlyMessageTo(ready, n3)).toEqual({ kind: 'timeout-now', term: 1, target: n3 });
    expect(onlyMessageTo(ready, n2)).toEqual({ kind: 'timeout-now', term: 1, target: n3 });
    expect(leader.status(100 + hb + 2)).toMatchObject({ role: 'follower', holdsLease: false });
  });

  it('makes the target campaign at once, skipping pre-vote, with the transfer flag', () => {
    const follower = followerOfN2(150);
    const ready = follower.receive(151, n2, { kind: 'timeout-now', term: 1, target: n1 });
    expect(ready.hardState).toEqual({ term: 2, votedFor: n1 });
    expect(onlyMessageTo(ready, n3)).toEqual({ kind: 'vote-request', term: 2, preVote: false, transfer: true });
  });

  it('is refused on a follower, naming the leader', () => {
    const follower = followerOfN2(150);
    expect(follower.transferLeadership(151, n3).outcome).toEqual({ ok: false, reason: 'not-leader', leaderId: n2 });
  });

  it('is refused for itself, an unknown node, or a follower that has not acknowledged recently', () => {
    const leader = electedLeader(100);
    expect(leader.transferLeadership(101, n1).outcome).toMatchObject({ reason: 'target-is-self' });
    expect(leader.transferLeadership(101, 'n9' as typeof n1).outcome).toMatchObject({ reason: 'unknown-target' });
    expect(leader.transferLeadership(101, n2).outcome).toMatchObject({ reason: 'target-not-responsive' });
    expect(leader.status(101).role).toBe('leader');
  });

  it('lets a leader with no responsive follower abdicate by stepping down', () => {
    const leader = electedLeader(100);
    const ready = leader.abdicate(101);
    const { outcome } = ready;
    expect(outcome).toEqual({ ok: true, target: null });
    expect(ready.events).toContainEqual({ type: 'stepped-down', term: 1, reason: 'step-down' });
  });
});

describe('single-node cluster', () => {
  it('elects itself and holds the lease', () => {
    const core = new ElectionCore(configFor(n1, []), { term: 0, votedFor: null }, 0, fixedRandom(0));
    const ready = core.tick(min);
    expect(core.status(min)).toMatchObject({ role: 'leader', term: 1, holdsLease: true });
    expect(ready.hardState).toEqual({ term: 1, votedFor: n1 });
  });

  it('keeps leading after its process stalls for longer than the election timeout', () => {
    const core = new ElectionCore(configFor(n1, []), { term: 0, votedFor: null }, 0, fixedRandom(0));
    core.tick(min);
    core.tick(min + 10 * min);
    expect(core.status(min + 10 * min)).toMatchObject({ role: 'leader', term: 1, holdsLease: true });
  });
});

describe('configuration', () => {
  it('rejects a heartbeat interval above a third of the minimum election timeout, saying how to fix it', () => {
    const check = checkElectionConfig({ ...configFor(n1), heartbeatIntervalMs: 50, electionTimeoutMinMs: 100 });
    expect(check.ok).toBe(false);
    expect(check.ok ? [] : check.problems).toEqual([expect.stringMatching(/lower the heartbeat interval to 33 ms or less/)]);
  });

  it('rejects a drift bound outside [0, 0.5) and a peer list that names this node', () => {
    const check = checkElectionConfig({ ...configFor(n1, [n1, n2]), maxClockDrift: 0.7 });
    expect(check.ok ? [] : check.problems).toHaveLength(2);
  });

  it('accepts the defaults used in tests', () => {
    expect(checkElectionConfig(configFor(n1))).toEqual({ ok: true });
  });
});
