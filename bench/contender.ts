import type { NodeId } from '../src/core/ids.ts';
import { ClusterUnderTest, convergenceTimeoutMs } from '../src/harness/cluster-under-test.ts';
import { EtcdCluster } from './etcd-cluster.ts';
import { numberField } from '../src/harness/node-log-event.ts';
import type { NodeProcesses } from '../src/harness/process-group.ts';
import type { Timings } from '../src/harness/timings.ts';

/** `heartbeat-cluster-tls`: this product with mutual TLS between nodes and client certificates on admin and metrics. */
export type SystemName = 'heartbeat-cluster' | 'heartbeat-cluster-tls' | 'etcd';

/** One answer of the leadership poller: does the node lead now, and whom does it follow. */
export interface LeadershipAnswer {
  /** heartbeat-cluster: holds the lease; etcd: is the raft leader. */
  readonly leads: boolean;
  readonly leaderId: NodeId | null;
}

/** A stamp one node logged itself: taking leadership (or, for the old leader, giving it up). */
export interface LoggedStamp {
  readonly node: NodeId;
  readonly wallMs: number;
}

/**
 * What the side-by-side benchmark does to either system, so that both get the same signals, the
 * same poller and the same timing code; each answers from its own logs and its own API.
 */
export interface Contender {
  readonly system: SystemName;
  readonly processes: NodeProcesses;
  stableLeader(): Promise<NodeId>;
  /** The first node other than `except` to log taking leadership at or after `sinceWallMs`. */
  leaderLogged(sinceWallMs: number, except: NodeId): Promise<LoggedStamp>;
  /** heartbeat-cluster: the old leader's lease-lost line (etcd logs nothing of the kind: null). */
  leadershipDropped(node: NodeId, sinceWallMs: number): LoggedStamp | null;
  /** heartbeat-cluster: the new leader's lease-acquired line (etcd: the same as `leaderLogged`). */
  leadershipReady(node: NodeId, sinceWallMs: number): LoggedStamp | null;
  poll(id: NodeId): Promise<LeadershipAnswer | null>;
  /** heartbeat-cluster: a node's Prometheus text, for the heartbeat round trip; etcd: null. */
  readonly scrapeMetrics: ((id: NodeId) => Promise<string>) | null;
  stop(): Promise<void>;
}

export async function startContender(system: SystemName, size: number, timings: Timings): Promise<Contender> {
  if (system === 'etcd') return etcdContender(await EtcdCluster.start(size, timings));
  return productContender(system, await ClusterUnderTest.start({ size, timings, tls: system === 'heartbeat-cluster-tls' }));
}

function productContender(system: Exclude<SystemName, 'etcd'>, cluster: ClusterUnderTest): Contender {
  const stamp = (node: NodeId, event: string, sinceWallMs: number): LoggedStamp | null => {
    const entry = cluster.logEvents().find((candidate) => candidate.node === node && candidate.event === event && candidate.wallMs >= sinceWallMs);
    return entry === undefined ? null : { node, wallMs: entry.wallMs };
  };
  return {
    system,
    processes: cluster,
    stableLeader: async () => (await cluster.waitForStableLeader()).leader,
    leaderLogged: (sinceWallMs, except) =>
      cluster.waitUntil(
        () => {
          const won = cluster
            .logEvents()
            .find((entry) => entry.event === 'election-won' && entry.node !== except && entry.wallMs >= sinceWallMs && numberField(entry, 'term') !== null);
          return won === undefined ? null : { node: won.node, wallMs: won.wallMs };
        },
        convergenceTimeoutMs,
        'a new leader',
      ),
    leadershipDropped: (node, sinceWallMs) => stamp(node, 'lease-lost', sinceWallMs),
    leadershipReady: (node, sinceWallMs) => stamp(node, 'lease-acquired', sinceWallMs),
    poll: async (id) => {
      if (!cluster.isRunning(id)) return null;
      const result = await cluster
        .client(id)
        .getLeader()
        .catch(() => null);
      return result?.ok === true ? { leads: result.value.holdsLease, leaderId: (result.value.leaderId as NodeId | null) ?? null } : null;
    },
    scrapeMetrics: (id) => cluster.scrapeMetrics(id),
    stop: () => cluster.stop(),
  };
}

function etcdContender(cluster: EtcdCluster): Contender {
  const becameLeader = (node: NodeId, sinceWallMs: number): LoggedStamp | null => {
    const line = cluster.leaderLinesSince(sinceWallMs).find((candidate) => candidate.node === node);
    return line === undefined ? null : { node, wallMs: line.wallMs };
  };
  return {
    system: 'etcd',
    processes: cluster,
    stableLeader: async () => (await cluster.waitForStableLeader()).leader,
    leaderLogged: (sinceWallMs, except) =>
      cluster.waitUntil(
        () => {
          const line = cluster.leaderLinesSince(sinceWallMs).find((candidate) => candidate.node !== except);
          return line === undefined ? null : { node: line.node, wallMs: line.wallMs };
        },
        convergenceTimeoutMs,
        'a new etcd leader',
      ),
    leadershipDropped: () => null,
    leadershipReady: becameLeader,
    poll: async (id) => {
      if (!cluster.isRunning(id)) return null;
      const status = await cluster.status(id);
      return status === null ? null : { leads: status.leads, leaderId: status.leaderId };
    },
    scrapeMetrics: null,
    stop: () => cluster.stop(),
  };
}
