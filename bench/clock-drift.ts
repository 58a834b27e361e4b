import type { Benchmark } from './benchmark.ts';
import { formatVerdict } from '../src/history/verdict-report.ts';
import { driftSettings, runDrift } from '../src/nemesis/drift-scenario.ts';
import { SoakUnavailable } from '../src/nemesis/soak-run.ts';

export const clockDrift: Benchmark = {
  name: 'clock-drift',
  description:
    'libfaketime clocks within and beyond --max-clock-drift, the slow-clock leader cut off: leases seen from outside and judged by the checker (root)',
  run: async (options, { progress }) => {
    const rounds = options.trials ?? (options.quick ? 3 : 10);
    const lines: string[] = [];
    const data: unknown[] = [];
    for (const setting of [driftSettings.within, driftSettings.beyond]) {
      progress(`clock-drift: ${setting.name}, ${rounds} rounds`);
      try {
        const report = await runDrift(setting, rounds, progress);
        const rates = [...setting.rates].map(([id, rate]) => `${id} x${rate}`).join(', ');
        lines.push(
          `${setting.name} (${rates}; --max-clock-drift ${setting.maxClockDrift}):`,
          `  faults: ${Object.entries(report.faultCounts)
            .map(([kind, count]) => `${kind} ${count}`)
            .join(', ')}`,
          `  seen from outside: ${report.outside?.samples ?? 0} GetLeader answers, ${report.outside?.overlappingClaims ?? 0} pairs in which two nodes claimed the lease at once`,
          ...formatVerdict(report.verdict).map((line) => `  ${line}`),
          '',
        );
        data.push({
          setting: setting.name,
          rates: Object.fromEntries(setting.rates),
          report: { ...report, verdict: { ...report.verdict, leases: report.verdict.leases.length } },
        });
      } catch (error) {
        if (!(error instanceof SoakUnavailable)) throw error;
        lines.push(`${setting.name}: not run: ${error.message}`);
      }
    }
    return { lines, data };
  },
};
