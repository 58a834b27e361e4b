import { describe, expect, it } from 'vitest';
import { PhiAccrualDetector, phiOfSilence } from '../../src/health/phi-accrual-detector.ts';
import { SeededRandom } from '../../src/util/seeded-random.ts';

const settings = { windowSize: 100, minStdDeviationMs: 10, acceptablePauseMs: 0, firstIntervalEstimateMs: 50, maxIntervalMs: 1000 };

/** Feeds `count` heartbeats `interval()` ms apart, starting at `start`; returns the last arrival time. */
function feed(detector: PhiAccrualDetector, start: number, count: number, interval: () => number): number {
  let t = start;
  for (let i = 0; i < count; i++) {
    detector.heartbeat(t);
    t += interval();
  }
  return t - interval();
}

describe('phi-accrual detector', () => {
  it('rises steadily with silence: about 1 at the mean plus 1.3 deviations, past 8 well beyond', () => {
    expect(phiOfSilence(50, 50, 10)).toBeCloseTo(0.3, 1);
    expect(phiOfSilence(50 + 1.28 * 10, 50, 10)).toBeCloseTo(1, 1);
    expect(phiOfSilence(50 + 6 * 10, 50, 10)).toBeGreaterThan(8);
    let previous = 0;
    for (let silence = 0; silence < 500; silence += 10) {
      const phi = phiOfSilence(silence, 50, 10);
      expect(phi).toBeGreaterThanOrEqual(previous);
      expect(Number.isFinite(phi)).toBe(true);
      previous = phi;
    }
  });

  it('leaves an outage out of the rhythm: after a long pause, the next silence is judged as before it', () => {
    const steady = new PhiAccrualDetector(settings);
    const paused = new PhiAccrualDetector(settings);
    const last = feed(steady, 0, 50, () => 50);
    feed(paused, 0, 50, () => 50);
    // The paused peer is silent for 4 s, then beats steadily again for a few rounds.
    const back = feed(paused, last + 4000, 5, () => 50);
    const again = feed(steady, last + 50, 5, () => 50);
    expect(paused.phi(back + 200)).toBeCloseTo(steady.phi(again + 200), 1);
    expect(paused.phi(back + 200)).toBeGreaterThan(8);
  });

  it('does not suspect a steady but jittery peer at its usual delays', () => {
    const random = new SeededRandom(1);
    const detector = new PhiAccrualDetector(settings);
    let worst = 0;
    let t = 0;
    for (let i = 0; i < 1000; i++) {
      const gap = 50 + random.between(-15, 15);
      worst = Math.max(worst, detector.phi(t + gap));
      t += gap;
      detector.heartbeat(t);
    }
    expect(worst).toBeLessThan(3);
  });

  it('suspects a GC-like pause, and calms down as soon as heartbeats resume', () => {
    const detector = new PhiAccrualDetector(settings);
    const last = feed(detector, 0, 200, () => 50);
    expect(detector.phi(last + 60)).toBeLessThan(2);
    expect(detector.phi(last + 400)).toBeGreaterThan(8);
    detector.heartbeat(last + 400);
    expect(detector.phi(last + 400 + 50)).toBeLessThan(2);
  });

  it('tolerates longer silences from a peer whose heartbeats have become slower', () => {
    const fast = new PhiAccrualDetector(settings);
    const slow = new PhiAccrualDetector(settings);
    const fastLast = feed(fast, 0, 100, () => 50);
    const slowLast = feed(slow, 0, 100, () => 200);
    expect(fast.phi(fastLast + 250)).toBeGreaterThan(8);
    expect(slow.phi(slowLast + 250)).toBeLessThan(8);
  });

  it('allows the acceptable pause before suspicion rises', () => {
    const strict = new PhiAccrualDetector(settings);
    const lenient = new PhiAccrualDetector({ ...settings, acceptablePauseMs: 200 });
    const last = feed(strict, 0, 100, () => 50);
    feed(lenient, 0, 100, () => 50);
    expect(strict.phi(last + 200)).toBeGreaterThan(8);
    expect(lenient.phi(last + 200)).toBeLessThan(1);
  });

  it('reports 0 before the first heartbeat', () => {
    expect(new PhiAccrualDetector(settings).phi(1000)).toBe(0);
  });
});
