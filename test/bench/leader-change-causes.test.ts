import { describe, expect, it } from 'vitest';
import { leaderChangeCauses } from '../../bench/leader-change-causes.ts';
import { parseNodeLogLine, type NodeLogEvent } from '../../src/harness/node-log-event.ts';
import { asNodeId, type NodeId } from '../../src/core/ids.ts';

const [n1, n2, n3] = [asNodeId('n1'), asNodeId('n2'), asNodeId('n3')];
const nodes = [n1, n2, n3];
const timings = { heartbeatMs: 50, electionTimeoutMs: 500, electionJitterMs: 50 };

const entry = (node: NodeId, wallMs: number, event: string, fields: Record<string, unknown> = {}): NodeLogEvent =>
  parseNodeLogLine(node, JSON.stringify({ event, time: wallMs, term: 0, ...fields }))!;
const won = (node: NodeId, wallMs: number, term: number): NodeLogEvent => entry(node, wallMs, 'election-won', { term });
const stall = (node: NodeId, wallMs: number, lateByMs: number): NodeLogEvent => entry(node, wallMs, 'stall-detected', { lateByMs });

describe('leader change causes', () => {
  it('blames a leader change on the old leader when it was frozen past the election timeout meanwhile', () => {
    const events = [won(n1, 0, 1), won(n2, 10_600, 2), stall(n1, 11_000, 1_200)];
    expect(leaderChangeCauses(events, nodes, 1_000, 20_000, timings)).toEqual([{ wallMs: 10_600, term: 2, from: n1, to: n2, cause: 'leader-frozen' }]);
  });

  it('calls a change spurious when the old leader froze for less than the timeout, or at another time', () => {
    const events = [won(n1, 0, 1), stall(n1, 5_000, 2_000), won(n2, 10_600, 2), stall(n1, 10_700, 300)];
    expect(leaderChangeCauses(events, nodes, 1_000, 20_000, timings).map((change) => change.cause)).toEqual(['unexplained']);
  });

  it('blames a check-quorum step-down on followers only when enough of them froze that no majority was left', () => {
    const stepDown = entry(n1, 10_500, 'stepped-down', { reason: 'check-quorum' });
    const both = [won(n1, 0, 1), stall(n2, 10_550, 900), stall(n3, 10_560, 900), stepDown, won(n2, 11_000, 2)];
    const one = [won(n1, 0, 1), stall(n2, 10_550, 900), stepDown, won(n2, 11_000, 2)];
    expect(leaderChangeCauses(both, nodes, 1_000, 20_000, timings).map((change) => change.cause)).toEqual(['majority-frozen']);
    expect(leaderChangeCauses(one, nodes, 1_000, 20_000, timings).map((change) => change.cause)).toEqual(['unexplained']);
  });

  it('counts only elections inside the window, naming the leader before each', () => {
    const events = [won(n1, 0, 1), won(n2, 2_000, 2), won(n3, 30_000, 3)];
    expect(leaderChangeCauses(events, nodes, 1_000, 20_000, timings)).toEqual([{ wallMs: 2_000, term: 2, from: n1, to: n2, cause: 'unexplained' }]);
  });
});
