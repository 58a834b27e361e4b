/**
 * Time and timers for the client library: the real monotonic clock by default; tests pass a
 * virtual one so that backoff, renewals and lease deadlines run in virtual time.
 */
export interface ClientClock {
  /** Milliseconds from an arbitrary origin, never going backwards. */
  now(): number;
  /** Calls `callback` once, `delayMs` from now; answers a function that cancels it. */
  schedule(callback: () => void, delayMs: number): () => void;
}

export const realClock: ClientClock = {
  now: () => performance.now(),
  schedule: (callback, delayMs) => {
    const timer = setTimeout(callback, Math.max(0, delayMs));
    return () => clearTimeout(timer);
  },
};

/** Resolves after `delayMs` on `clock`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(clock: ClientClock, delayMs: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      cancel();
      reject(signal?.reason);
    };
    const cancel = clock.schedule(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, delayMs);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
