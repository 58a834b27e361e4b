/** Capped exponential backoff with jitter, for retrying a node or the search for the leader. */
export interface BackoffSettings {
  /** The first delay's upper bound. */
  readonly initialMs: number;
  /** No delay is longer. */
  readonly maxMs: number;
  readonly multiplier: number;
}

export const defaultBackoff: BackoffSettings = { initialMs: 50, maxMs: 2_000, multiplier: 2 };

/**
 * The delays between attempts: the n-th (from 0) is drawn from [d/2, d] with
 * d = min(maxMs, initialMs × multiplier^n) ("equal jitter"), so clients that failed together do
 * not all retry at the same instant, and none retries at once.
 */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly settings: BackoffSettings,
    /** In [0, 1), as Math.random. */
    private readonly random: () => number,
  ) {}

  nextDelayMs(): number {
    const ceiling = Math.min(this.settings.maxMs, this.settings.initialMs * this.settings.multiplier ** this.attempt);
    this.attempt += 1;
    return ceiling / 2 + (this.random() * ceiling) / 2;
  }

  /** After a success: the next failure starts from the first delay again. */
  reset(): void {
    this.attempt = 0;
  }
}
