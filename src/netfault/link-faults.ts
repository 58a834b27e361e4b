/**
 * What the kernel does to the packets of one directed link (from one node's address to
 * another's): the model shared by the rule renderer, the nemesis and the fault scripts.
 */
export interface LinkShape {
  /**
   * `blackhole`: every packet vanishes, nothing answers (a dead route, a pulled cable); TCP only
   * learns of it from its retransmission timer or a keepalive. `reject`: each packet is answered
   * with a TCP reset, so connections fail at once (a closed port, a firewall that rejects).
   */
  readonly cut?: 'blackhole' | 'reject';
  /** Percentage of packets dropped at random, 0-100. */
  readonly lossPct?: number;
  /** Percentage of packets sent twice, 0-100. */
  readonly duplicatePct?: number;
  /** Each packet leaves `delayMs` plus a uniform random part of `jitterMs` late. */
  readonly delayMs?: number;
  readonly jitterMs?: number;
  /** Percentage of delayed-link packets sent at once instead, overtaking the held ones (netem's reorder). */
  readonly reorderPct?: number;
}

export interface LinkFault extends LinkShape {
  readonly from: string;
  readonly to: string;
}

/** A cut of both directions between every node of `a` and every node of `b`. */
export function cutBetween(a: readonly string[], b: readonly string[], cut: 'blackhole' | 'reject' = 'blackhole'): LinkFault[] {
  return a.flatMap((x) =>
    b.flatMap((y) =>
      x === y
        ? []
        : [
            { from: x, to: y, cut },
            { from: y, to: x, cut },
          ],
    ),
  );
}

/**
 * One shape per directed link: later faults on a link add to (and override fields of) earlier
 * ones, so `[...inPlace, ...added]` is what a fault "added to those in place" means.
 */
export function mergeLinkFaults(faults: readonly LinkFault[]): LinkFault[] {
  const byLink = new Map<string, LinkFault>();
  for (const fault of faults) {
    if (fault.from === fault.to) continue;
    const key = `${fault.from}>${fault.to}`;
    byLink.set(key, { ...byLink.get(key), ...withoutUndefined(fault), from: fault.from, to: fault.to });
  }
  return [...byLink.values()];
}

export function isDelayed(shape: LinkShape): boolean {
  return (shape.delayMs ?? 0) > 0 || (shape.jitterMs ?? 0) > 0;
}

/** `n1>n2 blackhole`, `n2>n3 delay 40±20ms loss 5%`: for timelines and errors. */
export function describeLinkFault(fault: LinkFault): string {
  const parts: string[] = [];
  if (fault.cut !== undefined) parts.push(fault.cut);
  if (isDelayed(fault)) parts.push(`delay ${fault.delayMs ?? 0}±${fault.jitterMs ?? 0}ms${fault.reorderPct ? ` reorder ${fault.reorderPct}%` : ''}`);
  if (fault.lossPct) parts.push(`loss ${fault.lossPct}%`);
  if (fault.duplicatePct) parts.push(`duplicate ${fault.duplicatePct}%`);
  return `${fault.from}>${fault.to} ${parts.join(' ') || 'nothing'}`;
}

/** A problem with the values, or null: percentages in [0, 100], delays in [0, 60 s]. */
export function linkFaultProblem(fault: LinkFault): string | null {
  const percent = (name: string, value: number | undefined): string | null =>
    value === undefined || (Number.isFinite(value) && value >= 0 && value <= 100) ? null : `${name} must be a percentage from 0 to 100 (got ${value})`;
  const ms = (name: string, value: number | undefined): string | null =>
    value === undefined || (Number.isFinite(value) && value >= 0 && value <= 60_000) ? null : `${name} must be from 0 to 60000 ms (got ${value})`;
  return (
    percent('lossPct', fault.lossPct) ??
    percent('duplicatePct', fault.duplicatePct) ??
    percent('reorderPct', fault.reorderPct) ??
    ms('delayMs', fault.delayMs) ??
    ms('jitterMs', fault.jitterMs)
  );
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as Partial<T>;
}

/** The directed links a planned partition cuts (partition-shapes.ts's `cuts`: both ends name each link; each is cut once). */
export function linksOfCuts(
  cuts: readonly { readonly node: string; readonly peers: readonly string[]; readonly direction: 'inbound' | 'outbound' | 'both' }[],
  cut: 'blackhole' | 'reject' = 'blackhole',
): LinkFault[] {
  const links = cuts.flatMap(({ node, peers, direction }) =>
    peers.flatMap((peer) => [
      ...(direction === 'inbound' ? [] : [{ from: node, to: peer, cut }]),
      ...(direction === 'outbound' ? [] : [{ from: peer, to: node, cut }]),
    ]),
  );
  return mergeLinkFaults(links);
}
