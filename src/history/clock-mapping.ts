import type { NodeLogEvent } from '../harness/node-log-event.ts';
import { lineMono, linePid, numberField } from './history.ts';

/** host = offsetMs + mono / rate: one process's `mono` stamps on the machine's monotonic clock. */
export interface ClockMapping {
  readonly offsetMs: number;
  readonly rate: number;
  /** `logged-origin`: from the node's own `monoOriginMs`; `receipt-envelope`: from when its lines arrived. */
  readonly how: 'logged-origin' | 'receipt-envelope';
}

/**
 * One mapping per process (pid). A process at rate 1 logged where its `performance.now()` zero
 * lies on the machine's clock, which is exact to microseconds. A process whose clock was made to
 * run at another rate (libfaketime fakes CLOCK_MONOTONIC itself, so its logged origin is on the
 * fake clock) is mapped with its known rate and the offset that puts its earliest-arriving line
 * just at its arrival: a line is never read before it is written, so the true offset is at most
 * that, and it is off by no more than the quickest pipe delivery (well under a millisecond here).
 */
export function clockMappings(lines: readonly NodeLogEvent[], rates: ReadonlyMap<string, number> | undefined): Map<number, ClockMapping> {
  const byPid = new Map<number, NodeLogEvent[]>();
  for (const line of lines) {
    const pid = linePid(line);
    const list = byPid.get(pid);
    if (list === undefined) byPid.set(pid, [line]);
    else list.push(line);
  }
  const mappings = new Map<number, ClockMapping>();
  for (const [pid, own] of byPid) {
    const rate = rates?.get(own[0]?.node ?? '') ?? 1;
    const origin = own.map((line) => numberField(line, 'monoOriginMs')).find((value) => value !== null);
    if (rate === 1 && origin !== undefined && origin !== null) {
      mappings.set(pid, { offsetMs: origin, rate, how: 'logged-origin' });
      continue;
    }
    let offset = Infinity;
    for (const line of own) {
      const mono = lineMono(line);
      if (mono === null || line.receivedAtMs === null) continue;
      offset = Math.min(offset, line.receivedAtMs - mono / rate);
    }
    if (Number.isFinite(offset)) mappings.set(pid, { offsetMs: offset, rate, how: 'receipt-envelope' });
  }
  return mappings;
}

export function toHost(mapping: ClockMapping, mono: number): number {
  return mapping.offsetMs + mono / mapping.rate;
}
