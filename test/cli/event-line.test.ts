import { describe, expect, it } from 'vitest';
import { describeEventDetail, formatEventLine } from '../../src/cli/event-line.ts';

describe('watch event lines', () => {
  it('formats time, node, term, type and detail, without repeating the fields the detail shares with the event', () => {
    const wallTimeMs = new Date(2024, 0, 2, 3, 4, 5, 60).getTime();
    const event = { node: 'n2', wallTimeMs, type: 'role-changed', term: 5, detail: { type: 'role-changed', term: 5, from: 'follower', to: 'leader' } };
    expect(formatEventLine(event, 'unused')).toBe('03:04:05.060  n2  term 5  role-changed follower -> leader');
  });

  it('names the node by its endpoint-derived name when the event does not say', () => {
    const event = { node: '', wallTimeMs: 0, type: 'election-won', term: 2, detail: {} };
    expect(formatEventLine(event, '127.0.0.1:7501')).toMatch(/^\d\d:\d\d:\d\d\.\d{3} {2}127\.0\.0\.1:7501 {2}term 2 {2}election-won$/);
  });

  it.each([
    [{ from: 4, to: 5 }, '4 -> 5'],
    [{ leaderId: 'n3' }, 'leader n3'],
    [{ leaderId: null }, 'no leader'],
    [{ preVote: true, transfer: false }, 'pre-vote'],
    [{ reason: 'check-quorum' }, 'reason check-quorum'],
    [{ candidate: 'n1', preVote: false }, 'candidate n1'],
    [{}, ''],
  ])('describes %j as %j', (detail, text) => {
    expect(describeEventDetail(detail)).toBe(text);
  });
});
