import type { NodeId } from '../src/core/ids.ts';
import type { RunContext } from './benchmark.ts';
import type { ClusterUnderTest } from '../src/harness/cluster-under-test.ts';

/** Whether the machine stalled while a trial's interval was being measured. */
export interface Disturbance {
  /** Wake-ups of the bench's 5 ms timer at least 50 ms late, overlapping the interval. */
  readonly benchStalls: number;
  /** stall-detected lines the nodes logged within the interval. */
  readonly nodeStalls: number;
}

export interface MeasuredInterval {
  /** The nodes whose stall-detected lines count (not a node that was paused on purpose). */
  readonly nodes: readonly NodeId[];
  readonly fromPerf: number;
  readonly toPerf: number;
  readonly fromWallMs: number;
  readonly toWallMs: number;
}

/**
 * The VM freezes for hundreds of ms at a time; a trial whose measured interval contains a freeze
 * measures the freeze. Reports keep such trials but also show the statistics without them.
 * Call it a moment after the interval ended (a stall is only known once it is over).
 */
export function disturbanceDuring(context: RunContext, cluster: ClusterUnderTest, interval: MeasuredInterval): Disturbance {
  return {
    benchStalls: context.stalls.stallsBetween(interval.fromPerf, interval.toPerf),
    nodeStalls: cluster
      .logEvents()
      .filter(
        (entry) =>
          entry.event === 'stall-detected' && interval.nodes.includes(entry.node) && entry.wallMs >= interval.fromWallMs && entry.wallMs <= interval.toWallMs,
      ).length,
  };
}

export function isDisturbed(disturbance: Disturbance): boolean {
  return disturbance.benchStalls > 0 || disturbance.nodeStalls > 0;
}
