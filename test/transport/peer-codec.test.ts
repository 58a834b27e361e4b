import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { asClusterId, asNodeId } from '../../src/core/ids.ts';
import { maxTerm, type PeerMessage } from '../../src/core/messages.ts';
import {
  decodeEnvelope,
  decodeEnvelopeBytes,
  encodeEnvelope,
  envelopeBytes,
  MAX_ENVELOPE_BYTES,
  type EnvelopeExpectation,
} from '../../src/transport/peer-codec.ts';
import { loadProtoDefinition } from '../../src/transport/proto-loader.ts';
import type { Envelope, Envelope__Output } from '../../src/generated/heartbeat/peer/v1/Envelope.ts';

const cluster = asClusterId('c1');
const n1 = asNodeId('n1');
const n2 = asNodeId('n2');
const n3 = asNodeId('n3');
/** As seen by n2, whose peers are n1 and n3. */
const atN2: EnvelopeExpectation = { clusterId: cluster, self: n2, peers: new Set([n1, n3]) };

const messages: readonly PeerMessage[] = [
  { kind: 'heartbeat', term: 3, round: 17 },
  { kind: 'heartbeat-ack', term: 3, round: 17 },
  { kind: 'vote-request', term: 4, preVote: true, transfer: false },
  { kind: 'vote-request', term: 4, preVote: false, transfer: true },
  { kind: 'vote-response', term: 4, preVote: true, granted: false },
  { kind: 'vote-response', term: 4, preVote: false, granted: true },
  { kind: 'timeout-now', term: 5, target: n2 },
  { kind: 'heartbeat', term: maxTerm, round: Number.MAX_SAFE_INTEGER },
];

// The Link method's own (de)serializers: what actually crosses the network.
const link = (
  loadProtoDefinition('peer.proto')['heartbeat.peer.v1.Peer'] as Record<
    string,
    {
      requestSerialize: (value: Envelope) => Buffer;
      requestDeserialize: (bytes: Buffer) => Envelope__Output;
    }
  >
)['Link']!;
const overTheWire = (wire: Envelope): Envelope__Output => link.requestDeserialize(link.requestSerialize(wire));

/** A heartbeat from n1 to n2 as proto-loader hands it over, with `overrides`. */
function base(overrides: Partial<Envelope__Output> = {}): Envelope__Output {
  return { clusterId: 'c1', from: 'n1', to: 'n2', term: '3', metadata: null, body: 'heartbeat', heartbeat: { round: '1' }, ...overrides };
}

function expectFailure(raw: Envelope__Output, code: status, reason?: RegExp): void {
  const result = decodeEnvelope(raw, atN2);
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.code).toBe(code);
  if (reason) expect(result.reason).toMatch(reason);
}

