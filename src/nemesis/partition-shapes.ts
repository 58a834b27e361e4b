import type { PartitionDirection } from '../client/admin-client.ts';
import type { SeededRandom } from '../util/seeded-random.ts';

/**
 * Named partition shapes, planned as the links each node must cut. Planning is pure: applying a
 * plan is the job of scripts/faults/link-faults.ts (through the admin API) or of src/netfault (kernel rules).
 *
 * Every link is cut on both of its ends (symmetric shapes cut `both` on each side; a one-way cut
 * is `outbound` on the sender and `inbound` on the receiver). One end would be enough, but with
 * both a shape survives one end restarting (a restarted node comes back with no faults) or
 * missing the call (e.g. while it is paused).
 */

/** The peers one node stops exchanging traffic with, and in which direction. */
export interface NodeCuts {
  readonly node: string;
  readonly peers: readonly string[];
  readonly direction: PartitionDirection;
}

export interface PartitionPlan {
  /** Short, for a timeline: e.g. `isolate n2`. */
  readonly label: string;
  /** What applying it does, in one line: e.g. `isolated n2 from n1, n3 (both directions)`. */
  readonly summary: string;
  /** Only the nodes with something to cut, in the cluster's order. */
  readonly cuts: readonly NodeCuts[];
}

export type PartitionPlanResult = { readonly ok: true; readonly plan: PartitionPlan } | { readonly ok: false; readonly problem: string };

/** Cuts every link of `target`, both ways. */
export function isolate(nodes: readonly string[], target: string): PartitionPlanResult {
  if (!nodes.includes(target)) return { ok: false, problem: `no node ${target} among ${nodes.join(', ')}` };
  const others = nodes.filter((node) => node !== target);
  if (others.length === 0) return { ok: false, problem: `${target} is the only node: there is nothing to isolate it from` };
  return planned(
    `isolate ${target}`,
    `isolated ${target} from ${others.join(', ')} (both directions)`,
    symmetricCuts(nodes, (a, b) => a === target || b === target),
  );
}

/** A random strict majority and the minority left over, with every link between them cut. */
export function halves(nodes: readonly string[], random: SeededRandom): PartitionPlanResult {
  if (nodes.length < 3) return { ok: false, problem: `halves needs at least 3 nodes for a majority and a minority (the cluster has ${nodes.length})` };
  const shuffled = random.shuffle(nodes);
  const majority = inClusterOrder(nodes, shuffled.slice(0, majoritySize(nodes.length)));
  const minority = inClusterOrder(nodes, shuffled.slice(majority.length));
  return planned(
    `halves ${majority.join(',')} | ${minority.join(',')}`,
    `split into majority ${majority.join(', ')} and minority ${minority.join(', ')} (both directions)`,
    symmetricCuts(nodes, (a, b) => majority.includes(a) !== majority.includes(b)),
  );
}

/**
 * Two sides that share exactly one node: a random bridge node, and the others split into two
 * sides as even as can be. Every link between the sides is cut; the bridge keeps all its links.
 */
export function bridge(nodes: readonly string[], random: SeededRandom): PartitionPlanResult {
  if (nodes.length < 3) return { ok: false, problem: `bridge needs at least 3 nodes: a bridge and one node on each side (the cluster has ${nodes.length})` };
  const [bridgeNode, ...rest] = random.shuffle(nodes);
  if (bridgeNode === undefined) throw new Error('bridge: a shuffle of at least 3 nodes is empty');
  const leftSize = Math.ceil(rest.length / 2);
  const left = inClusterOrder(nodes, rest.slice(0, leftSize));
  const right = inClusterOrder(nodes, rest.slice(leftSize));
  const crosses = (a: string, b: string): boolean => (left.includes(a) && right.includes(b)) || (right.includes(a) && left.includes(b));
  return planned(
    `bridge ${left.join(',')} <${bridgeNode}> ${right.join(',')}`,
    `bridged ${left.join(', ')} and ${right.join(', ')} through ${bridgeNode}: ${bridgeNode} talks to both sides, the sides do not talk to each other (both directions)`,
    symmetricCuts(nodes, crosses),
  );
}

