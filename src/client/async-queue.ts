/**
 * An async iterator fed by callbacks: values pushed before anyone asks are kept in order, so a
 * consumer that is slow misses nothing. `fail` ends it with an error after the values already
 * queued; `return()` (a `break` out of `for await`) runs `onClose` once.
 */
export class AsyncQueue<T> implements AsyncIterableIterator<T> {
  private readonly values: T[] = [];
  private readonly waiting: { resolve: (result: IteratorResult<T>) => void; reject: (error: unknown) => void }[] = [];
  private ended: { readonly error: unknown } | null = null;
  private closed = false;

  constructor(private readonly onClose: () => void) {}

  push(value: T): void {
    if (this.ended !== null) return;
    const waiter = this.waiting.shift();
    if (waiter === undefined) this.values.push(value);
    else waiter.resolve({ value, done: false });
  }

  /** Ends the iteration with `error` once the queued values are taken. */
  fail(error: unknown): void {
    if (this.ended !== null) return;
    this.ended = { error };
    this.close();
    for (const waiter of this.waiting.splice(0)) waiter.reject(error);
  }

  next(): Promise<IteratorResult<T>> {
    const value = this.values.shift();
    if (value !== undefined) return Promise.resolve({ value, done: false });
    // The queue passes on whatever it was failed with, as a rethrow would.
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    if (this.ended !== null) return this.ended.error === undefined ? Promise.resolve({ value: undefined, done: true }) : Promise.reject(this.ended.error);
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  return(): Promise<IteratorResult<T>> {
    this.values.length = 0;
    this.ended ??= { error: undefined };
    this.close();
    for (const waiter of this.waiting.splice(0)) waiter.resolve({ value: undefined, done: true });
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose();
  }
}
