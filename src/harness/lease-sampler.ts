import type { LeaderView } from '../client/admin-responses.ts';
import type { LeaseObservation } from '../client/lease-observations.ts';
import type { NodeId } from '../core/ids.ts';
import { setTimeout as delay } from 'node:timers/promises';
import { percentile } from '../util/stats.ts';

/** One GetLeader answer, bracketed by when the question left and the answer came back (bench `performance.now()`). */
export type LeaseSample = LeaseObservation;

/** What a sampler asks: GetLeader of each node while it runs (`ClusterUnderTest`). */
interface SampledCluster {
  readonly ids: readonly NodeId[];
  isRunning(id: NodeId): boolean;
  /** Null when the node does not answer. */
  getLeader(id: NodeId): Promise<LeaderView | null>;
}

/**
 * Asks each running node GetLeader again `intervalMs` after its previous question left (or as
 * soon as it is answered, if that took longer). Each node has its own loop, so a paused node
 * does not hold up the others. Sampling costs the nodes an admin call each time: start it just
 * before the moment of interest and stop it soon after. Made by `ClusterUnderTest.sampleLeases`.
 */
export class LeaseSampler {
  private readonly samples: LeaseSample[] = [];
  private sampling = true;
  private readonly loops: Promise<void>[];

  constructor(
    private readonly cluster: SampledCluster,
    private readonly intervalMs: number,
    private readonly onStop: () => void = () => undefined,
  ) {
    this.loops = cluster.ids.map((id) => this.sample(id));
  }

  /** What has been observed so far, in the order the answers came. */
  get observations(): readonly LeaseSample[] {
    return this.samples;
  }

  /** Waits for the questions still out; answers everything observed, in the order the questions left. */
  async stop(): Promise<LeaseSample[]> {
    this.sampling = false;
    this.onStop();
    await Promise.all(this.loops);
    return [...this.samples].sort((a, b) => a.sentAt - b.sentAt);
  }

  private async sample(id: NodeId): Promise<void> {
    while (this.sampling) {
      const sentAt = performance.now();
      if (this.cluster.isRunning(id)) {
        const view = await this.cluster.getLeader(id);
        this.samples.push({ node: id, sentAt, answeredAt: performance.now(), view });
      }
      await delay(Math.max(0, this.intervalMs - (performance.now() - sentAt)));
    }
  }
}

/** The median time between consecutive questions to one node, over all nodes: the sampling resolution achieved. */
export function medianSampleIntervalMs(samples: readonly LeaseSample[]): number {
  const gaps: number[] = [];
  const lastSent = new Map<NodeId, number>();
  for (const sample of samples) {
    const previous = lastSent.get(sample.node);
    if (previous !== undefined) gaps.push(sample.sentAt - previous);
    lastSent.set(sample.node, sample.sentAt);
  }
  return gaps.length === 0
    ? Number.NaN
    : percentile(
        gaps.sort((a, b) => a - b),
        0.5,
      );
}

/** The median time a GetLeader answer took to come back. */
export function medianRoundTripMs(samples: readonly LeaseSample[]): number {
  const trips = samples.filter((sample) => sample.view !== null).map((sample) => sample.answeredAt - sample.sentAt);
  return trips.length === 0
    ? Number.NaN
    : percentile(
        trips.sort((a, b) => a - b),
        0.5,
      );
}
