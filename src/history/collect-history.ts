import type { ClusterUnderTest } from '../harness/cluster-under-test.ts';
import { LevelHardStateStore } from '../storage/level-hard-state-store.ts';
import { readNodeLog, type ConnectivitySpan, type FaultEvent, type RunHistory, type StoredHardState, type TokenObservation } from './history.ts';

export interface RunRecord {
  readonly tokens: readonly TokenObservation[];
  readonly connectivity: readonly ConnectivitySpan[];
  readonly faults: readonly FaultEvent[];
  readonly clockRates?: ReadonlyMap<string, number>;
  readonly startMs: number;
  readonly endMs: number;
}

/**
 * The history of a run, after `cluster.stopProcesses()`: every node's log file, every process's end, and each node's hard state as its store holds it now.
 */
export async function collectHistory(cluster: ClusterUnderTest, record: RunRecord): Promise<RunHistory> {
  const lines = [];
  const stores: StoredHardState[] = [];
  for (const id of cluster.ids) {
    lines.push(...(await readNodeLog(id, cluster.logFile(id))));
    stores.push(await readStoredHardState(id, cluster.dataDir(id)));
  }
  return {
    nodes: [...cluster.ids],
    lines,
    stores,
    processEnds: cluster.processExits().map((exit) => ({ node: exit.node, pid: exit.pid, atMs: exit.hostMs })),
    ...record,
  };
}

/** Opens the node's store as the node does (nothing is written to a store that exists) and reads it. */
export async function readStoredHardState(node: string, dataDir: string): Promise<StoredHardState> {
  const opened = await LevelHardStateStore.open(dataDir);
  if (!opened.ok) throw new Error(`cannot read ${node}'s store in ${dataDir}: ${opened.message}`);
  try {
    const state = await opened.store.load();
    return { node, term: state.term, votedFor: state.votedFor };
  } finally {
    await opened.store.close();
  }
}
