import { SeededRandom } from '../util/seeded-random.ts';
import { bridge, halves, isolate, majoritiesRing, oneWay, type PartitionPlan } from './partition-shapes.ts';

/** Whom a process fault hits; resolved when it is made, as the leader is only known then. */
export type Target = 'leader' | 'follower' | 'any';

export type NemesisFault =
  | { readonly kind: 'kill'; readonly target: Target }
  | { readonly kind: 'pause'; readonly target: Target }
  /** `isolate-leader` is planned without a plan: the leader is only known when it is made. */
  | { readonly kind: 'partition'; readonly shape: string; readonly plan: PartitionPlan | null; readonly cut: 'blackhole' | 'reject' }
  /** On every link (`scope` null) or on every link of one node, both ways. */
  | { readonly kind: 'delay'; readonly scope: string | null; readonly delayMs: number; readonly jitterMs: number; readonly reorderPct: number }
  | { readonly kind: 'loss'; readonly scope: string | null; readonly lossPct: number; readonly duplicatePct: number }
  /** To `to`, or to the leader's most responsive follower. */
  | { readonly kind: 'transfer'; readonly to?: string };

/** One fault, held for `holdMs` and then repaired (restart, resume, heal); the next one starts `quietMs` after the repair. */
export interface Episode {
  readonly fault: NemesisFault;
  readonly holdMs: number;
  readonly quietMs: number;
}

export interface SoakScheduleOptions {
  readonly nodes: readonly string[];
  readonly seed: number;
  /** Enough episodes for this long: the runner stops at the end of the run, wherever it is. */
  readonly durationMs: number;
  readonly electionTimeoutMs: number;
}

type Kind = 'kill' | 'pause' | 'partition' | 'delay' | 'loss' | 'transfer';
/** How often each kind is drawn, relative to the others. */
const weights: Readonly<Record<Kind, number>> = { kill: 2, pause: 2, partition: 4, delay: 1, loss: 1, transfer: 1 };
const shapes = ['isolate', 'isolate-leader', 'halves', 'bridge', 'majorities-ring', 'one-way'] as const;

/**
 * The soak's nemesis, planned from the seed alone: one fault at a time (as Jepsen's nemeses
 * alternate fault and recovery), each held long enough to matter, from under an election timeout
 * to several, and followed by a quiet spell in which the cluster should recover; so every repair
 * starts a measurable heal-to-lease-holder time. Partitions are cut by kernel rules, mostly
 * blackholes (nothing answers), sometimes rejects (TCP resets).
 */
export function planSoak(options: SoakScheduleOptions): Episode[] {
  const { nodes, electionTimeoutMs: t } = options;
  const random = new SeededRandom(options.seed);
  const episodes: Episode[] = [];
  let plannedMs = 0;
  while (plannedMs < options.durationMs) {
    const fault = drawFault(random, nodes);
    const holdMs = fault.kind === 'transfer' ? 0 : Math.round(random.between(0.5, 8) * t);
    const quietMs = Math.round(random.between(2, 6) * t);
    episodes.push({ fault, holdMs, quietMs });
    plannedMs += holdMs + quietMs;
  }
  return episodes;
}

function drawFault(random: SeededRandom, nodes: readonly string[]): NemesisFault {
  const kinds = Object.keys(weights) as Kind[];
  let draw = random.between(
    0,
    kinds.reduce((sum, kind) => sum + weights[kind], 0),
  );
  const kind = kinds.find((candidate) => (draw -= weights[candidate]) < 0) ?? 'partition';
  const target = (): Target => random.pick(['leader', 'leader', 'follower', 'any'] as const);
  const scope = (): string | null => (random.chance(0.5) ? null : random.pick(nodes));
  switch (kind) {
    case 'kill':
      return { kind, target: target() };
    case 'pause':
      return { kind, target: target() };
    case 'partition': {
      const shape = random.pick(nodes.length >= 3 ? shapes : (['isolate', 'isolate-leader', 'one-way'] as const));
      const cut = random.chance(0.8) ? 'blackhole' : 'reject';
      return { kind, shape, plan: planShape(shape, nodes, random), cut };
    }
    case 'delay':
      return {
        kind,
        scope: scope(),
        delayMs: Math.round(random.between(5, 150)),
        jitterMs: Math.round(random.between(0, 100)),
        reorderPct: Math.round(random.between(0, 20)),
      };
    case 'loss':
      return { kind, scope: scope(), lossPct: Math.round(random.between(2, 30)), duplicatePct: Math.round(random.between(0, 10)) };
    case 'transfer':
      return { kind };
  }
}

function planShape(shape: (typeof shapes)[number], nodes: readonly string[], random: SeededRandom): PartitionPlan | null {
  const result = (() => {
    switch (shape) {
      case 'isolate':
        return isolate(nodes, random.pick(nodes));
      case 'isolate-leader':
        return null;
      case 'halves':
        return halves(nodes, random);
      case 'bridge':
        return bridge(nodes, random);
      case 'majorities-ring':
        return majoritiesRing(nodes, random);
      case 'one-way': {
        const from = random.pick(nodes);
        return oneWay(nodes, from, random.pick(nodes.filter((node) => node !== from)));
      }
    }
  })();
  if (result === null) return null;
  if (!result.ok) throw new Error(`planSoak: ${result.problem}`);
  return result.plan;
}

/** `kill leader`, `halves n1,n2,n4 | n3,n5 (blackhole)`, `delay 40±20ms reorder 5% on n2`: for the timeline and the counts. */
export function describeFault(fault: NemesisFault): string {
  switch (fault.kind) {
    case 'kill':
    case 'pause':
      return `${fault.kind} ${fault.target}`;
    case 'partition':
      return `${fault.plan?.label ?? fault.shape} (${fault.cut})`;
    case 'delay':
      return `delay ${fault.delayMs}±${fault.jitterMs}ms reorder ${fault.reorderPct}% on ${fault.scope ?? 'every link'}`;
    case 'loss':
      return `loss ${fault.lossPct}% duplicate ${fault.duplicatePct}% on ${fault.scope ?? 'every link'}`;
    case 'transfer':
      return `transfer leadership${fault.to === undefined ? '' : ` to ${fault.to}`}`;
  }
}

/** The name faults are counted under: kill, pause, a partition shape, delay, loss, transfer. */
export function faultKind(fault: NemesisFault): string {
  return fault.kind === 'partition' ? fault.shape : fault.kind;
}
