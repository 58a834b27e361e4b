import { describe, expect, it } from 'vitest';
import type { CoreEvent, SafetyAlarm } from '../../src/core/core-event.ts';
import type { Ready } from '../../src/core/ready.ts';
import { asNodeId } from '../../src/core/ids.ts';
import { maxTerm, maxTermLead, type PeerMessage } from '../../src/core/messages.ts';
import { SeededRandom } from '../../src/util/seeded-random.ts';
import { electedLeader, followerOfN2, n1, n2, n3, newCore, onlyMessageTo, sentTo, timings } from './core-fixture.ts';

const { electionTimeoutMinMs: min, heartbeatIntervalMs: hb } = timings;

function alarms(ready: Ready<unknown>): SafetyAlarm[] {
  return ready.events.flatMap((event: CoreEvent) => (event.type === 'safety-alarm' ? [event.alarm] : []));
}

function changesNothing(ready: Ready<unknown>): void {
  expect(ready.hardState).toBeNull();
  expect(ready.messages).toEqual([]);
  expect(ready.events.filter((event) => event.type !== 'safety-alarm')).toEqual([]);
}

describe('a TimeoutNow', () => {
  it('from a follower, not the leader of the term, is refused and raises an alarm', () => {
    const follower = followerOfN2(150);
    const ready = follower.receive(151, n3, { kind: 'timeout-now', term: 1, target: n1 });
    changesNothing(ready);
    expect(alarms(ready)).toEqual([{ kind: 'timeout-now-refused', from: n3, leaderId: n2 }]);
    expect(follower.status(151)).toMatchObject({ role: 'follower', term: 1, leaderId: n2 });
  });

  it('from a node while no leader of the term is known is refused', () => {
    const voter = newCore(n1, { hardState: { term: 3, votedFor: n2 } });
    const ready = voter.receive(2 * min, n2, { kind: 'timeout-now', term: 3, target: n1 });
    changesNothing(ready);
    expect(alarms(ready)).toEqual([{ kind: 'timeout-now-refused', from: n2, leaderId: null }]);
  });

  it('for a term other than ours is ignored, even from the leader: it cannot be ours to obey', () => {
    for (const term of [0, 2, 7, maxTerm]) {
      const follower = followerOfN2(150);
      changesNothing(follower.receive(151, n2, { kind: 'timeout-now', term, target: n1 }));
      expect(follower.status(151)).toMatchObject({ role: 'follower', term: 1 });
    }
  });

  it('sent to the leader itself is refused', () => {
    const leader = electedLeader(100);
    const ready = leader.receive(101, n2, { kind: 'timeout-now', term: 1, target: n1 });
    expect(alarms(ready)).toEqual([{ kind: 'timeout-now-refused', from: n2, leaderId: n1 }]);
    expect(leader.status(101).role).toBe('leader');
  });

  it('still refuses after the follower has started campaigning in the same term', () => {
    const follower = followerOfN2(150);
    follower.tick(150 + min);
    expect(follower.status(150 + min).role).toBe('pre-candidate');
    const ready = follower.receive(151 + min, n3, { kind: 'timeout-now', term: 1, target: n1 });
    expect(ready.hardState).toBeNull();
    expect(alarms(ready)).toEqual([{ kind: 'timeout-now-refused', from: n3, leaderId: n2 }]);
  });
});

