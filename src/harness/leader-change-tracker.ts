/** How a node's process ended, as reported by the child process 'exit' event. */
export interface NodeExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

interface LeaderClaim {
  readonly node: string;
  readonly term: number;
}

/**
 * Follows who leads the cluster from the nodes' JSON log lines and says, in lines for a human,
 * when that changes. Each node's output arrives through its own pipe, so lines from different
 * nodes may arrive out of order: a claim for an older term than the newest one seen is stale
 * and ignored.
 *
 * Lines it reads (other lines are ignored):
 *   {"event":"role-changed","node":"n2","term":4,"from":"candidate","to":"leader","time":<epoch ms>}
 *   {"event":"leader-changed","node":"n1","term":4,"leaderId":"n2","time":<epoch ms>}
 */
export class LeaderChangeTracker {
  /** The newest leader seen; kept after it steps down, to recognise late lines about its term. */
  private latest: LeaderClaim | undefined;
  /** Whether `latest` is still leading, as far as has been observed. */
  private leading = false;

  /** `receivedAtMs` stamps lines that carry no `time` of their own. */
  observe(entry: unknown, receivedAtMs: number): string[] {
    if (!isRecord(entry) || typeof entry.node !== 'string' || !isTerm(entry.term)) return [];
    const at = clockTime(typeof entry.time === 'number' ? entry.time : receivedAtMs);
    const { node, term } = entry;
    if (entry.event === 'role-changed') {
      if (entry.to === 'leader') return this.claim({ node, term }, at);
      if (entry.from === 'leader' && this.leading && this.latest?.node === node) {
        this.leading = false;
        return [`${at}  ${node} is no longer leader (now ${String(entry.to)}, term ${term})`];
      }
    }
    // A follower learning of a leader may be printed before the leader's own line arrives.
    if (entry.event === 'leader-changed' && typeof entry.leaderId === 'string') return this.claim({ node: entry.leaderId, term }, at);
    return [];
  }

  nodeExited(node: string, exit: NodeExit, atMs: number): string[] {
    const how = exit.signal !== null ? `signal ${exit.signal}` : `code ${exit.code}`;
    let line = `${clockTime(atMs)}  ${node} exited (${how})`;
    if (this.leading && this.latest?.node === node) {
      this.leading = false;
      line += `; it was the leader (term ${this.latest.term})`;
    }
    return [line];
  }

  private claim(claim: LeaderClaim, at: string): string[] {
    const latest = this.latest;
    if (latest !== undefined && claim.term < latest.term) return [];
    if (latest !== undefined && claim.term === latest.term) {
      if (claim.node === latest.node) return [];
      return [`${at}  WARNING: both ${latest.node} and ${claim.node} claim to lead term ${claim.term}; at most one leader per term is allowed`];
    }
    this.latest = claim;
    this.leading = true;
    return [`${at}  leader is now ${claim.node} (term ${claim.term})`];
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isTerm(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** Local wall-clock time as `HH:MM:SS.mmm`. */
function clockTime(epochMs: number): string {
  const time = new Date(epochMs);
  const two = (value: number): string => String(value).padStart(2, '0');
  return `${two(time.getHours())}:${two(time.getMinutes())}:${two(time.getSeconds())}.${String(time.getMilliseconds()).padStart(3, '0')}`;
}
