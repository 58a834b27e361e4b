import { SeededRandom } from '../../src/util/seeded-random.ts';
import { bridge, halves, isolate, majoritiesRing, oneWay, type PartitionPlan, type PartitionPlanResult } from '../../src/nemesis/partition-shapes.ts';

/**
 * The faults of a chaos run, planned up front from the seed alone: the same seed and options give
 * the same steps in the same order. Only when they happen varies, with the
 * machine. The plan keeps the cluster able to recover:
 * - at most a minority of the nodes is down (killed or paused) at any moment;
 * - each kill is followed by a restart 1 to 3 intervals later, each pause lasts 0.1 to 2 intervals;
 * - a restarted node counts as down for one more interval, as it takes a while to start;
 * - of the nodes the launcher runs itself, one is never killed: the launcher stops once all of
 *   them have exited, and the nodes restarted by these scripts stop with it;
 * - a partition replaces the one before it (the executor heals first), and `heal` comes only
 *   while a partition is in place.
 * Follow-ups due after the end (restarts, resumes) are left to the executor's clean-up.
 */

export type ChaosShape = 'isolate' | 'one-way' | 'halves' | 'bridge' | 'majorities-ring';

export type ChaosAction =
  | { readonly kind: 'partition'; readonly shape: ChaosShape; readonly plan: PartitionPlan }
  | { readonly kind: 'heal' }
  | { readonly kind: 'kill'; readonly node: string }
  /** `afterMs`: the planned time since the node's kill, which a late kill must not shorten. */
  | { readonly kind: 'restart'; readonly node: string; readonly afterMs: number }
  | { readonly kind: 'pause'; readonly node: string; readonly ms: number }
  /** `afterMs`: the pause's length, which a late pause must not shorten. */
  | { readonly kind: 'resume'; readonly node: string; readonly afterMs: number };

export interface ChaosStep {
  /** Since the start of the run. */
  readonly atMs: number;
  readonly action: ChaosAction;
}

export interface ChaosScheduleOptions {
  /** At least 2. */
  readonly nodes: readonly string[];
  /** The nodes whose process the launcher started itself. */
  readonly launcherNodes: readonly string[];
  readonly durationMs: number;
  /** The mean time between faults; each gap is drawn from [0.5, 1.5) times it. */
  readonly intervalMs: number;
  readonly seed: number;
}

type FaultKind = ChaosShape | 'heal' | 'kill' | 'pause';

/** How often each kind is drawn, relative to the others, among those possible at that moment. */
const weights: Readonly<Record<FaultKind, number>> = {
  isolate: 2,
  'one-way': 2,
  halves: 1,
  bridge: 1,
  'majorities-ring': 1,
  heal: 2,
  kill: 2,
  pause: 2,
};

export function planChaos(options: ChaosScheduleOptions): ChaosStep[] {
  const { nodes, durationMs, intervalMs } = options;
  if (nodes.length < 2) throw new Error('planChaos: a chaos run needs at least 2 nodes');
  const random = new SeededRandom(options.seed);
  const maxDown = Math.floor((nodes.length - 1) / 2);
  const steps: ChaosStep[] = [];
  let followUps: ChaosStep[] = [];
  const down = new Set<string>();
  /** Restarted nodes, down until the time given. */
  const starting = new Map<string, number>();
  const launcherNodes = new Set(options.launcherNodes);
  let partitioned = false;

  const takeFollowUpsUntil = (atMs: number): void => {
    const due = followUps.filter((step) => step.atMs <= atMs).sort((a, b) => a.atMs - b.atMs);
    followUps = followUps.filter((step) => step.atMs > atMs);
    for (const step of due) {
      steps.push(step);
      if (step.action.kind === 'resume') down.delete(step.action.node);
      if (step.action.kind === 'restart') starting.set(step.action.node, step.atMs + intervalMs);
    }
    for (const [node, until] of starting) {
      if (until > atMs) continue;
      starting.delete(node);
      down.delete(node);
    }
  };
  const partition = (atMs: number, shape: ChaosShape, result: PartitionPlanResult): void => {
    if (!result.ok) throw new Error(`planChaos: ${result.problem}`);
    steps.push({ atMs, action: { kind: 'partition', shape, plan: result.plan } });
    partitioned = true;
  };

  for (let atMs = gap(random, intervalMs); atMs < durationMs; atMs += gap(random, intervalMs)) {
    takeFollowUpsUntil(atMs);
    const up = nodes.filter((node) => !down.has(node));
    const killable = up.filter((node) => !launcherNodes.has(node) || launcherNodes.size > 1);
    const possible: Record<FaultKind, boolean> = {
      isolate: true,
      'one-way': true,
      halves: nodes.length >= 3,
      bridge: nodes.length >= 3,
      'majorities-ring': nodes.length >= 3,
      heal: partitioned,
      kill: down.size < maxDown && killable.length > 0,
      pause: down.size < maxDown && up.length > 0,
    };
    switch (pickWeighted(random, possible)) {
      case 'isolate':
        partition(atMs, 'isolate', isolate(nodes, random.pick(nodes)));
        break;
      case 'one-way': {
        const from = random.pick(nodes);
        partition(atMs, 'one-way', oneWay(nodes, from, random.pick(nodes.filter((node) => node !== from))));
        break;
      }
      case 'halves':
        partition(atMs, 'halves', halves(nodes, random));
        break;
      case 'bridge':
        partition(atMs, 'bridge', bridge(nodes, random));
        break;
      case 'majorities-ring':
        partition(atMs, 'majorities-ring', majoritiesRing(nodes, random));
        break;
      case 'heal':
        steps.push({ atMs, action: { kind: 'heal' } });
        partitioned = false;
        break;
      case 'kill': {
        const node = random.pick(killable);
        steps.push({ atMs, action: { kind: 'kill', node } });
        const afterMs = Math.round(intervalMs * random.between(1, 3));
        followUps.push({ atMs: atMs + afterMs, action: { kind: 'restart', node, afterMs } });
        down.add(node);
        // Restarted, it is no longer the launcher's child.
        launcherNodes.delete(node);
        break;
      }
      case 'pause': {
        const node = random.pick(up);
        const ms = Math.max(1, Math.round(intervalMs * random.between(0.1, 2)));
        steps.push({ atMs, action: { kind: 'pause', node, ms } });
        followUps.push({ atMs: atMs + ms, action: { kind: 'resume', node, afterMs: ms } });
        down.add(node);
        break;
      }
    }
  }
  takeFollowUpsUntil(durationMs - 1);
  return steps;
}

function gap(random: SeededRandom, intervalMs: number): number {
  return Math.max(1, Math.round(intervalMs * random.between(0.5, 1.5)));
}

function pickWeighted(random: SeededRandom, possible: Readonly<Record<FaultKind, boolean>>): FaultKind {
  const kinds = (Object.keys(weights) as FaultKind[]).filter((kind) => possible[kind]);
  const total = kinds.reduce((sum, kind) => sum + weights[kind], 0);
  let draw = random.between(0, total);
  for (const kind of kinds) {
    draw -= weights[kind];
    if (draw < 0) return kind;
  }
  // Rounding can leave a sliver at the very top.
  const last = kinds.at(-1);
  if (last === undefined) throw new Error('planChaos: isolate is always possible, yet no fault kind is');
  return last;
}
