import type { WatchStream } from './admin-client.ts';
import type { NodeEvent } from './admin-responses.ts';
import type { AdminNode } from './admin-node.ts';
import type { CallFailure } from './call-failure.ts';

/** Where a NodeWatcher reports; each reachability change is reported once. */
export interface WatchSink {
  event(node: AdminNode, event: NodeEvent): void;
  invalidEvent(node: AdminNode, problem: string): void;
  unreachable(node: AdminNode, failure: CallFailure): void;
  reachableAgain(node: AdminNode): void;
}

/**
 * Keeps a Watch stream open on one node until stopped: when the node goes away it retries every
 * `retryMs`. Each attempt first asks Status, because a Watch stream on a quiet node shows nothing
 * (not even that it was accepted) until the first event.
 */
export class NodeWatcher {
  private reachability: 'not-yet-known' | 'reachable' | 'unreachable' = 'not-yet-known';
  private stream: WatchStream | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly node: AdminNode,
    private readonly sink: WatchSink,
    private readonly retryMs: number,
  ) {}

  start(): void {
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.stream?.cancel();
    this.stream = undefined;
  }

  private async connect(): Promise<void> {
    const status = await this.node.client.status();
    if (this.stopped) return;
    if (!status.ok) {
      this.lost(status.failure);
      return;
    }
    this.node.learnId(status.value.id);
    if (this.reachability === 'unreachable') this.sink.reachableAgain(this.node);
    this.reachability = 'reachable';
    this.stream = this.node.client.watch({
      event: (event) => this.sink.event(this.node, event),
      invalidEvent: (problem) => this.sink.invalidEvent(this.node, problem),
      ended: (failure) => {
        this.stream = undefined;
        this.lost(failure);
      },
    });
  }

  private lost(failure: CallFailure): void {
    if (this.reachability !== 'unreachable') this.sink.unreachable(this.node, failure);
    this.reachability = 'unreachable';
    this.retryTimer = setTimeout(() => void this.connect(), this.retryMs);
  }
}
