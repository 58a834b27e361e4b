import { setTimeout as delay } from 'node:timers/promises';
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { formatVerdict } from '../../src/history/verdict-report.ts';
import { ensureFaketime, ensureNetTools } from '../../src/netfault/host-tools.ts';
import { driftSettings, runDrift, type DriftSetting } from '../../src/nemesis/drift-scenario.ts';
import { faketimeEnvironment } from '../../src/nemesis/soak-run.ts';

const tools = await ensureNetTools();
const faketime = tools.ok ? await ensureFaketime() : tools;
if (!faketime.ok) console.warn(`skipping the clock-drift tests: ${faketime.reason}`);

/** How far a child's performance.now() moves while 1.5 s pass here. */
async function childClockAdvance(environment: Record<string, string>): Promise<{ child: number; here: number }> {
  const child = spawn(
    process.execPath,
    [
      '-e',
      'process.stdin.once("data", () => { const a = performance.now(); process.stdin.once("data", () => { console.log(performance.now() - a); process.exit(0); }); });',
    ],
    {
      env: { ...process.env, ...environment },
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await delay(500);
  const from = performance.now();
  child.stdin.write('a');
  await delay(1500);
  child.stdin.write('b');
  const here = performance.now() - from;
  await new Promise((resolve) => child.once('exit', resolve));
  return { child: Number(output.trim()), here };
}

function drift(setting: DriftSetting, rounds: number) {
  return runDrift(setting, rounds, () => undefined);
}

describe.skipIf(!faketime.ok)('clock-rate drift with libfaketime', () => {
  it('libfaketime moves the clock performance.now() reads (CLOCK_MONOTONIC through libuv)', async () => {
    const { child, here } = await childClockAdvance(faketimeEnvironment(1.5));
    console.log(`x1.5: the child's performance.now() moved ${child.toFixed(0)} ms while ${here.toFixed(0)} ms passed here`);
    expect(child / here).toBeGreaterThan(1.4);
    expect(child / here).toBeLessThan(1.6);
  });

  it('clocks within --max-clock-drift: the slow-clock leader cut off never overlaps its successor', async () => {
    const report = await drift(driftSettings.within, 3);
    console.log(`within: outside ${JSON.stringify(report.outside)}\n${formatVerdict(report.verdict).join('\n')}`);
    expect(report.outside?.overlappingClaims).toBe(0);
    expect(report.verdict.violations).toEqual([]);
    expect(report.faultCounts['isolate-leader']).toBe(3);
  }, 180_000);

  it('clocks beyond the bound: the checker reports the overlapping leases', async () => {
    const report = await drift(driftSettings.beyond, 2);
    console.log(`beyond: outside ${JSON.stringify(report.outside)}\n${formatVerdict(report.verdict).join('\n')}`);
    const overlaps = report.verdict.violations.filter((violation) => violation.rule === 'lease-overlap');
    expect(overlaps.length).toBeGreaterThan(0);
    // Two holders at once may also hand the client tokens out of order; nothing else may break.
    expect(report.verdict.violations.every((violation) => violation.rule === 'lease-overlap' || violation.rule === 'fencing-token-order')).toBe(true);
  }, 180_000);
});
