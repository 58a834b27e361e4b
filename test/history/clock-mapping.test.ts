import { describe, expect, it } from 'vitest';
import { asNodeId } from '../../src/core/ids.ts';
import { parseNodeLogLine, type NodeLogEvent } from '../../src/harness/node-log-event.ts';
import { clockMappings, toHost } from '../../src/history/clock-mapping.ts';

/** A line stamped `mono` on a clock running at `rate` whose zero is machine time 5000, read `latency` ms after it was written. */
const arrival = (mono: number, rate: number, latency: number, fields: Record<string, unknown> = {}): NodeLogEvent =>
  parseNodeLogLine(
    asNodeId('n1'),
    JSON.stringify({ event: 'lease-extended', time: 0, pid: 7, mono, term: 1, untilMs: mono + 100, ...fields }),
    5000 + mono / rate + latency,
  )!;

describe('clockMappings', () => {
  it('uses the logged origin of a process on the real clock', () => {
    const mapping = clockMappings([arrival(0, 1, 3, { event: 'listening', monoOriginMs: 5000 }), arrival(100, 1, 0.2)], undefined).get(7);
    expect(mapping).toEqual({ offsetMs: 5000, rate: 1, how: 'logged-origin' });
  });

  it('puts a process whose clock runs at another rate on the machine clock through the earliest arrivals', () => {
    // Latencies vary from 0.1 to 5 ms; the true rate is 1.0502 where 1.05 was asked for.
    const lines = Array.from({ length: 400 }, (_, index) => arrival(index * 100, 1.0502, index % 7 === 0 ? 0.1 : 5));
    const mapping = clockMappings(lines, new Map([['n1', 1.05]])).get(7);
    if (mapping === undefined) throw new Error('no mapping');
    expect(mapping.how).toBe('receipt-envelope');
    expect(mapping.rate).toBeCloseTo(1.0502, 4);
    // Anywhere in the 40 s the mapping is within a fraction of a millisecond of the truth.
    for (const mono of [0, 20_000, 39_900]) expect(Math.abs(toHost(mapping, mono) - (5000 + mono / 1.0502))).toBeLessThan(0.5);
  });

  it('keeps the nominal rate for a process too short-lived to fit one', () => {
    const lines = [arrival(0, 1.3, 0.2), arrival(3000, 1.3, 0.2)];
    expect(clockMappings(lines, new Map([['n1', 1.3]])).get(7)?.rate).toBe(1.3);
  });
});
