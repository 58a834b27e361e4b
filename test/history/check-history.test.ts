import { describe, expect, it } from 'vitest';
import { asNodeId } from '../../src/core/ids.ts';
import { parseNodeLogLine, type NodeLogEvent } from '../../src/harness/node-log-event.ts';
import { checkHistory, type Violation } from '../../src/history/check-history.ts';
import type { RunHistory } from '../../src/history/history.ts';

/** Each process's `performance.now()` zero at this point of the machine's clock. */
const originOf = (pid: number): number => pid * 1000;

function line(node: string, pid: number, event: string, mono: number, fields: Record<string, unknown> = {}): NodeLogEvent {
  return parseNodeLogLine(asNodeId(node), JSON.stringify({ event, time: 0, pid, mono, ...fields }), originOf(pid) + mono + 0.2)!;
}
const listening = (node: string, pid: number): NodeLogEvent => line(node, pid, 'listening', 0, { monoOriginMs: originOf(pid) });
const started = (node: string, pid: number, term: number, votedFor: string | null): NodeLogEvent => line(node, pid, 'started', 0, { term, votedFor });
const campaign = (node: string, pid: number, mono: number, term: number): NodeLogEvent =>
  line(node, pid, 'election-started', mono, { term, preVote: false, transfer: false });
const won = (node: string, pid: number, mono: number, term: number): NodeLogEvent => line(node, pid, 'election-won', mono, { term });
const voteFor = (node: string, pid: number, mono: number, term: number, candidate: string): NodeLogEvent =>
  line(node, pid, 'vote-granted', mono, { term, candidate, preVote: false });
const acquired = (node: string, pid: number, mono: number, term: number, untilMs: number): NodeLogEvent =>
  line(node, pid, 'lease-acquired', mono, { term, untilMs });
const extended = (node: string, pid: number, mono: number, term: number, untilMs: number): NodeLogEvent =>
  line(node, pid, 'lease-extended', mono, { term, untilMs });
const lost = (node: string, pid: number, mono: number, term: number, reason: string): NodeLogEvent => line(node, pid, 'lease-lost', mono, { term, reason });

/**
 * n1 (pid 1, clock zero at 1000) leads term 1 and holds the lease on its clock 100-450, on the
 * machine's 1100-1450; it steps down at 400 (1400). n2 (pid 2, zero at 2000) votes for n1 in
 * term 1, leads term 2 from its 0 (2000) and holds the lease 10-300 (2010-2300).
 */
function cleanHistory(): RunHistory {
  return {
    nodes: ['n1', 'n2', 'n3'],
    lines: [
      listening('n1', 1),
      started('n1', 1, 0, null),
      campaign('n1', 1, 50, 1),
      won('n1', 1, 60, 1),
      acquired('n1', 1, 100, 1, 300),
      extended('n1', 1, 200, 1, 450),
      lost('n1', 1, 400, 1, 'stepped-down'),
      listening('n2', 2),
      started('n2', 2, 0, null),
      voteFor('n2', 2, -900, 1, 'n1'),
      campaign('n2', 2, 0, 2),
      won('n2', 2, 5, 2),
      acquired('n2', 2, 10, 2, 200),
      extended('n2', 2, 100, 2, 300),
      listening('n3', 3),
      started('n3', 3, 0, null),
      voteFor('n3', 3, -1000, 2, 'n2'),
    ],
    tokens: [
      { asked: 'n1', sentAtMs: 1150, answeredAtMs: 1152, leaderId: 'n1', term: 1, validForMs: 200 },
      { asked: 'n2', sentAtMs: 2050, answeredAtMs: 2052, leaderId: 'n2', term: 2, validForMs: 150 },
    ],
    stores: [
      { node: 'n1', term: 2, votedFor: null },
      { node: 'n2', term: 2, votedFor: 'n2' },
      // Past every term it logged: the cases below give it leases in term 3.
      { node: 'n3', term: 3, votedFor: null },
    ],
    processEnds: [],
    connectivity: [{ fromMs: 1000, toMs: 3000, majorityConnected: true }],
    faults: [{ atMs: 1900, kind: 'heal', label: 'heal', repair: true }],
    startMs: 1000,
    endMs: 3000,
  };
}

const rules = (violations: readonly Violation[]): string[] => violations.map((violation) => violation.rule);

