import { percentile } from '../util/stats.ts';
import { leaseIntervals, type LeaseInterval } from './lease-intervals.ts';
import { linePid, lineTerm, type FaultEvent, type RunHistory, type TokenObservation } from './history.ts';

export type Violation =
  | { readonly rule: 'one-leader-per-term'; readonly term: number; readonly leaders: readonly string[] }
  | { readonly rule: 'lease-overlap'; readonly first: LeaseInterval; readonly second: LeaseInterval; readonly overlapMs: number }
  | { readonly rule: 'fencing-token-order'; readonly earlier: TokenObservation; readonly later: TokenObservation }
  | { readonly rule: 'second-vote'; readonly node: string; readonly term: number; readonly candidates: readonly string[] }
  | { readonly rule: 'term-went-back'; readonly node: string; readonly from: number; readonly to: number; readonly where: string }
  | {
      readonly rule: 'vote-taken-back';
      readonly node: string;
      readonly term: number;
      readonly voted: string;
      readonly found: string | null;
      readonly where: string;
    };

export interface Availability {
  /** Time a majority was running, unpaused and connected, and the share of it with a lease holder. */
  readonly majorityConnectedMs: number;
  readonly leaseHeldShare: number;
  /** From each repair (heal, resume, restart) to the first moment a lease holder existed (0 if one already did). */
  readonly healToLeaseMs: Spread | null;
  /** The same over the repairs that found no lease holder: how long the cluster took to make one once it could. */
  readonly healToNewLeaseMs: Spread | null;
  /** Every stretch without a lease holder (whatever the cause: a kill, a cut, a pause, a transfer). */
  readonly noHolderMs: Spread | null;
  /** The longest stretch without a lease holder, and the faults in force or just made when it began. */
  readonly worstGap: { readonly fromMs: number; readonly toMs: number; readonly causes: readonly string[] } | null;
}

