import type { NodeId } from '../core/ids.ts';
import type { PeerMessage } from '../core/messages.ts';
import type { InboundHandler, Transport } from './transport.ts';

/**
 * An in-process network for driver tests: each node gets a `Transport` whose messages are
 * delivered asynchronously (next macrotask) to the addressee's handler, and whose replies come
 * back the same way. Links can be cut to model a partition.
 */
export class MemoryNetwork {
  private readonly handlers = new Map<NodeId, InboundHandler>();
  private readonly cut = new Set<string>();
  delivered = 0;

  transportFor(self: NodeId): Transport {
    return {
      start: async (handler) => {
        this.handlers.set(self, handler);
      },
      send: (to, message) => this.deliver(self, to, message),
      close: async () => {
        this.handlers.delete(self);
      },
    };
  }

  /** Cuts (or restores) traffic from `from` to `to`. */
  setLink(from: NodeId, to: NodeId, up: boolean): void {
    if (up) this.cut.delete(`${from}>${to}`);
    else this.cut.add(`${from}>${to}`);
  }

  private deliver(from: NodeId, to: NodeId, message: PeerMessage): void {
    setImmediate(() => {
      const handler = this.handlers.get(to);
      if (!handler || this.cut.has(`${from}>${to}`)) return;
      this.delivered += 1;
      handler(from, message, null).then(
        (replies) => {
          for (const reply of replies) this.deliver(to, from, reply);
        },
        () => undefined,
      );
    });
  }
}
