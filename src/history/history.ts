import { readFile } from 'node:fs/promises';
import { parseNodeLog, type NodeLogEvent } from '../harness/node-log-event.ts';
import { asNodeId } from '../core/ids.ts';

/**
 * Everything a run leaves for the history checker, every time on the machine's monotonic clock
 * (hostMonotonicMs) unless it is a node's own `mono` stamp.
 */
export interface RunHistory {
  readonly nodes: readonly string[];
  /** Every event line every node logged, all incarnations, each node's in the order written. */
  readonly lines: readonly NodeLogEvent[];
  /**
   * How fast each node's clock ran against the machine's (libfaketime's rate); 1 when missing.
   * A node at rate 1 is put on the machine's clock by the `monoOriginMs` it logs; any other by
   * the lower envelope of when its lines arrived (see clock-mapping.ts).
   */
  readonly clockRates?: ReadonlyMap<string, number>;
  /** What the client was handed by WaitForLease. */
  readonly tokens: readonly TokenObservation[];
  /** Each node's hard state as its store holds it after the run. */
  readonly stores: readonly StoredHardState[];
  /** When the harness ended a process (SIGKILL, or a node that exited): nothing it believed holds after. */
  readonly processEnds: readonly ProcessEnd[];
  /** The nemesis's view of the cluster over time, for availability. */
  readonly connectivity: readonly ConnectivitySpan[];
  /** Every fault and repair the nemesis made, for the timeline and to name causes. */
  readonly faults: readonly FaultEvent[];
  readonly startMs: number;
  readonly endMs: number;
}

export interface TokenObservation {
  readonly asked: string;
  readonly sentAtMs: number;
  readonly answeredAtMs: number;
  readonly leaderId: string;
  readonly term: number;
  readonly validForMs: number;
}

export interface StoredHardState {
  readonly node: string;
  readonly term: number;
  readonly votedFor: string | null;
}

export interface ProcessEnd {
  readonly node: string;
  readonly pid: number;
  readonly atMs: number;
}

/** From `fromMs` to `toMs`, whether a majority of the nodes was running, unpaused and connected to each other. */
export interface ConnectivitySpan {
  readonly fromMs: number;
  readonly toMs: number;
  readonly majorityConnected: boolean;
}

export interface FaultEvent {
  readonly atMs: number;
  /** kill, restart, pause, resume, partition, heal, delay, loss, transfer, clock... */
  readonly kind: string;
  readonly label: string;
  /** Repairs (heal, resume, restart) start the clock of heal-to-lease-holder. */
  readonly repair: boolean;
}

/** Reads a node's log file as the harness wrote it (JSON lines with `receivedAtMs`). */
export async function readNodeLog(node: string, file: string): Promise<NodeLogEvent[]> {
  return parseNodeLog(asNodeId(node), await readFile(file, 'utf8').catch(() => ''));
}

/** The process that wrote a line; every incarnation is its own process. */
export function linePid(line: NodeLogEvent): number {
  return line.pid ?? -1;
}

/** The term a line names, if it has a `term` (a term change has `from` and `to` instead). */
export function lineTerm(line: NodeLogEvent): number | null {
  return 'term' in line.line ? line.line.term : null;
}
