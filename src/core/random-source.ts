/** Randomness is injected so a seeded source makes a whole simulated run replayable. */
export interface RandomSource {
  /** A float in [0, 1). */
  next(): number;
}
