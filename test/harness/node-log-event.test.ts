import { describe, expect, it } from 'vitest';
import { asNodeId } from '../../src/core/ids.ts';
import { parseNodeLog, parseNodeLogLine } from '../../src/harness/node-log-event.ts';

const n1 = asNodeId('n1');

describe('parseNodeLogLine', () => {
  it("yields the core's own event from the line the driver writes for it", () => {
    const text = JSON.stringify({ level: 30, time: 1000, pid: 42, node: 'n1', event: 'role-changed', term: 4, from: 'candidate', to: 'leader', mono: 12.5 });
    expect(parseNodeLogLine(n1, text, 7)).toMatchObject({
      node: n1,
      wallMs: 1000,
      receivedAtMs: 7,
      pid: 42,
      mono: 12.5,
      event: 'role-changed',
      line: { type: 'role-changed', term: 4, from: 'candidate', to: 'leader' },
    });
  });

  it('puts a flattened safety alarm back together', () => {
    const text = JSON.stringify({ time: 1, event: 'safety-alarm', term: 3, kind: 'second-leader', from: 'n2', leaderId: 'n3', suppressed: 0 });
    expect(parseNodeLogLine(n1, text)?.line).toEqual({ type: 'safety-alarm', term: 3, alarm: { kind: 'second-leader', from: 'n2', leaderId: 'n3' } });
  });

  it('reads the receipt stamp the harness adds to a log file', () => {
    const text = JSON.stringify({ time: 1, event: 'started', term: 2, votedFor: null, receivedAtMs: 55.5 });
    expect(parseNodeLogLine(n1, text)).toMatchObject({ receivedAtMs: 55.5, line: { type: 'started', term: 2, votedFor: null } });
  });

  it('keeps a known event whose fields are missing or mistyped as other, by name', () => {
    const text = JSON.stringify({ time: 1, event: 'election-won', term: '4' });
    expect(parseNodeLogLine(n1, text)).toMatchObject({ event: 'election-won', line: { type: 'other' } });
  });

  it('skips what is not an event line', () => {
    const lines = ['(node:1) Warning: something', '{"time":1,"msg":"no event"}', '{"event":"x"', '{"time":2,"event":"peer-state-changed","peer":"n2"}'];
    expect(parseNodeLog(n1, lines.join('\n')).map((entry) => entry.event)).toEqual(['peer-state-changed']);
  });
});
