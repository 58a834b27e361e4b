import { describe, expect, it } from 'vitest';
import { encodeNodeEvent } from '../../src/admin/admin-wire.ts';
import { decodeNodeEvent } from '../../src/client/admin-responses.ts';
import type { CoreEvent } from '../../src/core/core-event.ts';
import { asNodeId } from '../../src/core/ids.ts';
import type { NodeEvent__Output } from '../../src/generated/heartbeat/admin/v1/NodeEvent.ts';
import { loadProtoDefinition } from '../../src/transport/proto-loader.ts';

const [n1, n2] = [asNodeId('n1'), asNodeId('n2')];

/** One of every core event, with the fields a watcher must get back. */
const events: readonly CoreEvent[] = [
  { type: 'role-changed', term: 3, from: 'candidate', to: 'leader' },
  { type: 'term-changed', from: 2, to: 3 },
  { type: 'leader-changed', term: 3, leaderId: n1 },
  { type: 'leader-changed', term: 4, leaderId: null },
  { type: 'election-started', term: 3, preVote: true, transfer: false },
  { type: 'election-won', term: 3 },
  { type: 'election-lost', term: 3, preVote: false, reason: 'timed-out' },
  { type: 'stepped-down', term: 3, reason: 'check-quorum' },
  { type: 'vote-granted', term: 3, candidate: n2, preVote: true },
  { type: 'lease-acquired', term: 3, untilMs: 1234.5 },
  { type: 'lease-lost', term: 3, reason: 'expired' },
  { type: 'safety-alarm', term: 3, alarm: { kind: 'second-leader', from: n2, leaderId: n1 } },
  { type: 'safety-alarm', term: 3, alarm: { kind: 'timeout-now-refused', from: n2, leaderId: null } },
  { type: 'safety-alarm', term: 3, alarm: { kind: 'term-jump-refused', from: n2, claimedTerm: 2 ** 40 } },
  { type: 'safety-alarm', term: 3, alarm: { kind: 'term-exhausted' } },
  { type: 'stall-detected', term: 3, lateByMs: 812.25 },
];

// The Watch method's own (de)serializers: what a watcher receives.
const watch = (
  loadProtoDefinition('admin.proto')['heartbeat.admin.v1.Admin'] as Record<
    string,
    { responseSerialize: (value: unknown) => Buffer; responseDeserialize: (bytes: Buffer) => NodeEvent__Output }
  >
)['Watch']!;

describe('node events on the Watch stream', () => {
  it.each(events.map((event) => [event.type, event] as const))('carry a %s event with its own fields, typed', (_type, event) => {
    const wire = watch.responseDeserialize(watch.responseSerialize(encodeNodeEvent({ node: n1, wallTimeMs: 1_700_000_000_000, event })));
    const { type, ...fields } = event;
    const detail = Object.fromEntries(Object.entries(fields).filter(([key]) => key !== 'term'));
    expect(decodeNodeEvent(wire)).toEqual({
      ok: true,
      value: { node: n1, wallTimeMs: 1_700_000_000_000, type, term: type === 'term-changed' ? event.to : event.term, detail },
    });
  });

  it('reports a term a number cannot hold exactly, and shows an event type it does not know by name only', () => {
    const wire = watch.responseDeserialize(
      watch.responseSerialize({ node: 'n1', type: 'term-changed', term: '3', termChanged: { from: '18446744073709551615', to: '3' } }),
    );
    expect(decodeNodeEvent(wire)).toEqual({ ok: false, problem: 'termChanged.from must be a whole number below 2^53 (got "18446744073709551615")' });
    const newer = watch.responseDeserialize(watch.responseSerialize({ node: 'n1', type: 'quorum-lost', term: '3' }));
    expect(decodeNodeEvent(newer)).toMatchObject({ ok: true, value: { type: 'quorum-lost', term: 3, detail: {} } });
  });
});
