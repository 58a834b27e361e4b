import type { NodeLogEvent } from '../harness/node-log-event.ts';
import { clockMappings, toHost } from './clock-mapping.ts';
import { linePid, type ProcessEnd } from './history.ts';

/** A span during which one node believed it held a valid lease, on the machine's clock. */
export interface LeaseInterval {
  readonly node: string;
  readonly pid: number;
  readonly term: number;
  readonly fromMs: number;
  readonly toMs: number;
  /** expired, stepped-down, process-ended (killed holding it), or run-ended. */
  readonly endedBy: string;
}

export interface LeaseIntervalsResult {
  readonly intervals: LeaseInterval[];
  /** Processes with lease lines that could not be put on the machine's clock (no origin, no receipt stamps). */
  readonly unmapped: number[];
}

/**
 * Rebuilds every lease from the lines a node logged: `lease-acquired` opens one until its
 * `untilMs`, each `lease-extended` moves the end (a step that finds the lease already run out
 * closes it there and opens another), and `lease-lost` closes it: at the step's `mono` when the
 * node stepped down, at the last end when it expired. A process that ended holding a lease held
 * it until the earlier of its last end and its death.
 */
export function leaseIntervals(
  lines: readonly NodeLogEvent[],
  ends: readonly ProcessEnd[],
  rates: ReadonlyMap<string, number> | undefined,
  runEndMs: number,
): LeaseIntervalsResult {
  const mappings = clockMappings(lines, rates);
  const intervals: LeaseInterval[] = [];
  const unmapped = new Set<number>();
  const open = new Map<number, { node: string; term: number; fromMono: number; untilMono: number }>();
  const close = (pid: number, atMono: number, endedBy: string, capMs = Infinity): void => {
    const lease = open.get(pid);
    const mapping = mappings.get(pid);
    open.delete(pid);
    if (lease === undefined) return;
    if (mapping === undefined) {
      unmapped.add(pid);
      return;
    }
    const toMono = Math.min(atMono, lease.untilMono);
    intervals.push({
      node: lease.node,
      pid,
      term: lease.term,
      fromMs: toHost(mapping, lease.fromMono),
      toMs: Math.min(toHost(mapping, toMono), capMs),
      endedBy,
    });
  };
  for (const line of lines) {
    const pid = linePid(line);
    const mono = line.mono;
    if (mono === null) continue;
    const typed = line.line;
    switch (typed.type) {
      case 'lease-acquired':
      case 'lease-extended': {
        const { term, untilMs: until } = typed;
        const current = open.get(pid);
        if (current !== undefined && (mono >= current.untilMono || current.term !== term)) close(pid, mono, 'expired');
        const still = open.get(pid);
        if (still === undefined) open.set(pid, { node: line.node, term, fromMono: mono, untilMono: until });
        else still.untilMono = Math.max(still.untilMono, until);
        break;
      }
      case 'lease-lost':
        close(pid, typed.reason === 'stepped-down' ? mono : Infinity, typed.reason);
        break;
      default:
        break;
    }
  }
  for (const pid of [...open.keys()]) {
    const end = ends.find((candidate) => candidate.pid === pid);
    close(pid, Infinity, end === undefined ? 'run-ended' : 'process-ended', end?.atMs ?? runEndMs);
  }
  intervals.sort((a, b) => a.fromMs - b.fromMs);
  return { intervals, unmapped: [...unmapped] };
}
