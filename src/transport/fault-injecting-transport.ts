import type { NodeId } from '../core/ids.ts';
import type { PeerMessage } from '../core/messages.ts';
import type { RandomSource } from '../core/random-source.ts';
import type { InboundHandler, Transport } from './transport.ts';
import { setTimeout as delay } from 'node:timers/promises';

export type PartitionDirection = 'inbound' | 'outbound' | 'both';

/** The faults injected on this node's links to one peer. */
export interface LinkFaults {
  readonly inboundBlocked: boolean;
  readonly outboundBlocked: boolean;
  readonly delayMs: number;
  readonly jitterMs: number;
}

const healthy: LinkFaults = { inboundBlocked: false, outboundBlocked: false, delayMs: 0, jitterMs: 0 };

/**
 * Wraps a transport to drop or delay peer traffic on chosen links, for fault-injection drills.
 * Replies carried back on an inbound exchange travel this node's outbound link, so they obey the
 * outbound cut and delay too: a one-way cut is really one-way.
 */
export class FaultInjectingTransport implements Transport {
  private readonly links = new Map<NodeId, LinkFaults>();

  constructor(
    private readonly inner: Transport,
    private readonly random: RandomSource,
  ) {}

  start(handler: InboundHandler): Promise<void> {
    return this.inner.start(async (from, message, metadata) => {
      const link = this.link(from);
      if (link.inboundBlocked) return [];
      const replies = await handler(from, message, metadata);
      if (replies.length === 0) return replies;
      if (link.outboundBlocked) return [];
      const delayMs = this.delayFor(link);
      if (delayMs > 0) await delay(delayMs);
      return replies;
    });
  }

  send(to: NodeId, message: PeerMessage): void {
    const link = this.link(to);
    if (link.outboundBlocked) return;
    const delay = this.delayFor(link);
    if (delay > 0) setTimeout(() => this.inner.send(to, message), delay);
    else this.inner.send(to, message);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  partition(peers: readonly NodeId[], direction: PartitionDirection): void {
    for (const peer of peers) {
      const link = this.link(peer);
      this.links.set(peer, {
        ...link,
        inboundBlocked: link.inboundBlocked || direction !== 'outbound',
        outboundBlocked: link.outboundBlocked || direction !== 'inbound',
      });
    }
  }

  /** Removes every fault (cuts and delays) on the given links, or on all links when `peers` is null. */
  heal(peers: readonly NodeId[] | null): void {
    if (peers === null) this.links.clear();
    else for (const peer of peers) this.links.delete(peer);
  }

  setDelay(peers: readonly NodeId[], delayMs: number, jitterMs: number): void {
    for (const peer of peers) this.links.set(peer, { ...this.link(peer), delayMs, jitterMs });
  }

  /** Links with at least one fault. */
  faults(): ReadonlyMap<NodeId, LinkFaults> {
    return this.links;
  }

  private link(peer: NodeId): LinkFaults {
    return this.links.get(peer) ?? healthy;
  }

  private delayFor(link: LinkFaults): number {
    return link.delayMs + (link.jitterMs > 0 ? this.random.next() * link.jitterMs : 0);
  }
}
