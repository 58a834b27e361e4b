import { AdminClient } from '../../src/client/admin-client.ts';
import type { NodeStatus } from '../../src/client/admin-responses.ts';
import { claimOf, newestLeader, unanimousLeader, type AgreedLeader } from '../../src/client/leader-agreement.ts';
import { setTimeout as delay } from 'node:timers/promises';

/** Who leads as far as the latest answers show: the leader claim in the highest term, if any. */
export interface LeaderSighting {
  readonly leader: string | null;
  readonly term: number;
}

const pollIntervalMs = 100;
/**
 * A node counts as silent after this many failed calls in a row, each given `pollTimeoutMs`:
 * soon after a leader is killed or paused, but not on one call a busy machine answered late.
 */
const pollTimeoutMs = 1000;
const failuresToSilence = 2;

/**
 * Polls every node's Status about every 100 ms, each node on its own so that one that does not
 * answer does not slow the others, and reports each change of the leader it sees.
 */
export class LeaderObserver {
  private readonly clients: ReadonlyMap<string, AdminClient>;
  /** A node's latest answer; null once it is silent. Missing until its first call ends. */
  private readonly latest = new Map<string, NodeStatus | null>();
  /** When the call that got each node's latest answer was made (performance.now()). */
  private readonly askedAt = new Map<string, number>();
  private sighting: LeaderSighting | null = null;
  private lastLeader: LeaderSighting | null = null;
  private changes = 0;
  private highestTerm = 0;
  private polling = false;
  private loops: Promise<void>[] = [];

  constructor(
    nodes: readonly { readonly id: string; readonly adminAddress: string }[],
    private readonly onSighting: (sighting: LeaderSighting) => void,
  ) {
    this.clients = new Map(nodes.map((node) => [node.id, new AdminClient(node.adminAddress, pollTimeoutMs)]));
  }

  /** How often the leader seen changed to another node or term (the first sighting is no change). */
  get leaderChanges(): number {
    return this.changes;
  }

  get maxTerm(): number {
    return this.highestTerm;
  }

  start(): void {
    this.polling = true;
    this.loops = [...this.clients].map(([id, client]) => this.poll(id, client));
  }

  async stop(): Promise<void> {
    this.polling = false;
    await Promise.all(this.loops);
    for (const client of this.clients.values()) client.close();
  }

  /** Whether the node's latest call, since it was last forgotten, got an answer. */
  answers(id: string): boolean {
    return (this.latest.get(id) ?? null) !== null;
  }

  /** For a node just restarted: what its former process said must not count as its answer. */
  forget(id: string): void {
    this.latest.delete(id);
    this.askedAt.delete(id);
  }

  /**
   * The leader every node's latest answer agrees on: all answered, one leader, one term. Only
   * answers to calls made from `since` (performance.now()) on count, so that what nodes said
   * before a change (e.g. a heal) is not taken for what they say after it.
   */
  agreedLeader(since: number): AgreedLeader | null {
    const statuses = [...this.clients.keys()].map((id) => ((this.askedAt.get(id) ?? -Infinity) >= since ? (this.latest.get(id) ?? null) : null));
    return unanimousLeader(statuses.map((status) => status && claimOf(status.id, status)));
  }

  private async poll(id: string, client: AdminClient): Promise<void> {
    let failures = 0;
    while (this.polling) {
      const askedAt = performance.now();
      const result = await client.status();
      if (!this.polling) return;
      failures = result.ok ? 0 : failures + 1;
      if (result.ok || failures >= failuresToSilence || !this.latest.has(id)) {
        this.latest.set(id, result.ok ? result.value : null);
        this.askedAt.set(id, askedAt);
      }
      if (result.ok) this.highestTerm = Math.max(this.highestTerm, result.value.term);
      this.look();
      await delay(pollIntervalMs);
    }
  }

  private look(): void {
    // Until every node has answered or failed once, a missing leader may just not have answered yet.
    if (this.latest.size < this.clients.size) return;
    const newest = newestLeader([...this.latest.values()].map((status) => status && claimOf(status.id, status)));
    const sighting: LeaderSighting = newest ?? { leader: null, term: this.highestTerm };
    if (this.sighting !== null && this.sighting.leader === sighting.leader && (sighting.leader === null || this.sighting.term === sighting.term)) return;
    this.sighting = sighting;
    if (sighting.leader !== null) {
      if (this.lastLeader !== null && (this.lastLeader.leader !== sighting.leader || this.lastLeader.term !== sighting.term)) this.changes += 1;
      this.lastLeader = sighting;
    }
    this.onSighting(sighting);
  }
}
