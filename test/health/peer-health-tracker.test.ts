import { describe, expect, it } from 'vitest';
import { asNodeId } from '../../src/core/ids.ts';
import { PeerHealthTracker } from '../../src/health/peer-health-tracker.ts';

const n2 = asNodeId('n2');
const n3 = asNodeId('n3');
const settings = {
  windowSize: 100,
  minStdDeviationMs: 10,
  acceptablePauseMs: 0,
  firstIntervalEstimateMs: 50,
  maxIntervalMs: 1000,
  suspectPhi: 8,
  deadAfterMs: 1000,
};

function trackerWithHistory(incarnation = 1): { tracker: PeerHealthTracker; last: number } {
  const tracker = new PeerHealthTracker(settings, [n2, n3]);
  tracker.expect(new Set([n2]), 0);
  let t = 0;
  for (let i = 0; i < 100; i++, t += 50) tracker.arrival(n2, t, incarnation);
  return { tracker, last: t - 50 };
}

describe('peer health', () => {
  it('goes from alive to suspect to dead as a peer stays silent, recording when', () => {
    const { tracker, last } = trackerWithHistory();
    const changes = [];
    for (let t = last; t <= last + 1200; t += 10) changes.push(...tracker.evaluate(t));
    expect(changes.map((c) => `${c.from}->${c.to}`)).toEqual(['alive->suspect', 'suspect->dead']);
    expect(changes[0]!.atMs - last).toBeGreaterThan(50);
    expect(changes[0]!.atMs - last).toBeLessThan(200);
    expect(changes[1]!.atMs).toBe(last + 1000);
    expect(tracker.view(last + 1200)[0]).toMatchObject({ state: 'dead', lastSeenAgoMs: 1200 });
  });

  it('makes a suspect that speaks again alive at once, with the same incarnation', () => {
    const { tracker, last } = trackerWithHistory();
    tracker.evaluate(last + 500);
    const changes = tracker.arrival(n2, last + 510, 1);
    expect(changes).toEqual([{ peer: n2, from: 'suspect', to: 'alive', atMs: last + 510, phi: 0, restarted: false }]);
  });

  it('tells a restart (higher incarnation) from a slow node, and forgets the old arrival history', () => {
    const { tracker, last } = trackerWithHistory(1);
    tracker.evaluate(last + 2000);
    const changes = tracker.arrival(n2, last + 2000, 2);
    expect(changes).toMatchObject([{ from: 'dead', to: 'alive', restarted: true }]);
    expect(tracker.view(last + 2000)[0]).toMatchObject({ state: 'alive', incarnation: 2 });
  });

  it('reports nothing for a peer that keeps its rhythm', () => {
    const { tracker, last } = trackerWithHistory();
    expect(tracker.evaluate(last + 40)).toEqual([]);
    expect(tracker.view(last + 40)[0]).toMatchObject({ state: 'alive' });
  });

  it('calls a peer it has no reason to hear from unknown, never suspect or dead, however long it is silent', () => {
    const { tracker, last } = trackerWithHistory();
    const changes = [];
    for (let t = last; t <= last + 5000; t += 10) changes.push(...tracker.evaluate(t));
    expect(tracker.view(last + 5000).find((peer) => peer.id === n3)).toMatchObject({ state: 'unknown', phi: 0, lastSeenAgoMs: null });
    expect(changes.filter((change) => change.peer === n3)).toEqual([]);
  });

  it('stops judging a peer once it is no longer expected, and counts silence afresh from when it is again', () => {
    const { tracker, last } = trackerWithHistory();
    // This node stops following n2 (say n2 handed leadership to n3).
    expect(tracker.expect(new Set([n3]), last + 10)).toMatchObject([{ peer: n2, from: 'alive', to: 'unknown' }]);
    const quiet = [];
    for (let t = last + 10; t <= last + 3000; t += 10) quiet.push(...tracker.evaluate(t));
    expect(quiet.filter((change) => change.peer === n2)).toEqual([]);
    // Expected again (this node now leads): not dead for the long gap it had no reason to hear about.
    tracker.expect(new Set([n2, n3]), last + 3000);
    expect(tracker.evaluate(last + 3020)).toEqual([]);
    expect(tracker.arrival(n2, last + 3030, 1)).toMatchObject([{ peer: n2, from: 'unknown', to: 'alive' }]);
  });

  it('does call an expected peer that never answers suspect, then dead, counted from the expectation', () => {
    const tracker = new PeerHealthTracker(settings, [n2]);
    tracker.expect(new Set([n2]), 500);
    const changes = [];
    for (let t = 500; t <= 500 + 1200; t += 10) changes.push(...tracker.evaluate(t));
    expect(changes.map((c) => `${c.from}->${c.to}`)).toEqual(['unknown->suspect', 'suspect->dead']);
    expect(changes[1]!.atMs).toBe(1500);
  });

  it('does not revive an unexpected peer from a stray message, but remembers when it was heard', () => {
    const tracker = new PeerHealthTracker(settings, [n2, n3]);
    expect(tracker.arrival(n3, 100, 4)).toEqual([]);
    expect(tracker.view(150).find((peer) => peer.id === n3)).toMatchObject({ state: 'unknown', lastSeenAgoMs: 50, incarnation: 4 });
  });
});
