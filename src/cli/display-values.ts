/** Table cells for values a node did not report. */
export const noValue = '-';

export function formatMs(ms: number | null): string {
  return ms === null ? noValue : `${Math.round(ms)}ms`;
}
