import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import type { NodeId } from '../core/ids.ts';
import { ClusterUnderTest } from '../harness/cluster-under-test.ts';
import type { NodeLine, NodeLogEvent } from '../harness/node-log-event.ts';
import type { Timings } from '../harness/timings.ts';
import { checkHistory, type Verdict } from '../history/check-history.ts';
import { collectHistory } from '../history/collect-history.ts';
import { hostMonotonicMs } from '../util/host-monotonic.ts';
import { SeededRandom } from '../util/seeded-random.ts';

const probePath = fileURLToPath(new URL('../harness/persist-kill-probe.mjs', import.meta.url));
const phases = ['before', 'during', 'after'] as const;
type Phase = (typeof phases)[number];

/** Fast, so that a thousand rounds fit in a bench run: a restarted node may vote after 200 ms. */
export const tortureTimings: Timings = { heartbeatMs: 20, electionTimeoutMs: 200, electionJitterMs: 40 };

export interface TortureOptions {
  readonly kills: number;
  readonly seed: number;
  readonly print: (line: string) => void;
  /** How many rounds one node stays the victim before another takes its place. */
  readonly streak?: number;
}

export interface TortureReport {
  readonly kills: number;
  /** Kills at each point, and how many of them left the write on disk after the restart. */
  readonly byPhase: Readonly<Record<Phase, { readonly kills: number; readonly landed: number }>>;
  /** Armed victims that made no hard-state write in time and were killed from outside instead. */
  readonly missed: number;
  /** Restarts that loaded something else than the write's outcome allows (an `after` kill whose write is missing, a `before` kill whose write is there). */
  readonly wrongOutcomes: readonly string[];
  readonly verdict: Verdict;
}

/**
 * Crash-at-persist torture: a 3-node cluster on loopback whose victim SIGKILLs itself before,
 * during or after one of its synced term/vote writes (persist-kill-probe.mjs), is restarted on
 * the same data dir, and again, `kills` times; leadership transfers to and away from the victim
 * make it write. After each restart its loaded state must match what the kill allows (a write
 * LevelDB confirmed is there; one never started is not), and at the end the history checker
 * must find no second vote in a term, no term gone back and no vote lost, across every restart.
 */