describe('peer codec', () => {
  it.each(messages.map((m) => [m.kind, m] as const))('round-trips %s through protobuf', (_kind, message) => {
    const wire = encodeEnvelope(cluster, n1, n2, message);
    expect(typeof wire.term).toBe('string');
    expect(decodeEnvelope(overTheWire(wire), atN2)).toEqual({ ok: true, from: n1, message, metadata: null });
  });

  it('carries the sender metadata on a heartbeat over the wire, and reports none when absent', () => {
    const metadata = { incarnation: 7, version: '0.1.0', load: { eventLoopDelayP99Ms: 1.5, cpuPercent: 0.75, rssBytes: 60_000_000 } };
    const heartbeat: PeerMessage = { kind: 'heartbeat', term: 3, round: 9 };
    const wire = overTheWire(encodeEnvelope(cluster, n1, n2, heartbeat, metadata));
    expect(decodeEnvelope(wire, atN2)).toEqual({ ok: true, from: n1, message: heartbeat, metadata });
    expect(decodeEnvelope(overTheWire(encodeEnvelope(cluster, n1, n2, heartbeat)), atN2)).toMatchObject({ ok: true, metadata: null });
  });

  it('keeps a heartbeat with metadata small', () => {
    const metadata = { incarnation: 12, version: '0.1.0', load: { eventLoopDelayP99Ms: 10.5, cpuPercent: 1.25, rssBytes: 75_000_000 } };
    const wire = encodeEnvelope(cluster, n1, n2, { kind: 'heartbeat', term: 123, round: 45678 }, metadata);
    expect(link.requestSerialize(wire).length).toBeLessThan(64);
  });

  it('accepts the largest envelope the protocol can produce, and refuses more bytes unread', () => {
    const longest = 'x'.repeat(63);
    const expectation = { clusterId: asClusterId(longest), self: asNodeId(`${longest.slice(1)}b`), peers: new Set([asNodeId(`${longest.slice(1)}a`)]) };
    const metadata = {
      incarnation: Number.MAX_SAFE_INTEGER,
      version: 'v'.repeat(64),
      load: { eventLoopDelayP99Ms: 1e9, cpuPercent: 1e9, rssBytes: Number.MAX_SAFE_INTEGER },
    };
    const message: PeerMessage = { kind: 'heartbeat', term: maxTerm, round: Number.MAX_SAFE_INTEGER };
    const bytes = envelopeBytes(encodeEnvelope(expectation.clusterId, [...expectation.peers][0]!, expectation.self, message, metadata));
    expect(bytes.length).toBeLessThan(MAX_ENVELOPE_BYTES / 2);
    expect(decodeEnvelopeBytes(bytes, expectation)).toMatchObject({ ok: true, message });

    expect(decodeEnvelopeBytes(Buffer.alloc(MAX_ENVELOPE_BYTES + 1), expectation)).toMatchObject({
      ok: false,
      code: status.RESOURCE_EXHAUSTED,
      rejection: 'oversized',
    });
    expect(decodeEnvelopeBytes(Buffer.from([0xff, 0xff, 0xff]), expectation)).toMatchObject({
      ok: false,
      code: status.INVALID_ARGUMENT,
      rejection: 'undecodable',
    });
  });

  it('rejects metadata out of range with INVALID_ARGUMENT', () => {
    const heartbeat = encodeEnvelope(cluster, n1, n2, { kind: 'heartbeat', term: 1, round: 1 });
    const metadata = { incarnation: '1', version: 'x', eventLoopDelayP99Ms: 0, cpuPercent: 0, rssBytes: '0' };
    for (const [bad, reason] of [
      [{ cpuPercent: -1 }, /metadata\.cpuPercent must be a non-negative number/],
      [{ eventLoopDelayP99Ms: Number.NaN }, /metadata\.eventLoopDelayP99Ms/],
      [{ incarnation: '18446744073709551615' }, /metadata\.incarnation .* out of range/],
      [{ version: 'v'.repeat(65) }, /metadata\.version/],
    ] as const) {
      expectFailure(overTheWire({ ...heartbeat, metadata: { ...metadata, ...bad } }), status.INVALID_ARGUMENT, reason);
    }
  });

  it('rejects another cluster with FAILED_PRECONDITION', () => {
    expectFailure(base({ clusterId: 'other' }), status.FAILED_PRECONDITION, /message for cluster other, this is cluster c1/);
  });

  it('rejects an unknown sender with FAILED_PRECONDITION', () => {
    expectFailure(base({ from: 'n9' }), status.FAILED_PRECONDITION, /unknown sender n9/);
    // A node is not its own peer.
    expectFailure(base({ from: 'n2' }), status.FAILED_PRECONDITION, /unknown sender n2/);
  });

  it('rejects a message addressed to another node with FAILED_PRECONDITION', () => {
    expectFailure(base({ to: 'n3' }), status.FAILED_PRECONDITION, /addressed to n3, this is n2/);
  });

  it('rejects malformed ids with INVALID_ARGUMENT', () => {
    expectFailure(base({ from: 'bad id!' }), status.INVALID_ARGUMENT, /malformed sender/);
    expectFailure(base({ from: '' }), status.INVALID_ARGUMENT, /malformed sender/);
    expectFailure(base({ to: 'x'.repeat(64) }), status.INVALID_ARGUMENT, /malformed receiver/);
    expectFailure(base({ clusterId: '' }), status.INVALID_ARGUMENT, /malformed cluster/);
  });

  it('rejects a term above the highest term with OUT_OF_RANGE, so it is never adopted', () => {
    for (const term of [String(maxTerm + 1), String(Number.MAX_SAFE_INTEGER)]) {
      expectFailure(base({ term }), status.OUT_OF_RANGE, /above the highest term/);
      expectFailure(overTheWire(base({ term })), status.OUT_OF_RANGE, /above the highest term/);
    }
    expect(decodeEnvelope(base({ term: String(maxTerm) }), atN2)).toMatchObject({ ok: true, message: { term: maxTerm } });
  });

  it('rejects a term above Number.MAX_SAFE_INTEGER as out of range', () => {
    expectFailure(base({ term: '18446744073709551615' }), status.INVALID_ARGUMENT, /out of range/);
    expectFailure(base({ term: '9007199254740992' }), status.INVALID_ARGUMENT, /out of range/);
    expectFailure(base({ heartbeat: { round: '18446744073709551615' } }), status.INVALID_ARGUMENT, /round .*out of range/);
    // The full uint64 range survives the wire exactly, so the check sees the real value.
    expectFailure(overTheWire(base({ term: '18446744073709551615' })), status.INVALID_ARGUMENT, /18446744073709551615 is out of range/);
    expect(decodeEnvelope(base({ heartbeat: { round: '9007199254740991' } }), atN2).ok).toBe(true);
  });

  it('rejects an envelope with no body with INVALID_ARGUMENT', () => {
    const { body: _body, heartbeat: _heartbeat, ...header } = base();
    expectFailure(header, status.INVALID_ARGUMENT, /no message body/);
    expectFailure(overTheWire(header), status.INVALID_ARGUMENT, /no message body/);
  });

  it('rejects a malformed transfer target with INVALID_ARGUMENT', () => {
    expectFailure(overTheWire(base({ body: 'timeoutNow', heartbeat: null, timeoutNow: { target: '' } })), status.INVALID_ARGUMENT, /timeoutNow.target/);
  });
});
