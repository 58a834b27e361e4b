import { describe, expect, it } from 'vitest';
import { describeSafetyAlarm, type CoreEvent, type SafetyAlarm } from '../../src/core/core-event.ts';
import { checkElectionConfig, type ElectionConfig } from '../../src/core/election-config.ts';
import { ElectionCore } from '../../src/core/election-core.ts';
import type { Ready } from '../../src/core/ready.ts';
import { asClusterId, asNodeId, isValidId } from '../../src/core/ids.ts';
import { maxTerm, maxTermLead } from '../../src/core/messages.ts';
import { configFor, electedLeader, fixedRandom, followerOfN2, n1, n2, n3, newCore, onlyMessageTo, sentTo, timings } from './core-fixture.ts';

// The edges of each rule, which the broader tests leave open: each of these was a surviving
// mutant of `npm run mutation` (see stryker.config.mjs) before it was written.

const { electionTimeoutMinMs: min, heartbeatIntervalMs: hb } = timings;
const leaseMs = min * (1 - timings.maxClockDrift);
const [n4, n5] = [asNodeId('n4'), asNodeId('n5')];

function types(ready: Ready<unknown>): CoreEvent['type'][] {
  return ready.events.map((event) => event.type);
}

function alarms(ready: Ready<unknown>): SafetyAlarm[] {
  return ready.events.flatMap((event) => (event.type === 'safety-alarm' ? [event.alarm] : []));
}

/** n1 leading a five-node cluster from `at`, having won with n2's and n3's votes. */
function fiveNodeLeader(at = 100): ElectionCore {
  const core = new ElectionCore(configFor(n1, [n2, n3, n4, n5]), { term: 0, votedFor: null }, 0, fixedRandom(0));
  core.tick(at);
  for (const voter of [n2, n3]) core.receive(at, voter, { kind: 'vote-response', term: 1, preVote: true, granted: true });
  for (const voter of [n2, n3]) core.receive(at, voter, { kind: 'vote-response', term: 1, preVote: false, granted: true });
  expect(core.status(at).role).toBe('leader');
  return core;
}