/**
 * Every node sees a majority (itself and the peers it still has links with), and no two nodes
 * see the same one, so no majority agrees on what it sees.
 *
 * Construction: the nodes are put on a ring in random order and each keeps its links to the
 * nodes within `reach = ceil(floor(n/2) / 2)` places of it, all others being cut. A node then sees
 * a window of 2·reach + 1 ≥ floor(n/2) + 1 consecutive ring places centred on itself: a majority.
 * While that window is shorter than the ring (every n ≥ 4), windows with different centres
 * differ. With 5 nodes, reach is 1: each node sees itself and its two ring neighbours.
 * With 3 nodes the window would be the whole ring, so the ring is opened into a line by cutting
 * the link between its first and last node: the ends see themselves and the middle node (2 of
 * 3), the middle node sees everyone.
 */
export function majoritiesRing(nodes: readonly string[], random: SeededRandom): PartitionPlanResult {
  const n = nodes.length;
  if (n < 3) return { ok: false, problem: `majorities-ring needs at least 3 nodes (the cluster has ${n})` };
  const ring = random.shuffle(nodes);
  const place = new Map(ring.map((node, index) => [node, index]));
  const reach = Math.ceil(Math.floor(n / 2) / 2);
  const opened = 2 * reach + 1 >= n;
  const linked = (a: string, b: string): boolean => {
    const gap = Math.abs((place.get(a) ?? 0) - (place.get(b) ?? 0));
    if (opened && gap === n - 1) return false;
    return Math.min(gap, n - gap) <= reach;
  };
  const sees = nodes.map((node) => `${node} sees ${nodes.filter((other) => other === node || linked(node, other)).join(', ')}`);
  const layout = opened ? `line ${ring.join(' - ')}` : `ring ${ring.join(' - ')} - ${ring[0]}`;
  return planned(
    `majorities-ring ${ring.join('-')}`,
    `cut all but the links within ${reach} place${reach === 1 ? '' : 's'} on the ${layout} (both directions): ${sees.join('; ')}`,
    symmetricCuts(nodes, (a, b) => !linked(a, b)),
  );
}

/** Drops what `from` sends `to` (messages and replies alike); what `to` sends `from` still arrives. */
export function oneWay(nodes: readonly string[], from: string, to: string): PartitionPlanResult {
  const unknown = [from, to].find((node) => !nodes.includes(node));
  if (unknown !== undefined) return { ok: false, problem: `no node ${unknown} among ${nodes.join(', ')}` };
  if (from === to) return { ok: false, problem: `one-way needs two different nodes (got ${from} twice)` };
  return planned(
    `one-way ${from}->${to}`,
    `cut ${from} -> ${to} one way: ${to} no longer hears from ${from}, ${from} still hears from ${to}`,
    (
      [
        { node: from, peers: [to], direction: 'outbound' },
        { node: to, peers: [from], direction: 'inbound' },
      ] satisfies NodeCuts[]
    ).sort((a, b) => nodes.indexOf(a.node) - nodes.indexOf(b.node)),
  );
}

function planned(label: string, summary: string, cuts: readonly NodeCuts[]): PartitionPlanResult {
  return { ok: true, plan: { label, summary, cuts } };
}

/** `isCut` must not depend on the order of its arguments; each cut link is then cut on both ends. */
function symmetricCuts(nodes: readonly string[], isCut: (a: string, b: string) => boolean): NodeCuts[] {
  return nodes.flatMap((node) => {
    const peers = nodes.filter((peer) => peer !== node && isCut(node, peer));
    return peers.length === 0 ? [] : [{ node, peers, direction: 'both' as const }];
  });
}

function majoritySize(nodeCount: number): number {
  return Math.floor(nodeCount / 2) + 1;
}

function inClusterOrder(nodes: readonly string[], subset: readonly string[]): string[] {
  return nodes.filter((node) => subset.includes(node));
}
