import { describe, expect, it } from 'vitest';
import { bridge, halves, isolate, majoritiesRing, oneWay, type PartitionPlan, type PartitionPlanResult } from '../../src/nemesis/partition-shapes.ts';
import { SeededRandom } from '../../src/util/seeded-random.ts';

const cluster = (size: number): string[] => Array.from({ length: size }, (_, index) => `n${index + 1}`);
const seeds = [1, 2, 3, 42, 1234, 99_999];

function planOf(result: PartitionPlanResult): PartitionPlan {
  if (!result.ok) throw new Error(`expected a plan, got: ${result.problem}`);
  return result.plan;
}

/** Whether `receiver` gets what `sender` sends, given the cuts on both ends of their link. */
function hears(plan: PartitionPlan, receiver: string, sender: string): boolean {
  const cutBy = (node: string, peer: string, directions: readonly string[]): boolean =>
    plan.cuts.some((cut) => cut.node === node && cut.peers.includes(peer) && directions.includes(cut.direction));
  return !cutBy(sender, receiver, ['outbound', 'both']) && !cutBy(receiver, sender, ['inbound', 'both']);
}

/** Itself and every peer whose link with it is cut in neither direction. */
function visible(plan: PartitionPlan, nodes: readonly string[], node: string): string[] {
  return nodes.filter((peer) => peer === node || (hears(plan, node, peer) && hears(plan, peer, node)));
}

function cutsOf(plan: PartitionPlan, node: string): readonly string[] {
  return plan.cuts.find((cut) => cut.node === node)?.peers ?? [];
}

/** If a cuts b then b cuts a, both ways. */
function expectSymmetric(plan: PartitionPlan): void {
  for (const cut of plan.cuts) {
    expect(cut.direction).toBe('both');
    for (const peer of cut.peers) expect(cutsOf(plan, peer)).toContain(cut.node);
  }
}

const isMajority = (seen: readonly string[], size: number): boolean => seen.length > size / 2;

describe('isolate', () => {
  it('cuts every link of the node both ways, on both ends, and nothing else', () => {
    const nodes = cluster(5);
    const plan = planOf(isolate(nodes, 'n2'));
    expectSymmetric(plan);
    expect(cutsOf(plan, 'n2')).toEqual(['n1', 'n3', 'n4', 'n5']);
    for (const other of ['n1', 'n3', 'n4', 'n5']) {
      expect(cutsOf(plan, other)).toEqual(['n2']);
      expect(hears(plan, other, 'n2') || hears(plan, 'n2', other)).toBe(false);
    }
    expect(plan.summary).toBe('isolated n2 from n1, n3, n4, n5 (both directions)');
  });

  it('refuses an unknown node and a lone node', () => {
    expect(isolate(cluster(3), 'n9')).toMatchObject({ ok: false, problem: 'no node n9 among n1, n2, n3' });
    expect(isolate(['n1'], 'n1').ok).toBe(false);
  });
});

describe('halves', () => {
  it.each([3, 4, 5, 6, 7])('splits %i nodes into a strict majority and the rest, cut from each other', (size) => {
    const nodes = cluster(size);
    for (const seed of seeds) {
      const plan = planOf(halves(nodes, new SeededRandom(seed)));
      expectSymmetric(plan);
      const sides = [...new Set(nodes.map((node) => visible(plan, nodes, node).join(',')))].map((side) => side.split(','));
      expect(sides).toHaveLength(2);
      const [first, second] = sides as [string[], string[]];
      expect(first.length + second.length).toBe(size);
      expect([first, second].filter((side) => isMajority(side, size))).toHaveLength(1);
      expect(second.length).toBeGreaterThan(0);
    }
  });

  it('is the same split for the same seed, and varies with the seed', () => {
    const nodes = cluster(5);
    const labels = seeds.map((seed) => planOf(halves(nodes, new SeededRandom(seed))).label);
    expect(seeds.map((seed) => planOf(halves(nodes, new SeededRandom(seed))).label)).toEqual(labels);
    expect(new Set(labels).size).toBeGreaterThan(1);
  });

  it('refuses fewer than 3 nodes', () => {
    expect(halves(cluster(2), new SeededRandom(1)).ok).toBe(false);
  });
});