describe('events a watcher sees', () => {
  it('tell the whole story of a won election, each once, in order', () => {
    const core = newCore(n1);
    expect(core.tick(min).events).toEqual([
      { type: 'role-changed', term: 0, from: 'follower', to: 'pre-candidate' },
      { type: 'election-started', term: 1, preVote: true, transfer: false },
    ]);
    expect(core.receive(min + 1, n2, { kind: 'vote-response', term: 1, preVote: true, granted: true }).events).toEqual([
      { type: 'term-changed', from: 0, to: 1 },
      { type: 'role-changed', term: 1, from: 'pre-candidate', to: 'candidate' },
      { type: 'election-started', term: 1, preVote: false, transfer: false },
    ]);
    expect(core.receive(min + 2, n2, { kind: 'vote-response', term: 1, preVote: false, granted: true }).events).toEqual([
      { type: 'role-changed', term: 1, from: 'candidate', to: 'leader' },
      { type: 'leader-changed', term: 1, leaderId: n1 },
      { type: 'election-won', term: 1 },
    ]);
  });

  it('say what a voter granted, pre-vote or vote', () => {
    const core = newCore(n1);
    expect(core.receive(min, n2, { kind: 'vote-request', term: 1, preVote: true, transfer: false }).events).toEqual([
      { type: 'vote-granted', term: 1, candidate: n2, preVote: true },
    ]);
    expect(core.receive(min, n2, { kind: 'vote-request', term: 1, preVote: false, transfer: false }).events).toEqual([
      { type: 'term-changed', from: 0, to: 1 },
      { type: 'vote-granted', term: 1, candidate: n2, preVote: false },
    ]);
  });

  it('name a leader once, not again on every heartbeat', () => {
    const core = followerOfN2(150);
    expect(core.receive(160, n2, { kind: 'heartbeat', term: 1, round: 2 }).events).toEqual([]);
  });

  it('end a campaign that meets the winner with election-lost, other-leader', () => {
    const core = newCore(n1, { hardState: { term: 1, votedFor: null } });
    core.tick(min);
    const ready = core.receive(min + 1, n2, { kind: 'heartbeat', term: 1, round: 1 });
    expect(ready.events).toEqual([
      { type: 'election-lost', term: 1, preVote: true, reason: 'other-leader' },
      { type: 'role-changed', term: 1, from: 'pre-candidate', to: 'follower' },
      { type: 'leader-changed', term: 1, leaderId: n2 },
    ]);
    expect(core.status(min + 1).role).toBe('follower');
  });

  it('end a real election that meets the winner as a lost vote, not a lost pre-vote', () => {
    const core = newCore(n1);
    core.tick(min);
    core.receive(min + 1, n2, { kind: 'vote-response', term: 1, preVote: true, granted: true });
    expect(core.receive(min + 2, n3, { kind: 'heartbeat', term: 1, round: 1 }).events).toEqual([
      { type: 'election-lost', term: 1, preVote: false, reason: 'other-leader' },
      { type: 'role-changed', term: 1, from: 'candidate', to: 'follower' },
      { type: 'leader-changed', term: 1, leaderId: n3 },
    ]);
  });

  it('end a campaign that meets a higher term with election-lost, higher-term, and no lease-lost', () => {
    const core = newCore(n1);
    core.tick(min);
    core.receive(min + 1, n2, { kind: 'vote-response', term: 1, preVote: true, granted: true });
    const ready = core.receive(min + 2, n3, { kind: 'vote-response', term: 3, preVote: false, granted: false });
    expect(ready.events).toEqual([
      { type: 'election-lost', term: 1, preVote: false, reason: 'higher-term' },
      { type: 'role-changed', term: 1, from: 'candidate', to: 'follower' },
      { type: 'term-changed', from: 1, to: 3 },
    ]);
  });

  it('give a transfer step-down its reason', () => {
    const leader = electedLeader(100);
    leader.receive(101, n2, { kind: 'heartbeat-ack', term: 1, round: 1 });
    expect(leader.transferLeadership(102, n2).events).toContainEqual({ type: 'stepped-down', term: 1, reason: 'transfer' });
  });

  it('describe every safety alarm in words that name the peer', () => {
    expect(describeSafetyAlarm({ kind: 'second-leader', from: n3, leaderId: n2 })).toMatch(/n3 .*n2 leads/);
    expect(describeSafetyAlarm({ kind: 'timeout-now-refused', from: n3, leaderId: n2 })).toMatch(/n3 .*n2 leads/);
    expect(describeSafetyAlarm({ kind: 'timeout-now-refused', from: n3, leaderId: null })).toMatch(/n3 .*no known node leads/);
    expect(describeSafetyAlarm({ kind: 'term-jump-refused', from: n3, claimedTerm: 77 })).toMatch(/n3 claims term 77/);
    expect(describeSafetyAlarm({ kind: 'term-exhausted' })).toMatch(/highest term/);
  });
});

describe('status', () => {
  it('says how long ago a follower heard its leader, and nothing of the kind on a leader or without one', () => {
    expect(followerOfN2(150).status(170).leaderHeardAgoMs).toBe(20);
    expect(newCore(n1).status(10).leaderHeardAgoMs).toBeNull();
    expect(electedLeader(100).status(120).leaderHeardAgoMs).toBeNull();
  });

  it('shows the start-up wait until exactly one minimum election timeout after start', () => {
    const core = newCore(n1, { now: 5 });
    expect(core.status(5 + min - 1).inStartupWait).toBe(true);
    expect(core.status(5 + min).inStartupWait).toBe(false);
  });

  it('lists, on the leader only, how long ago each follower acked, null for one that never did', () => {
    const leader = electedLeader(100);
    leader.receive(104, n2, { kind: 'heartbeat-ack', term: 1, round: 1 });
    expect(leader.status(110).peers).toEqual([
      { id: n2, lastAckAgoMs: 6 },
      { id: n3, lastAckAgoMs: null },
    ]);
    expect(followerOfN2(150).status(160).peers).toEqual([]);
  });
});

describe('who may speak', () => {
  it('ignores messages from unknown nodes and from itself', () => {
    const core = followerOfN2(150);
    for (const from of [asNodeId('n9'), n1]) {
      const ready = core.receive(151, from, { kind: 'heartbeat', term: 7, round: 1 });
      expect(ready).toEqual({ hardState: null, messages: [], events: [], outcome: null });
    }
    expect(core.status(151)).toMatchObject({ term: 1, leaderId: n2 });
  });

  it('adopts at once a term exactly the lead above its own, from one peer', () => {
    const core = newCore(n1, { hardState: { term: 3, votedFor: null } });
    const ready = core.receive(2 * min, n2, { kind: 'heartbeat', term: 3 + maxTermLead, round: 1 });
    expect(alarms(ready)).toEqual([]);
    expect(core.status(2 * min)).toMatchObject({ term: 3 + maxTermLead, leaderId: n2 });
  });
});

