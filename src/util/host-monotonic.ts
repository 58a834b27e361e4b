/**
 * This machine's CLOCK_MONOTONIC in milliseconds, which every process on it reads alike (unlike
 * `performance.now()`, whose zero is each process's own start). Nodes log their
 * `performance.now()` zero on this clock (`monoOriginMs`), so stamps from different processes
 * can be put on one line.
 */
export function hostMonotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
