/** `HH:MM:SS.mmm` in local time: what a person reads next to the nodes' logs on the same machine. */
export function formatClock(wallTimeMs: number): string {
  const time = new Date(wallTimeMs);
  const two = (value: number): string => String(value).padStart(2, '0');
  return `${two(time.getHours())}:${two(time.getMinutes())}:${two(time.getSeconds())}.${String(time.getMilliseconds()).padStart(3, '0')}`;
}