describe('far-off terms', () => {
  it('follow a message exactly the lead above the term its vouchers reached', () => {
    const core = newCore(n1, { hardState: { term: 4, votedFor: null } });
    const vouched = 4 + maxTermLead + 10;
    core.receive(2 * min, n2, { kind: 'heartbeat-ack', term: vouched, round: 0 });
    const ready = core.receive(2 * min, n3, { kind: 'heartbeat', term: vouched + maxTermLead, round: 1 });
    expect(core.status(2 * min)).toMatchObject({ term: vouched + maxTermLead, leaderId: n3 });
    expect(onlyMessageTo(ready, n3)).toEqual({ kind: 'heartbeat-ack', term: vouched + maxTermLead, round: 1 });
  });

  it('are adopted at exactly the highest term when enough peers vouch for it', () => {
    const core = newCore(n1, { hardState: { term: 4, votedFor: null } });
    core.receive(2 * min, n2, { kind: 'heartbeat-ack', term: maxTerm, round: 0 });
    core.receive(2 * min, n3, { kind: 'heartbeat-ack', term: maxTerm, round: 0 });
    expect(core.hardState().term).toBe(maxTerm);
  });

  it('raise one alarm per peer, with the term it claimed, and one per message above the highest term', () => {
    const core = newCore(n1, { hardState: { term: 4, votedFor: null } });
    const far = 4 + maxTermLead + 1;
    expect(alarms(core.receive(2 * min, n2, { kind: 'heartbeat', term: far, round: 1 }))).toEqual([{ kind: 'term-jump-refused', from: n2, claimedTerm: far }]);
    expect(alarms(core.receive(2 * min, n2, { kind: 'heartbeat', term: far + 1, round: 1 }))).toEqual([]);
    expect(alarms(core.receive(2 * min, n3, { kind: 'heartbeat', term: maxTerm + 1, round: 1 }))).toEqual([
      { kind: 'term-jump-refused', from: n3, claimedTerm: maxTerm + 1 },
    ]);
  });

  it('are adopted at the term enough peers reach, whatever order their claims came in', () => {
    const core = new ElectionCore(configFor(n1, [n2, n3, n4, n5]), { term: 4, votedFor: null }, 0, fixedRandom(0));
    const far = 4 + maxTermLead;
    core.receive(2 * min, n2, { kind: 'heartbeat-ack', term: far + 1, round: 0 });
    core.receive(2 * min, n3, { kind: 'heartbeat-ack', term: far + 5, round: 0 });
    core.receive(2 * min, n4, { kind: 'heartbeat-ack', term: far + 3 * maxTermLead, round: 0 });
    // Three of four peers vouch for at least far + 1, and only that much.
    expect(core.hardState().term).toBe(far + 1);
  });

  it('leave a higher claim than the vouched term unheeded, and follow the vouching message', () => {
    const core = newCore(n1, { hardState: { term: 4, votedFor: null } });
    const far = 4 + maxTermLead + 10;
    core.receive(2 * min, n3, { kind: 'heartbeat', term: far, round: 1 });
    core.receive(2 * min, n2, { kind: 'heartbeat', term: far + 5 * maxTermLead, round: 1 });
    expect(core.hardState().term).toBe(far);
    const followed = newCore(n1, { hardState: { term: 4, votedFor: null } });
    followed.receive(2 * min, n3, { kind: 'heartbeat-ack', term: far + 1, round: 0 });
    const ready = followed.receive(2 * min, n2, { kind: 'heartbeat', term: far, round: 3 });
    expect(followed.status(2 * min)).toMatchObject({ term: far, leaderId: n2 });
    expect(onlyMessageTo(ready, n2)).toEqual({ kind: 'heartbeat-ack', term: far, round: 3 });
  });

  it('never move a term back, nor forget a vote, on claims that the term has since overtaken', () => {
    const core = newCore(n1, { hardState: { term: 4, votedFor: null } });
    const claim = 4 + maxTermLead + 1;
    core.receive(2 * min, n2, { kind: 'heartbeat-ack', term: claim, round: 0 }); // refused, remembered
    // n3 leads the cluster up to exactly that term, one lead at a time, and wins this node's vote.
    core.receive(2 * min, n3, { kind: 'vote-request', term: 4 + maxTermLead, preVote: false, transfer: false });
    core.receive(2 * min + 1, n3, { kind: 'vote-request', term: claim, preVote: false, transfer: false });
    expect(core.hardState()).toEqual({ term: claim, votedFor: n3 });
    // A new far claim must not be vouched for by n2's stale one.
    const ready = core.receive(2 * min + 2, n3, { kind: 'heartbeat-ack', term: claim + maxTermLead + 7, round: 0 });
    expect(ready.hardState).toBeNull();
    expect(core.hardState()).toEqual({ term: claim, votedFor: n3 });
    expect(onlyMessageTo(core.receive(2 * min + 3, n2, { kind: 'vote-request', term: claim, preVote: false, transfer: false }), n2)).toMatchObject({
      granted: false,
    });
  });
});

