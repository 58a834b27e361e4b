import { describe, expect, it } from 'vitest';
import { formatVerdict } from '../../src/history/verdict-report.ts';
import { runCrashTorture } from '../../src/nemesis/crash-torture.ts';

describe('crash-at-persist torture', () => {
  it('50 SIGKILLs before, during and after term and vote writes: every restart loads a state the kill allows, no vote is cast twice, no term goes back', async () => {
    const report = await runCrashTorture({ kills: 50, seed: 16, print: (line) => console.log(line) });
    console.log(`kills by phase: ${JSON.stringify(report.byPhase)}; armed rounds without a write: ${report.missed}`);
    console.log(formatVerdict(report.verdict).join('\n'));
    expect(report.kills).toBe(50);
    expect(report.wrongOutcomes).toEqual([]);
    expect(report.verdict.violations).toEqual([]);
    for (const phase of Object.values(report.byPhase)) expect(phase.kills).toBeGreaterThan(0);
    // A kill after LevelDB confirmed the write always finds it on restart (checked above); one before never does.
    expect(report.byPhase.after.landed).toBe(report.byPhase.after.kills);
  }, 300_000);
});
