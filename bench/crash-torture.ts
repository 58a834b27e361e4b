import type { Benchmark } from './benchmark.ts';
import { formatVerdict } from '../src/history/verdict-report.ts';
import { runCrashTorture } from '../src/nemesis/crash-torture.ts';

export const crashTorture: Benchmark = {
  name: 'crash-torture',
  description: 'SIGKILL a node before, during or after its term/vote writes, 1000 times (quick: 100); restarts must load what the kill allows',
  run: async (options, { progress }) => {
    const kills = options.trials ?? (options.quick ? 100 : 1000);
    const report = await runCrashTorture({ kills, seed: 16, print: progress });
    const rows = Object.entries(report.byPhase).map(([phase, { kills: count, landed }]) => `| ${phase} | ${count} | ${landed} | ${count - landed} |`);
    return {
      lines: [
        `crash-at-persist torture: ${report.kills} SIGKILLs of a 3-node cluster's victim at a hard-state write (seed 16), ${report.missed} armed rounds without a write`,
        '',
        '| killed | times | write on disk after the restart | write not on disk |',
        '| --- | --- | --- | --- |',
        ...rows,
        '',
        `restarts that loaded what the kill does not allow: ${report.wrongOutcomes.length}`,
        ...report.wrongOutcomes.slice(0, 10).map((line) => `  ! ${line}`),
        ...formatVerdict(report.verdict),
      ],
      data: { ...report, verdict: { ok: report.verdict.ok, violations: report.verdict.violations, counts: report.verdict.counts } },
    };
  },
};