describe('votes', () => {
  it('refuse a vote in the term of the leader they follow, though they have not voted in it', () => {
    // n2's heartbeat brought n1 into term 1 without a vote of its own; n3, a candidate of the same
    // term, must not get one while n1 hears from its leader.
    const core = followerOfN2(150);
    const ready = core.receive(151, n3, { kind: 'vote-request', term: 1, preVote: false, transfer: false });
    expect(onlyMessageTo(ready, n3)).toEqual({ kind: 'vote-response', term: 1, preVote: false, granted: false });
    expect(types(ready)).not.toContain('vote-granted');
    expect(core.hardState()).toEqual({ term: 1, votedFor: null });
  });

  it('grant a repeated request from the candidate already voted for, without writing again', () => {
    const core = newCore(n1);
    core.receive(min, n2, { kind: 'vote-request', term: 1, preVote: false, transfer: false });
    const again = core.receive(min + 1, n2, { kind: 'vote-request', term: 1, preVote: false, transfer: false });
    expect(onlyMessageTo(again, n2)).toEqual({ kind: 'vote-response', term: 1, preVote: false, granted: true });
    expect(again.hardState).toBeNull();
  });

  it('refuse a pre-vote for a term no higher than the voter own', () => {
    const core = newCore(n1, { hardState: { term: 3, votedFor: null } });
    expect(onlyMessageTo(core.receive(2 * min, n2, { kind: 'vote-request', term: 3, preVote: true, transfer: false }), n2)).toEqual({
      kind: 'vote-response',
      term: 3,
      preVote: true,
      granted: false,
    });
  });

  it('hold the voter back from campaigning for an election timeout after it votes', () => {
    const core = newCore(n1);
    core.receive(150, n2, { kind: 'vote-request', term: 1, preVote: false, transfer: false });
    expect(core.nextWakeAt()).toBe(150 + min);
  });

  it('bind nobody outside a transfer: a split vote voter may grant another candidate pre-vote at once', () => {
    const core = newCore(n1);
    core.receive(min, n2, { kind: 'vote-request', term: 1, preVote: false, transfer: false });
    expect(onlyMessageTo(core.receive(min + 1, n3, { kind: 'vote-request', term: 2, preVote: true, transfer: false }), n3)).toMatchObject({
      granted: true,
    });
  });

  it('override loyalty only for the handed-over target marked transfer, not its ordinary requests', () => {
    const core = followerOfN2(150);
    core.receive(151, n2, { kind: 'timeout-now', term: 1, target: n3 });
    expect(onlyMessageTo(core.receive(152, n3, { kind: 'vote-request', term: 2, preVote: false, transfer: false }), n3)).toMatchObject({
      granted: false,
    });
    expect(onlyMessageTo(core.receive(152, n3, { kind: 'vote-request', term: 2, preVote: true, transfer: true }), n3)).toMatchObject({
      granted: false,
    });
  });
});

