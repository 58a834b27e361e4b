export interface PhiAccrualSettings {
  /** How many recent inter-arrival intervals the distribution is fitted to. */
  readonly windowSize: number;
  /** A floor on the fitted standard deviation, so a metronome-steady peer is not suspected for a tiny delay. */
  readonly minStdDeviationMs: number;
  /** Extra silence accepted before suspicion starts to rise (e.g. a GC pause). */
  readonly acceptablePauseMs: number;
  /** The interval assumed before any has been observed (the expected heartbeat interval). */
  readonly firstIntervalEstimateMs: number;
  /**
   * Longer gaps are outages (the peer was down, paused or cut off), not its rhythm, and are left
   * out of the window, as Cassandra does: otherwise one long pause would blunt suspicion of the
   * next for the whole window.
   */
  readonly maxIntervalMs: number;
}

/**
 * Phi-accrual failure detection (Hayashibara et al., as in Akka and Cassandra): instead of a yes/no
 * timeout, `phi` says how unlikely the current silence is given the peer's recent inter-arrival
 * times: phi = -log10(1 - F(silence)), F a normal distribution fitted to a sliding window.
 * phi 1 means a 10% chance the peer is still fine, 8 means about one in 10^8.
 */
export class PhiAccrualDetector {
  private readonly intervals: number[] = [];
  private next = 0;
  private sum = 0;
  private sumOfSquares = 0;
  private lastArrivalMs: number | null = null;

  constructor(private readonly settings: PhiAccrualSettings) {
    // Two synthetic intervals around the estimate give a usable distribution from the start.
    const first = settings.firstIntervalEstimateMs;
    this.record(first - first / 4);
    this.record(first + first / 4);
  }

  get lastArrival(): number | null {
    return this.lastArrivalMs;
  }

  heartbeat(nowMs: number): void {
    const interval = this.lastArrivalMs === null ? null : Math.max(0, nowMs - this.lastArrivalMs);
    if (interval !== null && interval <= this.settings.maxIntervalMs) this.record(interval);
    this.lastArrivalMs = nowMs;
  }

  phi(nowMs: number): number {
    if (this.lastArrivalMs === null) return 0;
    return this.phiAfter(nowMs - this.lastArrivalMs);
  }

  /** Phi of a silence of `silenceMs`, judged by this peer's rhythm. */
  phiAfter(silenceMs: number): number {
    const count = this.intervals.length;
    const mean = this.sum / count;
    const variance = Math.max(0, this.sumOfSquares / count - mean * mean);
    const stdDeviation = Math.max(Math.sqrt(variance), this.settings.minStdDeviationMs);
    return phiOfSilence(silenceMs, mean + this.settings.acceptablePauseMs, stdDeviation);
  }

  private record(intervalMs: number): void {
    if (this.intervals.length < this.settings.windowSize) {
      this.intervals.push(intervalMs);
    } else {
      const dropped = this.intervals[this.next] ?? 0;
      this.sum -= dropped;
      this.sumOfSquares -= dropped * dropped;
      this.intervals[this.next] = intervalMs;
      this.next = (this.next + 1) % this.settings.windowSize;
    }
    this.sum += intervalMs;
    this.sumOfSquares += intervalMs * intervalMs;
  }
}

/**
 * -log10 of the probability that a normally distributed interval exceeds `silenceMs`, using the
 * logistic approximation of the normal CDF (error under 0.0002), which stays finite far out in the tail.
 */
export function phiOfSilence(silenceMs: number, meanMs: number, stdDeviationMs: number): number {
  const y = (silenceMs - meanMs) / stdDeviationMs;
  const exponent = y * (1.5976 + 0.070566 * y * y);
  const e = Math.exp(-exponent);
  // -log10(e / (1 + e)), computed in log space so a very long silence gives a large finite phi, not Infinity.
  if (silenceMs > meanMs) return (exponent + Math.log1p(e)) / Math.LN10;
  return -Math.log10(1 - 1 / (1 + e));
}
