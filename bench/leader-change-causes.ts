import type { NodeId } from '../src/core/ids.ts';
import { numberField, type NodeLogEvent } from '../src/harness/node-log-event.ts';
import type { Timings } from '../src/harness/timings.ts';

/**
 * Why a leader changed while nothing failed:
 * - `leader-frozen`: the old leader's process logged a stall long enough that its followers heard
 *   nothing for an election timeout, which is what the timeout is for;
 * - `majority-frozen`: the old leader stepped down by check-quorum while so many of its followers
 *   logged such stalls that it had no majority left;
 * - `unexplained`: neither, a spurious election.
 */
export type LeaderChangeCause = 'leader-frozen' | 'majority-frozen' | 'unexplained';

export interface LeaderChange {
  readonly wallMs: number;
  readonly term: number | null;
  readonly from: NodeId | null;
  readonly to: NodeId;
  readonly cause: LeaderChangeCause;
}

interface Freeze {
  readonly node: NodeId;
  readonly fromWallMs: number;
  readonly toWallMs: number;
}

/** Classifies every election won in [fromWallMs, toWallMs] from the nodes' logs. */
export function leaderChangeCauses(
  events: readonly NodeLogEvent[],
  nodes: readonly NodeId[],
  fromWallMs: number,
  toWallMs: number,
  timings: Timings,
): LeaderChange[] {
  // Followers hear nothing for the lateness plus up to a heartbeat before the late timer was due.
  const longEnoughMs = timings.electionTimeoutMs - timings.heartbeatMs;
  const freezes: Freeze[] = events.flatMap((entry) => {
    const lateByMs = entry.event === 'stall-detected' ? numberField(entry, 'lateByMs') : null;
    return lateByMs !== null && lateByMs >= longEnoughMs ? [{ node: entry.node, fromWallMs: entry.wallMs - lateByMs, toWallMs: entry.wallMs }] : [];
  });
  // The election follows the silence by at most a timeout and its jitter (plus the grace after a stall).
  const slackMs = timings.electionTimeoutMs + timings.electionJitterMs + 3 * timings.heartbeatMs;
  const frozenAround = (node: NodeId, atWallMs: number): boolean =>
    freezes.some((freeze) => freeze.node === node && freeze.fromWallMs <= atWallMs && atWallMs <= freeze.toWallMs + slackMs);

  const wins = events.filter((entry) => entry.event === 'election-won').sort((a, b) => a.wallMs - b.wallMs);
  const changes: LeaderChange[] = [];
  wins.forEach((win, index) => {
    if (win.wallMs < fromWallMs || win.wallMs > toWallMs) return;
    const from = wins[index - 1]?.node ?? null;
    const steppedDownByCheckQuorum =
      from !== null &&
      events.some(
        (entry) =>
          entry.node === from &&
          entry.event === 'stepped-down' &&
          entry.fields.reason === 'check-quorum' &&
          entry.wallMs <= win.wallMs &&
          win.wallMs - entry.wallMs <= slackMs,
      );
    const followers = nodes.filter((node) => node !== from);
    const frozenFollowers = followers.filter((node) => frozenAround(node, win.wallMs)).length;
    // Enough frozen followers that the rest plus the leader are no majority.
    const quorumBreaking = Math.ceil(nodes.length / 2);
    let cause: LeaderChangeCause = 'unexplained';
    if (from !== null && frozenAround(from, win.wallMs)) cause = 'leader-frozen';
    else if (steppedDownByCheckQuorum && frozenFollowers >= quorumBreaking) cause = 'majority-frozen';
    changes.push({ wallMs: win.wallMs, term: numberField(win, 'term'), from, to: win.node, cause });
  });
  return changes;
}