describe('vote responses', () => {
  it('count a refused pre-vote that names an older term: a majority of them ends the pre-vote', () => {
    const core = newCore(n1, { hardState: { term: 5, votedFor: null } });
    core.tick(min);
    core.receive(min + 1, n2, { kind: 'vote-response', term: 3, preVote: true, granted: false });
    const ready = core.receive(min + 2, n3, { kind: 'vote-response', term: 4, preVote: true, granted: false });
    expect(ready.events).toEqual([
      { type: 'election-lost', term: 5, preVote: true, reason: 'rejected' },
      { type: 'role-changed', term: 5, from: 'pre-candidate', to: 'follower' },
    ]);
    expect(core.hardState().term).toBe(5);
  });

  it('end a real election refused by a majority at once, as a lost vote, not a lost pre-vote', () => {
    const core = newCore(n1);
    core.tick(min);
    core.receive(min + 1, n2, { kind: 'vote-response', term: 1, preVote: true, granted: true });
    core.receive(min + 2, n2, { kind: 'vote-response', term: 1, preVote: false, granted: false });
    expect(core.status(min + 2).role).toBe('candidate');
    const ready = core.receive(min + 3, n3, { kind: 'vote-response', term: 1, preVote: false, granted: false });
    expect(ready.events).toEqual([
      { type: 'election-lost', term: 1, preVote: false, reason: 'rejected' },
      { type: 'role-changed', term: 1, from: 'candidate', to: 'follower' },
    ]);
  });

  it('teach a pre-candidate the higher term of a voter that refuses it', () => {
    const core = newCore(n1);
    core.tick(min);
    const ready = core.receive(min + 1, n2, { kind: 'vote-response', term: 6, preVote: true, granted: false });
    expect(ready.hardState).toEqual({ term: 6, votedFor: null });
  });

  it('do not count a granted pre-vote for an older proposed term', () => {
    const core = newCore(n1, { hardState: { term: 5, votedFor: null } });
    core.tick(min);
    core.receive(min + 1, n2, { kind: 'vote-response', term: 5, preVote: true, granted: true });
    expect(core.status(min + 1).role).toBe('pre-candidate');
    expect(core.hardState().term).toBe(5);
  });
});

describe('yielding to a rival', () => {
  it('lasts exactly one heartbeat interval from the rival pre-vote request', () => {
    // n3 and n1 campaign together; n3, the higher id, lets n1 go first.
    const core = newCore(n3);
    core.tick(min);
    core.receive(min + 1, n1, { kind: 'vote-request', term: 1, preVote: true, transfer: false });
    core.receive(min + 1 + hb, n2, { kind: 'vote-response', term: 1, preVote: true, granted: true });
    expect(core.status(min + 1 + hb).role).toBe('candidate');
  });

  it('retries after a split vote within twice the pre-vote round trip, counted from the pre-vote start', () => {
    const core = newCore(n3, { random: fixedRandom(0) });
    core.tick(min);
    core.receive(min + 1, n1, { kind: 'vote-request', term: 1, preVote: true, transfer: false });
    core.receive(min + 8, n2, { kind: 'vote-response', term: 1, preVote: true, granted: true });
    const electAt = min + 1 + hb;
    core.tick(electAt);
    expect(core.status(electAt).role).toBe('candidate');
    // Pre-vote round trip: 8 ms; the retry waits max(2 heartbeats, 2 × 8 ms) = 20 ms.
    expect(core.nextWakeAt()).toBe(electAt + Math.max(2 * hb, 16));
  });
});

describe('a transfer candidate', () => {
  it('holds no lease won at the very instant the lease it counted from its request ends', () => {
    const target = followerOfN2(150);
    target.receive(160, n2, { kind: 'timeout-now', term: 1, target: n1 });
    const ready = target.receive(160 + leaseMs, n3, { kind: 'vote-response', term: 2, preVote: false, granted: true });
    expect(target.status(160 + leaseMs)).toMatchObject({ role: 'leader', holdsLease: false });
    expect(types(ready)).not.toContain('lease-acquired');
  });

  it('waits a whole election timeout before trying again, not a split-vote retry', () => {
    const target = followerOfN2(150);
    target.receive(160, n2, { kind: 'timeout-now', term: 1, target: n1 });
    expect(target.nextWakeAt()).toBe(160 + min);
  });

  it('gets no lease when its votes come back after the lease it counted from its request has passed', () => {
    const target = followerOfN2(150);
    target.receive(160, n2, { kind: 'timeout-now', term: 1, target: n1 });
    const ready = target.receive(160 + leaseMs + 1, n3, { kind: 'vote-response', term: 2, preVote: false, granted: true });
    expect(target.status(160 + leaseMs + 1).role).toBe('leader');
    expect(types(ready)).not.toContain('lease-acquired');
  });

  it('announces its lease once, and loses it with an event when it steps down', () => {
    const target = followerOfN2(150);
    target.receive(160, n2, { kind: 'timeout-now', term: 1, target: n1 });
    target.receive(162, n3, { kind: 'vote-response', term: 2, preVote: false, granted: true });
    expect(types(target.receive(163, n3, { kind: 'heartbeat-ack', term: 2, round: 1 }))).not.toContain('lease-acquired');
    expect(target.receive(164, n3, { kind: 'heartbeat-ack', term: 3, round: 0 }).events).toContainEqual({
      type: 'lease-lost',
      term: 2,
      reason: 'stepped-down',
    });
  });
});

