/**
 * Lets through at most one occurrence per key per interval, and says how many it held back
 * since the last one it let through. For logs that a flood of bad input must not flood.
 */
export class RateLimiter {
  private readonly last = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly intervalMs: number,
    /** Keys remembered at most; beyond it the oldest are forgotten (their next occurrence passes). */
    private readonly maxKeys = 1000,
  ) {}

  /** Null when held back; otherwise the number held back for `key` since it last passed. */
  allow(key: string, nowMs: number): number | null {
    const entry = this.last.get(key);
    if (entry !== undefined && nowMs - entry.at < this.intervalMs) {
      entry.suppressed += 1;
      return null;
    }
    const suppressed = entry?.suppressed ?? 0;
    this.last.delete(key);
    if (this.last.size >= this.maxKeys) {
      const oldest = this.last.keys().next();
      if (!oldest.done) this.last.delete(oldest.value);
    }
    this.last.set(key, { at: nowMs, suppressed: 0 });
    return suppressed;
  }
}
