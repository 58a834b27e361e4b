import type { AdminNode } from './admin-node.ts';
import type { NodeEvent } from './admin-responses.ts';
import type { WatchStream } from './admin-client.ts';
import { AsyncQueue } from './async-queue.ts';
import type { Backoff } from './backoff.ts';
import type { ClientClock } from './client-clock.ts';

/** A leader, and the term it leads. */
export interface LeaderChange {
  readonly leaderId: string;
  readonly term: number;
}

export interface ObserveLeaderOptions {
  /** Aborting it ends the iteration with the signal's reason. */
  readonly signal?: AbortSignal;
  /** How often every node is also asked who leads, besides listening to its events (default 1000 ms). */
  readonly pollEveryMs?: number;
}

const defaultPollEveryMs = 1_000;

/**
 * Yields the current leader first, then each new leader, in strictly increasing term: within a
 * term there is at most one leader, so a higher term is the only kind of change there is.
 *
 * Every node is watched (its Watch stream: `election-won` from the winner, `leader-changed` from
 * each node that learns of it) and asked GetLeader when its stream opens and every `pollEveryMs`.
 * The streams make changes arrive as they happen; the questions give the state on (re)connecting
 * and are a fallback for events a broken stream lost. The first value waits until every node has
 * answered or failed once, so it is the newest leader the nodes know, not a stale node's memory.
 * A change is missed only if the client could reach neither the new leader nor any node that
 * followed it while it led; the terms then show the jump.
 */
export function observeLeader(
  nodes: readonly AdminNode[],
  clock: ClientClock,
  newBackoff: () => Backoff,
  options: ObserveLeaderOptions,
): AsyncIterableIterator<LeaderChange> {
  const pollEveryMs = options.pollEveryMs ?? defaultPollEveryMs;
  const stops: (() => void)[] = [];
  let stopped = false;
  const queue = new AsyncQueue<LeaderChange>(() => {
    stopped = true;
    for (const stop of stops.splice(0)) stop();
    options.signal?.removeEventListener('abort', onAbort);
  });
  const onAbort = (): void => queue.fail(options.signal?.reason);

  let yieldedTerm = -1;
  /** Before the first value: the newest leader heard of, and the nodes yet to answer once. */
  let newest: LeaderChange | null = null;
  const unanswered = new Set(nodes);
  const offer = (term: number, leaderId: string | null): void => {
    if (leaderId === null || leaderId === '' || stopped) return;
    if (unanswered.size > 0) {
      if (newest === null || term > newest.term) newest = { leaderId, term };
      return;
    }
    if (term <= yieldedTerm) return;
    yieldedTerm = term;
    queue.push({ leaderId, term });
  };
  const answeredOnce = (node: AdminNode): void => {
    if (!unanswered.delete(node) || unanswered.size > 0) return;
    const first = newest;
    newest = null;
    if (first !== null) offer(first.term, first.leaderId);
  };

  const ask = async (node: AdminNode): Promise<void> => {
    const answer = await node.client.getLeader();
    if (answer.ok) offer(answer.value.term, answer.value.leaderId);
    answeredOnce(node);
  };

  for (const node of nodes) {
    const backoff = newBackoff();
    let stream: WatchStream | null = null;
    let cancelTimer = (): void => undefined;
    const open = (): void => {
      if (stopped) return;
      stream = node.client.watch({
        event: (event) => {
          backoff.reset();
          offerEvent(event, offer);
        },
        invalidEvent: () => undefined,
        ended: () => {
          stream = null;
          if (!stopped) cancelTimer = clock.schedule(open, backoff.nextDelayMs());
        },
      });
      // Asked after the stream was opened, so that nothing between the answer and the stream is lost.
      void ask(node);
    };
    let cancelPoll = (): void => undefined;
    const poll = (): void => {
      if (stopped) return;
      void ask(node);
      cancelPoll = clock.schedule(poll, pollEveryMs);
    };
    cancelPoll = clock.schedule(poll, pollEveryMs);
    stops.push(() => {
      cancelTimer();
      cancelPoll();
      stream?.cancel();
    });
    open();
  }
  if (options.signal?.aborted === true) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });
  return queue;
}

function offerEvent(event: NodeEvent, offer: (term: number, leaderId: string | null) => void): void {
  if (event.type === 'election-won') offer(event.term, event.node);
  else if (event.type === 'leader-changed') {
    const leaderId = event.detail['leaderId'];
    offer(event.term, typeof leaderId === 'string' ? leaderId : null);
  }
}