describe('the leader', () => {
  it('gets no lease at once from an ordinary election, whatever its clock reads', () => {
    const core = newCore(n1, { now: -1000 });
    core.tick(-1000 + min);
    core.receive(-1000 + min, n2, { kind: 'vote-response', term: 1, preVote: true, granted: true });
    core.receive(-1000 + min, n2, { kind: 'vote-response', term: 1, preVote: false, granted: true });
    expect(core.status(-1000 + min)).toMatchObject({ role: 'leader', holdsLease: false });
  });

  it('sends no heartbeat on an early tick', () => {
    const leader = electedLeader(100);
    expect(leader.tick(100 + hb / 2).messages).toEqual([]);
  });

  it('announces a lease once per holding: a renewal is no new acquisition, a valid lease is not lost', () => {
    const leader = electedLeader(100);
    leader.receive(101, n2, { kind: 'heartbeat-ack', term: 1, round: 1 });
    leader.tick(100 + hb);
    const renewed = leader.receive(100 + hb + 1, n2, { kind: 'heartbeat-ack', term: 1, round: 2 });
    expect(types(renewed)).toEqual([]);
    expect(types(leader.tick(100 + 2 * hb))).toEqual([]);
  });

  it('emits no lease-lost for a lease it never held', () => {
    const leader = electedLeader(100);
    for (let t = 100 + hb; t < 100 + min; t += hb) expect(types(leader.tick(t))).toEqual([]);
  });

  it('takes no lease from acks that arrive after the round they acknowledge has run out', () => {
    const leader = electedLeader(100);
    for (let t = 100 + hb; t <= 100 + 9 * hb; t += hb) leader.tick(t);
    const late = leader.receive(100 + leaseMs + 1, n2, { kind: 'heartbeat-ack', term: 1, round: 1 });
    expect(types(late)).toEqual([]);
    expect(leader.leaseRemainingMs(100 + leaseMs + 1)).toBe(0);
    // A lease is held up to, not at, its end: an ack arriving at that very instant brings none.
    const justLate = electedLeader(100);
    for (let t = 100 + hb; t <= 100 + 9 * hb; t += hb) justLate.tick(t);
    expect(types(justLate.receive(100 + leaseMs, n2, { kind: 'heartbeat-ack', term: 1, round: 1 }))).toEqual([]);
  });

  it('extends its lease from the newest round a majority acked, though an older ack was the first to arrive', () => {
    const leader = electedLeader(100);
    leader.tick(100 + hb);
    leader.tick(100 + 2 * hb); // rounds 1, 2 and 3 are out
    leader.receive(100 + 2 * hb + 1, n2, { kind: 'heartbeat-ack', term: 1, round: 1 });
    leader.receive(100 + 2 * hb + 2, n2, { kind: 'heartbeat-ack', term: 1, round: 3 });
    expect(leader.leaseRemainingMs(100 + 2 * hb + 2)).toBe(100 + 2 * hb + leaseMs - (100 + 2 * hb + 2));
  });

  it('does not let a late, older ack of one follower hold back the lease another ack completes', () => {
    const leader = fiveNodeLeader(100);
    for (let t = 100 + hb; t <= 100 + 3 * hb; t += hb) leader.tick(t); // rounds 1 to 4
    const at = 100 + 3 * hb + 1;
    leader.receive(at, n2, { kind: 'heartbeat-ack', term: 1, round: 4 });
    leader.receive(at, n2, { kind: 'heartbeat-ack', term: 1, round: 2 }); // reordered
    leader.receive(at, n3, { kind: 'heartbeat-ack', term: 1, round: 4 });
    expect(leader.leaseRemainingMs(at)).toBe(100 + 3 * hb + leaseMs - at);
  });

  it('counts no ack of an older term, of no round, or of a round it has not sent', () => {
    const reelected = newCore(n1, { hardState: { term: 1, votedFor: null } });
    reelected.tick(min);
    reelected.receive(min, n2, { kind: 'vote-response', term: 2, preVote: true, granted: true });
    reelected.receive(min, n2, { kind: 'vote-response', term: 2, preVote: false, granted: true });
    reelected.receive(min + 1, n3, { kind: 'heartbeat-ack', term: 1, round: 1 });
    expect(reelected.leaseRemainingMs(min + 1)).toBe(0);

    const leader = electedLeader(100);
    leader.receive(101, n2, { kind: 'heartbeat-ack', term: 1, round: 0 });
    expect(leader.transferLeadership(102, n2).outcome).toMatchObject({ ok: false, reason: 'target-not-responsive' });
    leader.receive(103, n3, { kind: 'heartbeat-ack', term: 1, round: 5 }); // a round it has not sent yet
    for (let t = 100 + hb; t <= 100 + 4 * hb; t += hb) leader.tick(t); // now round 5 is out
    expect(leader.leaseRemainingMs(100 + 4 * hb)).toBe(0);
  });

  it('wakes for its quorum deadline and its lease expiry when they fall between heartbeats', () => {
    const config = { ...configFor(n1), heartbeatIntervalMs: 10, electionTimeoutMinMs: 95 };
    const core = new ElectionCore(config, { term: 0, votedFor: null }, 0, fixedRandom(0));
    core.tick(95);
    core.receive(95, n2, { kind: 'vote-response', term: 1, preVote: true, granted: true });
    core.receive(95, n2, { kind: 'vote-response', term: 1, preVote: false, granted: true });
    core.receive(96, n2, { kind: 'heartbeat-ack', term: 1, round: 1 });
    const leaseEnd = 95 + 95 * (1 - timings.maxClockDrift); // 185.25
    for (let t = 105; t <= 185; t += 10) core.tick(t);
    expect(core.nextWakeAt()).toBe(leaseEnd);
    expect(core.tick(leaseEnd).events).toContainEqual({ type: 'lease-lost', term: 1, reason: 'expired' });
    expect(core.nextWakeAt()).toBe(95 + 95);
    expect(core.tick(95 + 95).events).toContainEqual({ type: 'stepped-down', term: 1, reason: 'check-quorum' });
  });

  it('reports a stall once: lateness within its own grace is no new stall', () => {
    const core = new ElectionCore(configFor(n1), { term: 0, votedFor: null }, 0, fixedRandom(0.9));
    const won = min + 0.9 * timings.electionJitterMs;
    core.tick(won);
    core.receive(won, n2, { kind: 'vote-response', term: 1, preVote: true, granted: true });
    core.receive(won, n2, { kind: 'vote-response', term: 1, preVote: false, granted: true });
    expect(core.status(won).role).toBe('leader');
    const late = won + 5 * hb;
    expect(types(core.tick(late))).toContain('stall-detected');
    // Grace runs to late + 2 hb + 0.9 jitter; this tick is more than a heartbeat late, but within it.
    expect(types(core.tick(late + 2 * hb + 10))).not.toContain('stall-detected');
    expect(types(core.stalled(late + 2 * hb + 11, 50))).toEqual([]);
  });
});

