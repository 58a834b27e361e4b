import type { Ready } from '../../src/core/ready.ts';
import type { HardState } from '../../src/core/hard-state.ts';
import type { NodeId } from '../../src/core/ids.ts';
import type { SimCluster } from './sim-cluster.ts';

/**
 * Safety properties checked after every simulated event. A violation is recorded (with the
 * virtual time) rather than thrown, so a test can report the seed and all that went wrong.
 */
export class InvariantChecker {
  readonly violations: string[] = [];
  private readonly leaderOfTerm = new Map<number, NodeId>();
  /** Every vote ever granted, by voter and term: never two candidates for one (voter, term). */
  private readonly votes = new Map<string, NodeId>();
  /** Terms of nodes that are fully isolated, recorded when isolation began. */
  private readonly isolatedAtTerm = new Map<NodeId, number>();
  leaseHolderChanges = 0;
  private lastLeaseHolder: NodeId | null = null;

  constructor(private readonly sim: SimCluster) {}

  onReady(id: NodeId, ready: Ready<unknown>, stored: HardState): void {
    for (const event of ready.events) {
      switch (event.type) {
        case 'election-won': {
          const previous = this.leaderOfTerm.get(event.term);
          if (previous !== undefined && previous !== id) {
            this.fail(`two leaders in term ${event.term}: ${previous} and ${id}`);
          }
          this.leaderOfTerm.set(event.term, id);
          break;
        }
        case 'vote-granted': {
          if (event.preVote) break;
          if (stored.term !== event.term || stored.votedFor !== event.candidate) {
            this.fail(`${id} granted a vote in term ${event.term} to ${event.candidate} that is not persisted`);
          }
          const key = `${id}/${event.term}`;
          const previous = this.votes.get(key);
          if (previous !== undefined && previous !== event.candidate) {
            this.fail(`${id} voted for ${previous} and ${event.candidate} in term ${event.term}`);
          }
          this.votes.set(key, event.candidate);
          break;
        }
        case 'term-changed': {
          const isolatedTerm = this.isolatedAtTerm.get(id);
          if (isolatedTerm !== undefined && event.to > isolatedTerm) {
            this.fail(`${id} raised its term from ${isolatedTerm} to ${event.to} while isolated`);
          }
          break;
        }
        default:
          break;
      }
    }
  }

  onCrash(id: NodeId): void {
    this.isolatedAtTerm.delete(id);
  }

  /** From now until `endIsolationWatch`, the node's term must not rise. */
  watchIsolated(id: NodeId): void {
    this.isolatedAtTerm.set(id, this.sim.term(id));
  }

  endIsolationWatch(id: NodeId): void {
    this.isolatedAtTerm.delete(id);
  }

  afterStep(): void {
    let holder: NodeId | null = null;
    for (const id of this.sim.ids) {
      if (!this.sim.holdsLease(id)) continue;
      if (holder !== null) this.fail(`${holder} and ${id} both hold a valid lease`);
      holder = id;
    }
    if (holder !== null && holder !== this.lastLeaseHolder) {
      this.leaseHolderChanges += 1;
      this.lastLeaseHolder = holder;
    }
  }

  private fail(what: string): void {
    if (this.violations.length < 20) this.violations.push(`at ${this.sim.now.toFixed(3)} ms: ${what}`);
  }
}
