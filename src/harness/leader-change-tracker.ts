import type { AgreedLeader } from '../client/leader-agreement.ts';
import type { NodeId } from '../core/ids.ts';
import { formatClock } from '../util/clock-time.ts';
import type { NodeLogEvent } from './node-log-event.ts';
import type { NodeExit } from './node-process.ts';

/**
 * Follows who leads the cluster from the nodes' log lines and says, in lines for a human, when
 * that changes. Each node's output arrives through its own pipe, so lines from different nodes
 * may arrive out of order: a claim for an older term than the newest one seen is stale and
 * ignored. It reads a node's `role-changed` to or from leader, and a follower's `leader-changed`.
 */
export class LeaderChangeTracker {
  /** The newest leader seen; kept after it steps down, to recognise late lines about its term. */
  private latest: AgreedLeader | undefined;
  /** Whether `latest` is still leading, as far as has been observed. */
  private leading = false;

  observe(entry: NodeLogEvent): string[] {
    const at = formatClock(entry.wallMs);
    const line = entry.line;
    switch (line.type) {
      case 'role-changed':
        if (line.to === 'leader') return this.claim({ leader: entry.node, term: line.term }, at);
        if (line.from === 'leader' && this.leading && this.latest?.leader === entry.node) {
          this.leading = false;
          return [`${at}  ${entry.node} is no longer leader (now ${line.to}, term ${line.term})`];
        }
        return [];
      case 'leader-changed':
        // A follower learning of a leader may be printed before the leader's own line arrives.
        return line.leaderId === null ? [] : this.claim({ leader: line.leaderId, term: line.term }, at);
      default:
        return [];
    }
  }

  nodeExited(node: NodeId, exit: NodeExit, atMs: number): string[] {
    const how = exit.signal !== null ? `signal ${exit.signal}` : `code ${exit.code}`;
    let line = `${formatClock(atMs)}  ${node} exited (${how})`;
    if (this.leading && this.latest?.leader === node) {
      this.leading = false;
      line += `; it was the leader (term ${this.latest.term})`;
    }
    return [line];
  }

  private claim(claim: AgreedLeader, at: string): string[] {
    const latest = this.latest;
    if (latest !== undefined && claim.term < latest.term) return [];
    if (latest !== undefined && claim.term === latest.term) {
      if (claim.leader === latest.leader) return [];
      return [`${at}  WARNING: both ${latest.leader} and ${claim.leader} claim to lead term ${claim.term}; at most one leader per term is allowed`];
    }
    this.latest = claim;
    this.leading = true;
    return [`${at}  leader is now ${claim.leader} (term ${claim.term})`];
  }
}