describe('choosing a transfer target', () => {
  it('picks the follower that acked the newest round, then the one that acked last, wherever it is listed', () => {
    const leader = electedLeader(100);
    leader.receive(101, n3, { kind: 'heartbeat-ack', term: 1, round: 1 });
    leader.tick(100 + hb);
    leader.receive(100 + hb + 1, n2, { kind: 'heartbeat-ack', term: 1, round: 2 });
    leader.receive(100 + hb + 2, n3, { kind: 'heartbeat-ack', term: 1, round: 1 });
    expect(leader.transferLeadership(100 + hb + 3, null).outcome).toEqual({ ok: true, target: n2 });

    for (const [first, last] of [
      [n2, n3],
      [n3, n2],
    ] as const) {
      const tie = electedLeader(100);
      tie.receive(101, first, { kind: 'heartbeat-ack', term: 1, round: 1 });
      tie.receive(102, last, { kind: 'heartbeat-ack', term: 1, round: 1 });
      expect(tie.transferLeadership(103, null).outcome).toEqual({ ok: true, target: last });
    }
  });

  it('refuses a follower whose last ack is a minimum election timeout old, and says when none is left', () => {
    const leader = electedLeader(100);
    leader.receive(101, n2, { kind: 'heartbeat-ack', term: 1, round: 1 });
    for (let t = 100 + hb; t < 101 + min; t += hb) leader.receive(t, n3, { kind: 'heartbeat-ack', term: 1, round: 1 });
    expect(leader.transferLeadership(101 + min, n2).outcome).toEqual({ ok: false, reason: 'target-not-responsive' });
    const alone = electedLeader(100);
    expect(alone.transferLeadership(101, null).outcome).toEqual({ ok: false, reason: 'no-responsive-follower' });
  });

  it('makes abdication name the follower it handed over to, and refuse on a follower', () => {
    const leader = electedLeader(100);
    leader.receive(101, n2, { kind: 'heartbeat-ack', term: 1, round: 1 });
    const ready = leader.abdicate(102);
    const { outcome } = ready;
    expect(outcome).toEqual({ ok: true, target: n2 });
    expect(sentTo(ready, n2)).toEqual([{ kind: 'timeout-now', term: 1, target: n2 }]);
    expect(followerOfN2(150).abdicate(151).outcome).toEqual({ ok: false, reason: 'not-leader', leaderId: n2 });
  });
});

