/** `name{labels} value` lines of a Prometheus text exposition, keyed by the part before the value. */
export function prometheusSamples(text: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const split = line.lastIndexOf(' ');
    found.set(line.slice(0, split), Number(line.slice(split + 1)));
  }
  return found;
}
