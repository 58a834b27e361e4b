import { describe, expect, it } from 'vitest';
import { asNodeId } from '../../src/core/ids.ts';
import { LeaderChangeTracker } from '../../src/harness/leader-change-tracker.ts';
import { parseNodeLogLine, type NodeLogEvent } from '../../src/harness/node-log-event.ts';

/** A line as the node writes it, read as the launcher reads it. */
const read = (fields: Record<string, unknown>): NodeLogEvent => parseNodeLogLine(asNodeId(String(fields.node)), JSON.stringify(fields))!;

/** Local time, so the expected `HH:MM:SS.mmm` does not depend on the machine's time zone. */
const at = (seconds: number, ms = 0): number => new Date(2024, 4, 1, 19, 42, seconds, ms).getTime();

const roleChanged = (node: string, term: number, from: string, to: string, time = at(1, 123)): NodeLogEvent =>
  read({ level: 30, time, event: 'role-changed', node, term, from, to, msg: 'role changed' });

const leaderChanged = (node: string, term: number, leaderId: string | null, time = at(1, 123)): NodeLogEvent =>
  read({ level: 30, time, event: 'leader-changed', node, term, leaderId });

describe('LeaderChangeTracker', () => {
  it('announces a node that becomes leader, stamped with the time of its log line', () => {
    const tracker = new LeaderChangeTracker();
    expect(tracker.observe(roleChanged('n2', 4, 'candidate', 'leader'))).toEqual(['19:42:01.123  leader is now n2 (term 4)']);
  });

  it('announces each leader once, whichever node reports it first', () => {
    const tracker = new LeaderChangeTracker();
    expect(tracker.observe(leaderChanged('n1', 4, 'n2'))).toEqual(['19:42:01.123  leader is now n2 (term 4)']);
    expect(tracker.observe(roleChanged('n2', 4, 'candidate', 'leader'))).toEqual([]);
    expect(tracker.observe(leaderChanged('n3', 4, 'n2'))).toEqual([]);
  });

  it('announces a new leader in a later term, and a re-election of the same node', () => {
    const tracker = new LeaderChangeTracker();
    tracker.observe(roleChanged('n2', 4, 'candidate', 'leader'));
    expect(tracker.observe(roleChanged('n3', 5, 'candidate', 'leader', at(3)))).toEqual(['19:42:03.000  leader is now n3 (term 5)']);
    expect(tracker.observe(roleChanged('n3', 7, 'candidate', 'leader', at(4)))).toEqual(['19:42:04.000  leader is now n3 (term 7)']);
  });

  it('ignores a late line about an older term', () => {
    const tracker = new LeaderChangeTracker();
    tracker.observe(roleChanged('n3', 5, 'candidate', 'leader'));
    expect(tracker.observe(roleChanged('n2', 4, 'candidate', 'leader'))).toEqual([]);
    expect(tracker.observe(leaderChanged('n1', 4, 'n2'))).toEqual([]);
  });

  it('says when the leader steps down, and does not re-announce it from late follower lines', () => {
    const tracker = new LeaderChangeTracker();
    tracker.observe(roleChanged('n2', 4, 'candidate', 'leader'));
    expect(tracker.observe(roleChanged('n2', 5, 'leader', 'follower', at(2)))).toEqual(['19:42:02.000  n2 is no longer leader (now follower, term 5)']);
    expect(tracker.observe(leaderChanged('n1', 4, 'n2'))).toEqual([]);
    expect(tracker.observe(roleChanged('n1', 5, 'candidate', 'leader', at(3)))).toEqual(['19:42:03.000  leader is now n1 (term 5)']);
  });

  it('warns when two nodes claim the same term', () => {
    const tracker = new LeaderChangeTracker();
    tracker.observe(roleChanged('n2', 4, 'candidate', 'leader'));
    expect(tracker.observe(roleChanged('n3', 4, 'candidate', 'leader'))).toEqual([
      '19:42:01.123  WARNING: both n2 and n3 claim to lead term 4; at most one leader per term is allowed',
    ]);
  });

  it('ignores other events, a follower losing its leader, and lines that do not carry the fields of their event', () => {
    const tracker = new LeaderChangeTracker();
    expect(tracker.observe(roleChanged('n1', 3, 'follower', 'candidate'))).toEqual([]);
    expect(tracker.observe(leaderChanged('n1', 3, null))).toEqual([]);
    expect(tracker.observe(read({ time: at(1), event: 'lease-acquired', node: 'n1', term: 3, untilMs: 100 }))).toEqual([]);
    expect(tracker.observe(read({ time: at(1), event: 'role-changed', node: 'n1', term: 'three', from: 'candidate', to: 'leader' }))).toEqual([]);
  });

  it('reports a node that exits, and notes when it was the leader', () => {
    const tracker = new LeaderChangeTracker();
    tracker.observe(roleChanged('n2', 4, 'candidate', 'leader'));
    expect(tracker.nodeExited(asNodeId('n1'), { code: 1, signal: null, pid: 1, wallMs: 0, hostMs: 0 }, at(5))).toEqual(['19:42:05.000  n1 exited (code 1)']);
    expect(tracker.nodeExited(asNodeId('n2'), { code: null, signal: 'SIGKILL', pid: 2, wallMs: 0, hostMs: 0 }, at(6))).toEqual([
      '19:42:06.000  n2 exited (signal SIGKILL); it was the leader (term 4)',
    ]);
    expect(tracker.observe(roleChanged('n3', 5, 'candidate', 'leader', at(7)))).toEqual(['19:42:07.000  leader is now n3 (term 5)']);
  });
});