export async function runCrashTorture(options: TortureOptions): Promise<TortureReport> {
  const random = new SeededRandom(options.seed);
  const armed = new Map<NodeId, string>();
  const logDir = await mkdtemp(path.join(os.tmpdir(), 'hbc-torture-'));
  const cluster = await ClusterUnderTest.start({
    size: 3,
    timings: tortureTimings,
    preload: probePath,
    logLevel: 'debug',
    logDir,
    environment: (id): Record<string, string> => {
      const config = armed.get(id);
      return config === undefined ? {} : { HBC_PERSIST_KILL: config };
    },
  });
  const byPhase = { before: { kills: 0, landed: 0 }, during: { kills: 0, landed: 0 }, after: { kills: 0, landed: 0 } };
  const wrongOutcomes: string[] = [];
  let missed = 0;
  let kills = 0;
  try {
    const startMs = hostMonotonicMs();
    await cluster.waitForStableLeader();
    let victim: NodeId | null = null;
    let streak = 0;
    /** The probe's line for the victim's last death, judged once its next incarnation has loaded its state. */
    let pending: PersistKill | null = null;
    const judge = (id: NodeId): void => {
      if (pending === null) return;
      const kill = pending;
      pending = null;
      const starts = cluster.logEvents().flatMap(({ node, line }) => (node === id && line.type === 'started' ? [line] : []));
      const loaded = starts.at(-1);
      const same = (line: (typeof starts)[number] | undefined): boolean =>
        line !== undefined && line.term === kill.writingTerm && line.votedFor === kill.writingVotedFor;
      const landed = same(loaded);
      const at = kill.phase;
      byPhase[at].kills += 1;
      if (landed) byPhase[at].landed += 1;
      if (at === 'after' && !landed) wrongOutcomes.push(`${id}: a write LevelDB had confirmed (term ${kill.writingTerm}) was missing after the restart`);
      // The incarnation before this one may have had that very state already: then finding it proves nothing.
      if (at === 'before' && landed && !same(starts.at(-2)))
        wrongOutcomes.push(`${id}: a write killed before it started (term ${kill.writingTerm}) was on disk after the restart`);
    };
    while (kills < options.kills) {
      if (victim === null || streak >= (options.streak ?? 10)) {
        if (victim !== null) {
          armed.delete(victim);
          await restartNow(cluster, victim);
          judge(victim);
        }
        victim = random.pick(cluster.ids);
        streak = 0;
      }
      const phase = random.pick(phases);
      armed.set(victim, JSON.stringify({ save: random.int(2) + 1, phase, spinUs: Math.round(random.between(0, 800)) }));
      const seen = cluster.logEvents().length;
      const started = await restartNow(cluster, victim).then(
        () => true,
        () => false,
      );
      judge(victim);
      // It may have written (a term from a heartbeat) and died before it even answered.
      const kill = started ? await provokeSaves(cluster, victim) : persistKill(cluster.logEvents().slice(seen), victim);
      if (kill === null) {
        missed += 1;
        continue;
      }
      pending = kill;
      streak += 1;
      kills += 1;
      if (kills % 50 === 0) options.print(`${kills} kills: ${JSON.stringify(byPhase)}, ${missed} rounds without a write`);
    }
    if (victim !== null) {
      armed.delete(victim);
      await restartNow(cluster, victim);
      judge(victim);
    }
    armed.clear();
    await cluster.waitForStableLeader();
    const endMs = hostMonotonicMs();
    await cluster.stopProcesses();
    const history = await collectHistory(cluster, { tokens: [], connectivity: [], faults: [], startMs, endMs });
    return { kills, byPhase, missed, wrongOutcomes, verdict: checkHistory(history) };
  } finally {
    await cluster.stop();
    await rm(logDir, { recursive: true, force: true });
  }
}

/** Kills the node if it runs and starts it again with its current environment. */
async function restartNow(cluster: ClusterUnderTest, id: NodeId): Promise<void> {
  if (cluster.isRunning(id)) {
    cluster.signal(id, 'SIGKILL');
    await cluster.exited(id);
  }
  await cluster.restart(id);
}

type PersistKill = Extract<NodeLine, { readonly type: 'persist-kill' }>;

/** The probe's line about `victim` among `lines`, if it died at its write. */
function persistKill(lines: readonly NodeLogEvent[], victim: NodeId): PersistKill | null {
  for (const { node, line } of lines) if (node === victim && line.type === 'persist-kill') return line;
  return null;
}

/**
 * Transfers leadership to the victim or away from it (it then votes) until its probe kills it;
 * answers the probe's line, or null after 10 s without one (then kills it from outside).
 */
async function provokeSaves(cluster: ClusterUnderTest, victim: NodeId): Promise<PersistKill | null> {
  const deadline = hostMonotonicMs() + 10_000;
  const seen = cluster.logEvents().length;
  let turn = 0;
  while (hostMonotonicMs() < deadline) {
    const kill = persistKill(cluster.logEvents().slice(seen), victim);
    if (kill !== null && !cluster.isRunning(victim)) return kill;
    if (cluster.isRunning(victim)) {
      const leader = cluster.agreedLeader()?.leader;
      if (leader !== undefined) {
        const others = cluster.ids.filter((id) => id !== leader && id !== victim);
        // To the victim (it campaigns: a new term and its own vote), or to another node while the victim leads or votes.
        const target = leader === victim || turn % 2 === 1 ? (others[0] ?? null) : victim;
        turn += 1;
        if (target !== null) await cluster.client(leader).transferLeadership(target);
      }
    }
    await delay(tortureTimings.electionTimeoutMs / 2);
  }
  if (cluster.isRunning(victim)) {
    cluster.signal(victim, 'SIGKILL');
    await cluster.exited(victim);
  }
  return null;
}