describe('bridge', () => {
  it.each([3, 4, 5, 7])('gives %i nodes two sides that share exactly one node, which sees everyone', (size) => {
    const nodes = cluster(size);
    for (const seed of seeds) {
      const plan = planOf(bridge(nodes, new SeededRandom(seed)));
      expectSymmetric(plan);
      const bridges = nodes.filter((node) => visible(plan, nodes, node).length === size);
      expect(bridges).toHaveLength(1);
      const bridgeNode = bridges[0]!;
      expect(cutsOf(plan, bridgeNode)).toEqual([]);
      const sides = [...new Set(nodes.filter((node) => node !== bridgeNode).map((node) => visible(plan, nodes, node).join(',')))].map((side) =>
        side.split(','),
      );
      expect(sides).toHaveLength(2);
      const [left, right] = sides as [string[], string[]];
      expect(left.filter((node) => right.includes(node))).toEqual([bridgeNode]);
      expect(new Set([...left, ...right]).size).toBe(size);
      expect(Math.abs(left.length - right.length)).toBeLessThanOrEqual(1);
    }
  });

  it('lets both sides of 5 nodes see a majority through the bridge', () => {
    const nodes = cluster(5);
    const plan = planOf(bridge(nodes, new SeededRandom(7)));
    for (const node of nodes) expect(isMajority(visible(plan, nodes, node), 5)).toBe(true);
  });
});

describe('majorities-ring', () => {
  it.each([3, 4, 5, 6, 7, 8, 9])('lets each of %i nodes see a strict majority, no two the same', (size) => {
    const nodes = cluster(size);
    for (const seed of seeds) {
      const plan = planOf(majoritiesRing(nodes, new SeededRandom(seed)));
      expectSymmetric(plan);
      const seen = nodes.map((node) => visible(plan, nodes, node));
      for (const set of seen) expect(isMajority(set, size)).toBe(true);
      expect(new Set(seen.map((set) => set.join(','))).size).toBe(size);
    }
  });

  it('lets each of 5 nodes see itself and exactly two others', () => {
    const nodes = cluster(5);
    const plan = planOf(majoritiesRing(nodes, new SeededRandom(3)));
    for (const node of nodes) expect(visible(plan, nodes, node)).toHaveLength(3);
  });

  it('opens 3 nodes into a line: two ends that see 2 nodes, a middle that sees all 3', () => {
    const nodes = cluster(3);
    const plan = planOf(majoritiesRing(nodes, new SeededRandom(5)));
    expect(nodes.map((node) => visible(plan, nodes, node).length).sort()).toEqual([2, 2, 3]);
  });
});

describe('one-way', () => {
  it('drops only what from sends to, on both ends of the link', () => {
    const nodes = cluster(3);
    const plan = planOf(oneWay(nodes, 'n3', 'n1'));
    expect(plan.cuts).toEqual([
      { node: 'n1', peers: ['n3'], direction: 'inbound' },
      { node: 'n3', peers: ['n1'], direction: 'outbound' },
    ]);
    expect(hears(plan, 'n1', 'n3')).toBe(false);
    expect(hears(plan, 'n3', 'n1')).toBe(true);
    expect(hears(plan, 'n2', 'n3') && hears(plan, 'n3', 'n2') && hears(plan, 'n1', 'n2')).toBe(true);
  });

  it('refuses a node twice and unknown nodes', () => {
    expect(oneWay(cluster(3), 'n2', 'n2').ok).toBe(false);
    expect(oneWay(cluster(3), 'n2', 'n7')).toMatchObject({ ok: false, problem: 'no node n7 among n1, n2, n3' });
  });
});