describe('checkHistory', () => {
  it('passes a clean history and measures its leases and availability', () => {
    const verdict = checkHistory(cleanHistory());
    expect(verdict.violations).toEqual([]);
    expect(verdict.ok).toBe(true);
    expect(verdict.leases.map(({ node, fromMs, toMs, endedBy }) => ({ node, fromMs, toMs, endedBy }))).toEqual([
      { node: 'n1', fromMs: 1100, toMs: 1400, endedBy: 'stepped-down' },
      { node: 'n2', fromMs: 2010, toMs: 2300, endedBy: 'run-ended' },
    ]);
    expect(verdict.closestHandOverMs).toBe(610);
    // Held 300 + 290 ms of the 2000 ms with a connected majority.
    expect(verdict.availability.leaseHeldShare).toBeCloseTo(590 / 2000, 6);
    expect(verdict.availability.healToLeaseMs).toEqual({ count: 1, p50: 110, p99: 110, max: 110 });
    expect(verdict.availability.healToNewLeaseMs).toEqual({ count: 1, p50: 110, p99: 110, max: 110 });
    // From the start to n1's lease, between the leases, and after n2's to the end.
    expect(verdict.availability.noHolderMs).toEqual({ count: 3, p50: 610, p99: 700, max: 700 });
    expect(verdict.availability.worstGap?.fromMs).toBe(2300);
    expect(verdict.availability.worstGap?.toMs).toBe(3000);
    expect(verdict.counts.leadersElected).toBe(2);
  });

  it('names the heal just before the longest stretch without a lease holder as its cause', () => {
    // The run ends with n2's lease, so the longest gap is the one between the two leases.
    const history = {
      ...cleanHistory(),
      endMs: 2300,
      connectivity: [{ fromMs: 1000, toMs: 2300, majorityConnected: true }],
      faults: [{ atMs: 1450, kind: 'partition', label: 'isolate n1', repair: false }],
    };
    const gap = checkHistory(history).availability.worstGap;
    expect(gap).toMatchObject({ fromMs: 1400, toMs: 2010 });
    expect(gap?.causes).toEqual(['isolate n1 (at 0.05 s)']);
  });

  it('finds two leaders in one term', () => {
    const history = cleanHistory();
    const verdict = checkHistory({ ...history, lines: [...history.lines, won('n3', 3, 10, 2)] });
    expect(verdict.ok).toBe(false);
    expect(verdict.violations).toContainEqual({ rule: 'one-leader-per-term', term: 2, leaders: ['n2', 'n3'] });
  });

  it('finds overlapping leases, by how much they overlap', () => {
    const history = cleanHistory();
    // n3 (zero at 3000) claims a lease at -800 on its clock: 2200 on the machine's, while n2 holds its own until 2300.
    const verdict = checkHistory({ ...history, lines: [...history.lines, acquired('n3', 3, -800, 3, -500)] });
    const overlap = verdict.violations.find((violation) => violation.rule === 'lease-overlap');
    expect(overlap).toMatchObject({ rule: 'lease-overlap', overlapMs: 100, first: { node: 'n2' }, second: { node: 'n3' } });
    expect(checkHistory({ ...history, lines: [...history.lines, acquired('n3', 3, -800, 3, -500)] }, { toleranceMs: 100 }).ok).toBe(true);
  });

  it("ends a killed holder's lease at its death, and a lapsed lease where it ran out", () => {
    const history = cleanHistory();
    // n2 is killed at 2100 while its lease runs to 2300; n3 takes over at 2150.
    const killed: RunHistory = { ...history, processEnds: [{ node: 'n2', pid: 2, atMs: 2100 }], lines: [...history.lines, acquired('n3', 3, -850, 3, -700)] };
    expect(rules(checkHistory(killed).violations)).toEqual([]);
    // Without the kill the same claims overlap.
    expect(rules(checkHistory({ ...killed, processEnds: [] }).violations)).toEqual(['lease-overlap']);
    // n1's lease lapses at 300 (1300); its step at 350 renews it to 450: n3 claiming 1310-1340 lies in the gap.
    const lapsed = history.lines.filter((entry) => !(entry.node === 'n1' && entry.event === 'lease-extended'));
    const gap: RunHistory = {
      ...history,
      lines: [...lapsed.slice(0, 5), extended('n1', 1, 350, 1, 450), ...lapsed.slice(5), acquired('n3', 3, -1690, 1, -1660)],
    };
    expect(
      checkHistory(gap)
        .leases.filter((lease) => lease.node === 'n1')
        .map(({ fromMs, toMs }) => [fromMs, toMs]),
    ).toEqual([
      [1100, 1300],
      [1350, 1400],
    ]);
    expect(rules(checkHistory(gap).violations)).toEqual([]);
  });

  it("puts a node whose clock ran at another rate on the machine's clock through its receipt stamps", () => {
    // n3, restarted as pid 5, runs twice as fast: its line stamped -1800 arrived at machine time 2100.2, so its zero is ~3000.
    const fast = (event: string, mono: number, fields: Record<string, unknown>): NodeLogEvent => ({
      ...line('n3', 5, event, mono, fields),
      receivedAtMs: 3000 + mono / 2 + 0.2,
    });
    const history = cleanHistory();
    const verdict = checkHistory({
      ...history,
      clockRates: new Map([['n3', 2]]),
      lines: [...history.lines, fast('lease-acquired', -1800, { term: 3, untilMs: -1400 })],
    });
    // On its own clock -1800..-1400, i.e. 2100..2300 on the machine's: inside n2's lease.
    expect(verdict.violations).toContainEqual(expect.objectContaining({ rule: 'lease-overlap', overlapMs: expect.closeTo(200, 0) }));
  });

  it('finds a token older than one handed out before it was asked for', () => {
    const history = cleanHistory();
    const stale = { asked: 'n1', sentAtMs: 2060, answeredAtMs: 2061, leaderId: 'n1', term: 1, validForMs: 10 };
    expect(checkHistory({ ...history, tokens: [...history.tokens, stale] }).violations).toEqual([
      { rule: 'fencing-token-order', earlier: history.tokens[1], later: stale },
    ]);
    const sameTermOtherHolder = { asked: 'n3', sentAtMs: 2060, answeredAtMs: 2061, leaderId: 'n3', term: 2, validForMs: 10 };
    expect(rules(checkHistory({ ...history, tokens: [...history.tokens, sameTermOtherHolder] }).violations)).toEqual(['fencing-token-order']);
    // Asked before the newer token came back: either order is possible, so no violation.
    const overlapping = { ...stale, sentAtMs: 2051 };
    expect(checkHistory({ ...history, tokens: [...history.tokens, overlapping] }).ok).toBe(true);
  });

  it('finds a second vote in a term, also across a restart', () => {
    const history = cleanHistory();
    expect(checkHistory({ ...history, lines: [...history.lines, voteFor('n3', 3, 10, 2, 'n1')] }).violations).toEqual([
      { rule: 'second-vote', node: 'n3', term: 2, candidates: ['n2', 'n1'] },
    ]);
    const restarted = [...history.lines, listening('n3', 4), started('n3', 4, 2, 'n2'), voteFor('n3', 4, 10, 2, 'n1')];
    expect(rules(checkHistory({ ...history, lines: restarted }).violations)).toEqual(['second-vote']);
  });

  it('finds a term that went back, or a vote forgotten, at a restart or in the store after the run', () => {
    const history = cleanHistory();
    expect(checkHistory({ ...history, lines: [...history.lines, listening('n3', 4), started('n3', 4, 1, null)] }).violations).toEqual([
      { rule: 'term-went-back', node: 'n3', from: 2, to: 1, where: 'restart as pid 4' },
    ]);
    expect(checkHistory({ ...history, lines: [...history.lines, listening('n3', 4), started('n3', 4, 2, null)] }).violations).toEqual([
      { rule: 'vote-taken-back', node: 'n3', term: 2, voted: 'n2', found: null, where: 'restart as pid 4' },
    ]);
    const forgetful = history.stores.map((store) => (store.node === 'n2' ? { ...store, votedFor: 'n3' } : store));
    expect(checkHistory({ ...history, stores: forgetful }).violations).toEqual([
      { rule: 'vote-taken-back', node: 'n2', term: 2, voted: 'n2', found: 'n3', where: 'store after the run' },
    ]);
    const behind = history.stores.map((store) => (store.node === 'n2' ? { ...store, term: 1, votedFor: 'n1' } : store));
    expect(rules(checkHistory({ ...history, stores: behind }).violations)).toEqual(['term-went-back']);
  });
});