describe('a transfer vote', () => {
  it('does not override loyalty unless the leader named that candidate', () => {
    const follower = followerOfN2(150);
    const ready = follower.receive(151, n3, { kind: 'vote-request', term: 2, preVote: false, transfer: true });
    expect(onlyMessageTo(ready, n3)).toMatchObject({ kind: 'vote-response', granted: false, term: 1 });
    expect(ready.hardState).toBeNull();
  });

  it('does not override loyalty for another candidate than the named one, nor in another term', () => {
    const follower = followerOfN2(150);
    follower.receive(151, n2, { kind: 'timeout-now', term: 1, target: n3 });
    const wrongCandidate = newCore(n3);
    wrongCandidate.receive(150, n2, { kind: 'heartbeat', term: 1, round: 1 });
    wrongCandidate.receive(151, n2, { kind: 'timeout-now', term: 1, target: n1 });
    expect(onlyMessageTo(wrongCandidate.receive(152, n2, { kind: 'vote-request', term: 2, preVote: false, transfer: true }), n2)).toMatchObject({
      granted: false,
    });
    const wrongTerm = follower.receive(152, n3, { kind: 'vote-request', term: 3, preVote: false, transfer: true });
    expect(onlyMessageTo(wrongTerm, n3)).toMatchObject({ granted: false, term: 1 });
  });

  it('named by a node that does not lead the term does not override loyalty', () => {
    const follower = followerOfN2(150);
    follower.receive(151, n3, { kind: 'timeout-now', term: 1, target: n3 });
    const ready = follower.receive(152, n3, { kind: 'vote-request', term: 2, preVote: false, transfer: true });
    expect(onlyMessageTo(ready, n3)).toMatchObject({ granted: false });
  });
});

describe('a second leader in one term', () => {
  it('is refused by a follower of the first, with an alarm, and is not acknowledged', () => {
    const follower = followerOfN2(150);
    const ready = follower.receive(151, n3, { kind: 'heartbeat', term: 1, round: 1 });
    changesNothing(ready);
    expect(alarms(ready)).toEqual([{ kind: 'second-leader', from: n3, leaderId: n2 }]);
    expect(follower.status(151).leaderId).toBe(n2);
    // The real leader's next heartbeat is still followed.
    expect(onlyMessageTo(follower.receive(152, n2, { kind: 'heartbeat', term: 1, round: 2 }), n2)).toEqual({ kind: 'heartbeat-ack', term: 1, round: 2 });
  });

  it('is refused by the leader of the term itself', () => {
    const leader = electedLeader(100);
    const ready = leader.receive(101, n2, { kind: 'heartbeat', term: 1, round: 1 });
    expect(alarms(ready)).toEqual([{ kind: 'second-leader', from: n2, leaderId: n1 }]);
    expect(sentTo(ready, n2)).toEqual([]);
    expect(leader.status(101).role).toBe('leader');
  });

  it('is refused by a follower that lost sight of the first and began a pre-vote in the same term', () => {
    const follower = followerOfN2(150);
    const campaigning = 150 + min;
    follower.tick(campaigning);
    const ready = follower.receive(campaigning + 1, n3, { kind: 'heartbeat', term: 1, round: 5 });
    expect(alarms(ready)).toEqual([{ kind: 'second-leader', from: n3, leaderId: n2 }]);
    expect(follower.status(campaigning + 1).role).toBe('pre-candidate');
  });

  it('is not confused with the legitimate winner of a term this node only voted in', () => {
    const voter = newCore(n1, { hardState: { term: 3, votedFor: n2 } });
    const ready = voter.receive(2 * min, n3, { kind: 'heartbeat', term: 3, round: 1 });
    expect(alarms(ready)).toEqual([]);
    expect(voter.status(2 * min).leaderId).toBe(n3);
  });
});

