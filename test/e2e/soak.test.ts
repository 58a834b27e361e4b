import { describe, expect, it } from 'vitest';
import { formatVerdict } from '../../src/history/verdict-report.ts';
import { ensureNetTools } from '../../src/netfault/host-tools.ts';
import { runSoak } from '../../src/nemesis/soak-run.ts';

const tools = await ensureNetTools();
if (!tools.ok) console.warn(`skipping the soak: ${tools.reason}`);

describe.skipIf(!tools.ok)('the nemesis soak', () => {
  it('two minutes of seed 16 on 5 nodes leave a clean verdict', async () => {
    const timeline: string[] = [];
    const report = await runSoak({ durationMs: 120_000, seed: 16, nodes: 5, print: (line) => timeline.push(line) });
    const faults = Object.entries(report.faultCounts);
    console.log(
      [
        ...timeline,
        `faults: ${faults.map(([kind, count]) => `${kind} ${count}`).join(', ')}`,
        `client: ${JSON.stringify(report.client)}`,
        ...formatVerdict(report.verdict),
      ].join('\n'),
    );
    expect(report.problems).toEqual([]);
    expect(report.verdict.violations).toEqual([]);
    expect(report.verdict.counts.unmappedProcesses).toBe(0);
    // The run did something worth judging: faults of several kinds, and tokens handed to the client.
    expect(faults.length).toBeGreaterThanOrEqual(3);
    expect(report.client.tokens).toBeGreaterThan(100);
    expect(report.verdict.leases.length).toBeGreaterThan(3);
  }, 300_000);
});
