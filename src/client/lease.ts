import type { ClientClock } from './client-clock.ts';

/**
 * A lease this process may act on: until `signal` aborts, no other node holds the cluster's
 * lease, and `term` is the fencing token to send with every action on a shared resource.
 */
export interface Lease {
  /** The fencing token: strictly higher for every later lease holder. */
  readonly term: number;
  /** The node that holds the lease. */
  readonly holder: string;
  /** How long the lease was good for when it was handed over, safety margins taken off. */
  readonly validForMs: number;
  /**
   * Aborts (with a LeaseEndedError) before the lease can be held by any other node, or as soon as
   * the holder says it lost it, or the connection to it ends, or `release()`.
   */
  readonly signal: AbortSignal;
  /** Until the signal aborts unless a renewal extends it; 0 once it has. */
  remainingMs(): number;
  /** Stops renewing and aborts the signal: this process will not act on the lease any more. */
  release(): void;
}

/** What a `withLease` job is given. */
export interface LeaseScope {
  readonly term: number;
  readonly holder: string;
  readonly signal: AbortSignal;
}

export type LeaseEndReason =
  /** The lease was not renewed before its end (the holder is paused, cut off or slow to answer). */
  | 'expired'
  /** The holder says it no longer holds it (it stepped down, hands over, or the term moved on). */
  | 'lost'
  /** The stream to the holder ended: it stopped or the connection broke. */
  | 'disconnected'
  | 'released';

/** The reason of an ended lease's signal. */
export class LeaseEndedError extends Error {
  override readonly name = 'LeaseEndedError';

  constructor(
    readonly reason: LeaseEndReason,
    readonly term: number,
    readonly holder: string,
    detail: string,
  ) {
    super(`the lease of ${holder} in term ${term} ended (${reason}): ${detail}`);
  }
}

/** The holder's word on the lease, converted to the asker's clock. */
export type LeaseReading =
  /** `validUntil`: on the asker's clock, the latest moment the holder's statement guarantees the lease. */
  | { readonly kind: 'held'; readonly holder: string; readonly term: number; readonly validUntil: number }
  /** The node answered that it does not hold the lease. */
  | { readonly kind: 'not-held'; readonly detail: string }
  /** No usable answer: try again. */
  | { readonly kind: 'no-answer'; readonly detail: string };

/** Where a kept lease is renewed from and watched: a node over gRPC, or the node in this process. */
export interface LeaseSource {
  read(): Promise<LeaseReading>;
  /** Calls `ended` (once) when the holder says it no longer holds the lease in `term`, or the watch breaks; answers a stop function. */
  watch(term: number, ended: (reason: 'lost' | 'disconnected', detail: string) => void): () => void;
}

export interface LeaseKeeping {
  readonly clock: ClientClock;
  readonly renewEveryMs: number;
  /** Taken off every deadline: the time between the signal aborting and the job stopping. */
  readonly marginMs: number;
}

/**
 * Keeps a lease from its first reading: renews it every `renewEveryMs` while the holder states
 * it in the same term, and aborts the signal at the last deadline any statement guaranteed
 * (less the margin), or when the holder or the watch says it is gone. A statement in another
 * term never extends it: between two terms another node may have held the lease.
 */
export function keepLease(first: Extract<LeaseReading, { kind: 'held' }>, source: LeaseSource, keeping: LeaseKeeping): Lease {
  const { clock, renewEveryMs, marginMs } = keeping;
  const { holder, term } = first;
  const controller = new AbortController();
  let deadline = first.validUntil - marginMs;
  let cancelExpiry = (): void => undefined;
  let cancelRenewal = (): void => undefined;
  let stopWatch = (): void => undefined;

  const end = (reason: LeaseEndReason, detail: string): void => {
    if (controller.signal.aborted) return;
    cancelExpiry();
    cancelRenewal();
    stopWatch();
    controller.abort(new LeaseEndedError(reason, term, holder, detail));
  };
  const armExpiry = (): void => {
    cancelExpiry();
    cancelExpiry = clock.schedule(() => end('expired', 'no renewal came in time'), deadline - clock.now());
  };
  const renew = async (): Promise<void> => {
    const reading = await source.read();
    if (controller.signal.aborted) return;
    switch (reading.kind) {
      case 'held':
        if (reading.term !== term || reading.holder !== holder) {
          end('lost', `${reading.holder} holds it in term ${reading.term}`);
          return;
        }
        if (reading.validUntil - marginMs > deadline) {
          deadline = reading.validUntil - marginMs;
          armExpiry();
        }
        break;
      case 'not-held':
        end('lost', reading.detail);
        return;
      case 'no-answer':
        // The deadline stands; the next renewal may get through before it.
        break;
    }
    cancelRenewal = clock.schedule(() => void renew(), renewEveryMs);
  };

  if (deadline <= clock.now()) end('expired', 'the answer came too late to act on');
  else {
    armExpiry();
    stopWatch = source.watch(term, (reason, detail) => end(reason, detail));
    // The watch may have ended the lease before its stop function was known.
    if (controller.signal.aborted) stopWatch();
    cancelRenewal = clock.schedule(() => void renew(), renewEveryMs);
  }
  const validForMs = Math.max(0, deadline - clock.now());
  return {
    term,
    holder,
    validForMs,
    signal: controller.signal,
    remainingMs: () => (controller.signal.aborted ? 0 : Math.max(0, deadline - clock.now())),
    release: () => end('released', 'released by this process'),
  };
}

/** Releases the lease when `signal` aborts (a caller giving up), for as long as the lease lasts. */
export function releaseOnAbort(lease: Lease, signal: AbortSignal | undefined): Lease {
  if (signal === undefined) return lease;
  const release = (): void => lease.release();
  if (signal.aborted) release();
  signal.addEventListener('abort', release, { once: true });
  lease.signal.addEventListener('abort', () => signal.removeEventListener('abort', release), { once: true });
  return lease;
}

/** Runs `job` under `lease` and releases the lease once the job has settled, whichever way. */
export async function runUnderLease<T>(lease: Lease, job: (scope: LeaseScope) => Promise<T> | T): Promise<T> {
  try {
    return await job({ term: lease.term, holder: lease.holder, signal: lease.signal });
  } finally {
    lease.release();
  }
}
