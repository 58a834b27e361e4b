import type { NodeLogEvent } from '../harness/node-log-event.ts';
import { linePid } from './history.ts';

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
 * The rate itself is checked against the arrivals too (envelopeRate).
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
    const origin = own.flatMap((line) => (line.line.type === 'listening' ? [line.line.monoOriginMs] : []))[0];
    if (rate === 1 && origin !== undefined) {
      mappings.set(pid, { offsetMs: origin, rate, how: 'logged-origin' });
      continue;
    }
    const points = own.flatMap((line) => {
      const mono = line.mono;
      return mono === null || line.receivedAtMs === null ? [] : [{ mono, at: line.receivedAtMs }];
    });
    const fitted = envelopeRate(points, rate);
    let offset = Infinity;
    for (const { mono, at } of points) offset = Math.min(offset, at - mono / fitted);
    if (Number.isFinite(offset)) mappings.set(pid, { offsetMs: offset, rate: fitted, how: 'receipt-envelope' });
  }
  return mappings;
}

export function toHost(mapping: ClockMapping, mono: number): number {
  return mapping.offsetMs + mono / mapping.rate;
}

/** Shorter-lived processes keep the nominal rate: two envelope points that close fit a slope poorly. */
const minFitSpanMs = 10_000;

/**
 * The rate the arrivals show: the line that arrived soonest (relative to the nominal rate) in the
 * first quarter of the process's life and the one in its last quarter lie on the lower envelope,
 * and the slope between them is the clock's rate against the machine's, to about a millisecond
 * over their distance. Falls back to the nominal rate when the process lived too briefly or the
 * fit strays more than 1% from it (a freeze at just the wrong moment).
 */
function envelopeRate(points: readonly { readonly mono: number; readonly at: number }[], nominal: number): number {
  if (points.length < 2) return nominal;
  const monos = points.map((point) => point.mono);
  const first = Math.min(...monos);
  const last = Math.max(...monos);
  if (last - first < minFitSpanMs) return nominal;
  const soonest = (from: number, to: number): { mono: number; at: number } | undefined =>
    points
      .filter((point) => point.mono >= from && point.mono <= to)
      .reduce<{ mono: number; at: number } | undefined>(
        (best, point) => (best === undefined || point.at - point.mono / nominal < best.at - best.mono / nominal ? point : best),
        undefined,
      );
  const quarter = (last - first) / 4;
  const early = soonest(first, first + quarter);
  const late = soonest(last - quarter, last);
  if (early === undefined || late === undefined || late.mono === early.mono) return nominal;
  const fitted = (late.mono - early.mono) / (late.at - early.at);
  return Math.abs(fitted / nominal - 1) <= 0.01 ? fitted : nominal;
}