describe('terms far from ours', () => {
  it('are refused from one peer, with one alarm, without changing or persisting anything', () => {
    for (const term of [1 + maxTermLead + 1, maxTerm, maxTerm + 1, Number.MAX_SAFE_INTEGER]) {
      const follower = followerOfN2(150);
      for (const message of [
        { kind: 'heartbeat', term, round: 1 },
        { kind: 'heartbeat-ack', term, round: 1 },
        { kind: 'vote-request', term, preVote: false, transfer: false },
        { kind: 'vote-request', term, preVote: true, transfer: false },
        { kind: 'vote-response', term, preVote: false, granted: false },
        { kind: 'timeout-now', term, target: n1 },
      ] satisfies PeerMessage[]) {
        const ready = follower.receive(151, n3, message);
        expect(ready.hardState).toBeNull();
        expect(ready.messages).toEqual([]);
      }
      expect(follower.status(151)).toMatchObject({ term: 1, leaderId: n2, role: 'follower' });
      // The real leader keeps its follower.
      expect(onlyMessageTo(follower.receive(152, n2, { kind: 'heartbeat', term: 1, round: 2 }), n2)).toMatchObject({ round: 2 });
    }
  });

  it('are adopted once more peers vouch for them than the cluster can lose, at the term they all reach', () => {
    const lagging = newCore(n1, { hardState: { term: 4, votedFor: null } });
    const far = 4 + maxTermLead + 10;
    const first = lagging.receive(2 * min, n2, { kind: 'heartbeat', term: far + 5, round: 1 });
    expect(alarms(first)).toEqual([{ kind: 'term-jump-refused', from: n2, claimedTerm: far + 5 }]);
    expect(lagging.hardState().term).toBe(4);
    const second = lagging.receive(2 * min + 1, n3, { kind: 'vote-response', term: far, preVote: true, granted: false });
    expect(second.hardState).toEqual({ term: far, votedFor: null });
    // n2's heartbeat, within reach now, is followed.
    lagging.receive(2 * min + 2, n2, { kind: 'heartbeat', term: far + 5, round: 2 });
    expect(lagging.status(2 * min + 2)).toMatchObject({ term: far + 5, leaderId: n2 });
  });

  it('above the highest term are never adopted, however many peers claim them', () => {
    const core = newCore(n1, { hardState: { term: maxTerm - 1, votedFor: null } });
    core.receive(2 * min, n2, { kind: 'heartbeat', term: maxTerm + 2, round: 1 });
    const ready = core.receive(2 * min, n3, { kind: 'heartbeat', term: maxTerm + 2, round: 1 });
    expect(ready.hardState).toBeNull();
    expect(core.hardState().term).toBe(maxTerm - 1);
  });

  it('stop at the highest term: a node there refuses to campaign rather than overflow', () => {
    const core = newCore(n1, { hardState: { term: maxTerm, votedFor: null } });
    const ready = core.tick(min);
    expect(ready.hardState).toBeNull();
    expect(ready.messages).toEqual([]);
    expect(alarms(ready)).toEqual([{ kind: 'term-exhausted' }]);
    expect(core.nextWakeAt()).toBeGreaterThan(min);
  });

  it('never make a core emit a term above the highest, or one it cannot store, whatever peers send', () => {
    const random = new SeededRandom(13);
    const ids = [n2, n3, asNodeId('n9')];
    const terms = (own: number): number =>
      random.pick([0, own, own + 1, own + 2, own + maxTermLead, own + maxTermLead + 1, maxTerm - 1, maxTerm, maxTerm + 1, Number.MAX_SAFE_INTEGER]);
    for (let run = 0; run < 200; run++) {
      const core = newCore(n1, { hardState: { term: random.pick([0, 5, maxTerm - 2, maxTerm]), votedFor: null } });
      let now = 0;
      for (let step = 0; step < 60; step++) {
        now += random.between(0, 2 * hb);
        const term = terms(core.hardState().term);
        const from = random.pick(ids);
        const message = random.pick<PeerMessage>([
          { kind: 'heartbeat', term, round: random.int(5) },
          { kind: 'heartbeat-ack', term, round: random.int(5) },
          { kind: 'vote-request', term, preVote: random.chance(0.5), transfer: random.chance(0.5) },
          { kind: 'vote-response', term, preVote: random.chance(0.5), granted: random.chance(0.5) },
          { kind: 'timeout-now', term, target: random.pick([n1, n2, n3]) },
        ]);
        for (const ready of [core.receive(now, from, message), core.tick(now)]) {
          if (ready.hardState) {
            expect(Number.isSafeInteger(ready.hardState.term)).toBe(true);
            expect(ready.hardState.term).toBeLessThanOrEqual(maxTerm);
          }
          for (const out of ready.messages) expect(out.message.term).toBeLessThanOrEqual(maxTerm);
        }
      }
    }
  });
});