describe('a lone node', () => {
  it('starts its own election as an ordinary one, not a transfer', () => {
    const core = new ElectionCore(configFor(n1, []), { term: 0, votedFor: null }, 0, fixedRandom(0));
    expect(core.tick(min).events).toContainEqual({ type: 'election-started', term: 1, preVote: false, transfer: false });
  });
});

describe('ids', () => {
  it('are 1 to 63 letters, digits, _ . -, starting with a letter or digit', () => {
    expect(['n1', 'a', 'A-b_c.d', 'x'.repeat(63)].every(isValidId)).toBe(true);
    expect(['', '-n1', '.n', 'n 1', 'n1!', 'x'.repeat(64), 'ü'].some(isValidId)).toBe(false);
    expect(() => asNodeId('bad id')).toThrow(/invalid node id "bad id"/);
    expect(() => asClusterId('')).toThrow(/invalid cluster id ""/);
    expect(asClusterId('c-1')).toBe('c-1');
  });
});

describe('election config', () => {
  const problems = (change: Partial<ElectionConfig>): readonly string[] => {
    const check = checkElectionConfig({ ...configFor(n1), ...change });
    return check.ok ? [] : check.problems;
  };

  it('refuses each timing that is not a positive number, naming it', () => {
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(problems({ heartbeatIntervalMs: bad })).toEqual([expect.stringMatching(/^heartbeat interval must be a positive number/)]);
      expect(problems({ electionTimeoutMinMs: bad })).toEqual([expect.stringMatching(/^minimum election timeout must be a positive number/)]);
      expect(problems({ electionJitterMs: bad })).toEqual([expect.stringMatching(/^election jitter must be a positive number/)]);
    }
  });

  it('accepts a heartbeat of exactly a third of the timeout, and says how to fix one above it', () => {
    expect(problems({ heartbeatIntervalMs: 30, electionTimeoutMinMs: 90 })).toEqual([]);
    expect(problems({ heartbeatIntervalMs: 31, electionTimeoutMinMs: 90 })).toEqual([
      expect.stringMatching(
        /^heartbeat interval \(31 ms\) must be at most a third of the minimum election timeout \(90 ms\), .*lower the heartbeat interval to 30 ms or less, or raise the minimum election timeout to 93 ms or more/,
      ),
    ]);
  });

  it('accepts jitter up to ten timeouts', () => {
    expect(problems({ electionJitterMs: 10 * min })).toEqual([]);
    expect(problems({ electionJitterMs: 10 * min + 1 })).toEqual([expect.stringMatching(/^election jitter \(1001 ms\) is more than ten/)]);
  });

  it('accepts a drift bound in [0, 0.5) only', () => {
    for (const ok of [0, 0.05, 0.4999]) expect(problems({ maxClockDrift: ok })).toEqual([]);
    for (const bad of [-0.01, 0.5, 0.7, Number.NaN])
      expect(problems({ maxClockDrift: bad })).toEqual([expect.stringMatching(/^max clock drift must be in \[0, 0.5\)/)]);
  });

  it('refuses a peer list that names a node twice or names this node', () => {
    expect(problems({ peers: [n2, n2] })).toEqual(['the peer list names a node twice: give each node once']);
    expect(problems({ peers: [n1, n2] })).toEqual([expect.stringMatching(/^the peer list includes this node \(n1\)/)]);
  });
});