export interface Spread {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export interface Verdict {
  readonly ok: boolean;
  readonly violations: readonly Violation[];
  readonly leases: readonly LeaseInterval[];
  /** The smallest gap between one node's lease and the next node's: how close the run came to an overlap. */
  readonly closestHandOverMs: number | null;
  readonly counts: {
    readonly terms: number;
    readonly leadersElected: number;
    readonly votes: number;
    readonly restarts: number;
    readonly tokens: number;
    readonly unmappedProcesses: number;
  };
  readonly availability: Availability;
}

export interface CheckOptions {
  /** Overlaps up to this long are measurement error, not violations (0 with the machine's clock). */
  readonly toleranceMs?: number;
}

/**
 * Judges a run: at most one leader per term; no two nodes' leases overlap; each token handed to
 * the client is newer than every token handed before it was asked for (a later holder has a
 * higher term); no node votes for two candidates in a term or forgets a vote or a term across a
 * restart, up to what its store holds at the end. Then availability.
 */
export function checkHistory(history: RunHistory, options: CheckOptions = {}): Verdict {
  const violations: Violation[] = [];
  const toleranceMs = options.toleranceMs ?? 0;

  const leaders = new Map<number, Set<string>>();
  for (const line of history.lines) {
    if (line.line.type !== 'election-won') continue;
    const term = line.line.term;
    const set = leaders.get(term) ?? new Set<string>();
    set.add(line.node);
    leaders.set(term, set);
  }
  for (const [term, set] of leaders) if (set.size > 1) violations.push({ rule: 'one-leader-per-term', term, leaders: [...set].sort() });

  const { intervals, unmapped } = leaseIntervals(history.lines, history.processEnds, history.clockRates, history.endMs);
  let closestHandOverMs: number | null = null;
  intervals.forEach((first, index) => {
    for (const second of intervals.slice(index + 1)) {
      if (second.node === first.node) continue;
      const gap = second.fromMs - first.toMs;
      if (closestHandOverMs === null || gap < closestHandOverMs) closestHandOverMs = gap;
      const overlapMs = Math.min(first.toMs, second.toMs) - second.fromMs;
      if (overlapMs > toleranceMs) violations.push({ rule: 'lease-overlap', first, second, overlapMs });
      if (second.fromMs > first.toMs) break;
    }
  });

  violations.push(...fencingViolations(history.tokens));
  const { votes, problems } = voteProblems(history);
  violations.push(...problems);

  return {
    ok: violations.length === 0,
    violations,
    leases: intervals,
    closestHandOverMs,
    counts: {
      terms: new Set(history.lines.flatMap((line) => (lineTerm(line) === null ? [] : [lineTerm(line)]))).size,
      leadersElected: [...leaders.values()].reduce((sum, set) => sum + set.size, 0),
      votes,
      restarts: new Set(history.lines.map(linePid)).size - history.nodes.length,
      tokens: history.tokens.length,
      unmappedProcesses: unmapped.length,
    },
    availability: availability(history, intervals),
  };
}

/**
 * A token answered before another was asked for must not be newer: the later one has a higher
 * term, or the same term from the same holder.
 */
function fencingViolations(tokens: readonly TokenObservation[]): Violation[] {
  const bySent = [...tokens].sort((a, b) => a.sentAtMs - b.sentAtMs);
  const byAnswered = [...tokens].sort((a, b) => a.answeredAtMs - b.answeredAtMs);
  const violations: Violation[] = [];
  let newest: TokenObservation | null = null;
  let next = 0;
  for (const later of bySent) {
    while (next < byAnswered.length && (byAnswered[next]?.answeredAtMs ?? Infinity) < later.sentAtMs) {
      const candidate = byAnswered[next++];
      if (candidate !== undefined && (newest === null || candidate.term > newest.term)) newest = candidate;
    }
    if (newest === null) continue;
    if (later.term < newest.term || (later.term === newest.term && later.leaderId !== newest.leaderId))
      violations.push({ rule: 'fencing-token-order', earlier: newest, later });
  }
  return violations;
}

/** Votes and terms per node, across incarnations in log order, then against the store at the end. */
function voteProblems(history: RunHistory): { votes: number; problems: Violation[] } {
  const problems: Violation[] = [];
  let votes = 0;
  for (const node of history.nodes) {
    const voted = new Map<number, string>();
    let highestTerm = 0;
    let pid: number | null = null;
    const vote = (term: number, candidate: string): void => {
      const before = voted.get(term);
      if (before === undefined) {
        voted.set(term, candidate);
        votes += 1;
      } else if (before !== candidate) problems.push({ rule: 'second-vote', node, term, candidates: [before, candidate] });
    };
    const checkLoaded = (term: number, votedFor: string | null, where: string): void => {
      if (term < highestTerm) problems.push({ rule: 'term-went-back', node, from: highestTerm, to: term, where });
      const before = voted.get(term);
      if (before !== undefined && votedFor !== before) problems.push({ rule: 'vote-taken-back', node, term, voted: before, found: votedFor, where });
    };
    for (const line of history.lines.filter((candidate) => candidate.node === node)) {
      const typed = line.line;
      if (typed.type === 'started') {
        if (pid !== null) checkLoaded(typed.term, typed.votedFor, `restart as pid ${linePid(line)}`);
        pid = linePid(line);
        if (typed.votedFor !== null) vote(typed.term, typed.votedFor);
      } else if (typed.type === 'vote-granted' && !typed.preVote) {
        vote(typed.term, typed.candidate);
      } else if (typed.type === 'election-started' && !typed.preVote) {
        vote(typed.term, node);
      }
      const to = typed.type === 'term-changed' ? typed.to : lineTerm(line);
      // A pre-vote's term is the one it would campaign in, never adopted: not a term the node had.
      if (to !== null && line.fields.preVote !== true) highestTerm = Math.max(highestTerm, to);
    }
    const stored = history.stores.find((store) => store.node === node);
    if (stored !== undefined) checkLoaded(stored.term, stored.votedFor, 'store after the run');
  }
  return { votes, problems };
}

function availability(history: RunHistory, intervals: readonly LeaseInterval[]): Availability {
  const held = union(intervals.map((interval) => [Math.max(interval.fromMs, history.startMs), Math.min(interval.toMs, history.endMs)] as const));
  const connected = history.connectivity.filter((span) => span.majorityConnected);
  const majorityConnectedMs = connected.reduce((sum, span) => sum + (span.toMs - span.fromMs), 0);
  const heldWhileConnected = connected.reduce((sum, span) => sum + overlapLength(held, span.fromMs, span.toMs), 0);

  const waits: number[] = [];
  for (const repair of history.faults.filter((fault) => fault.repair)) {
    const holding = held.find(([from, to]) => to > repair.atMs && from <= repair.atMs);
    if (holding !== undefined) {
      waits.push(0);
      continue;
    }
    const nextLease = held.find(([from]) => from > repair.atMs);
    if (nextLease !== undefined) waits.push(nextLease[0] - repair.atMs);
  }
  let worstGap: Availability['worstGap'] = null;
  const gaps: number[] = [];
  let previousEnd = history.startMs;
  for (const [from, to] of [...held, [history.endMs, history.endMs] as const]) {
    if (from > previousEnd) gaps.push(from - previousEnd);
    if (from - previousEnd > (worstGap === null ? 0 : worstGap.toMs - worstGap.fromMs)) {
      worstGap = { fromMs: previousEnd, toMs: from, causes: causesAt(history.faults, previousEnd, from) };
    }
    previousEnd = Math.max(previousEnd, to);
  }
  return {
    majorityConnectedMs,
    leaseHeldShare: majorityConnectedMs === 0 ? 0 : heldWhileConnected / majorityConnectedMs,
    healToLeaseMs: spread(waits),
    healToNewLeaseMs: spread(waits.filter((wait) => wait > 0)),
    noHolderMs: spread(gaps),
    worstGap,
  };
}

/** The faults made in the two seconds before the gap began and during it: what it is most likely owed to. */
function causesAt(faults: readonly FaultEvent[], fromMs: number, toMs: number): string[] {
  return faults
    .filter((fault) => fault.atMs >= fromMs - 2000 && fault.atMs <= toMs)
    .map((fault) => `${fault.label} (at ${((fault.atMs - fromMs) / 1000).toFixed(2)} s)`);
}

function spread(values: readonly number[]): Spread | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return { count: sorted.length, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: sorted[sorted.length - 1] ?? 0 };
}

function union(spans: readonly (readonly [number, number])[]): [number, number][] {
  const sorted = spans.filter(([from, to]) => to > from).sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [from, to] of sorted) {
    const last = merged[merged.length - 1];
    if (last !== undefined && from <= last[1]) last[1] = Math.max(last[1], to);
    else merged.push([from, to]);
  }
  return merged;
}

function overlapLength(spans: readonly (readonly [number, number])[], fromMs: number, toMs: number): number {
  return spans.reduce((sum, [from, to]) => sum + Math.max(0, Math.min(to, toMs) - Math.max(from, fromMs)), 0);
}
