import type { Summary } from '../src/util/stats.ts';

export const summaryHeader = ['n', 'min', 'p50', 'p90', 'p99', 'max'] as const;

/** Milliseconds, whole by default; a dash for a missing value. */
export function ms(value: number | null | undefined, digits = 0): string {
  return value === null || value === undefined || Number.isNaN(value) ? '-' : value.toFixed(digits);
}

/** The `summaryHeader` columns of one summary, in ms. */
export function summaryCells(summary: Summary | null, digits = 0): string[] {
  if (summary === null) return ['0', '-', '-', '-', '-', '-'];
  return [String(summary.count), ...[summary.min, summary.p50, summary.p90, summary.p99, summary.max].map((value) => ms(value, digits))];
}
