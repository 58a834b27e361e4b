import { readClusterFile, writeClusterFile } from '../../src/cluster/cluster-file.ts';

export type RecordNodePidResult = { readonly ok: true } | { readonly ok: false; readonly problem: string };

/**
 * Sets one node's pid in cluster.json, read afresh so that whatever the launcher wrote since is
 * kept. The launcher rewrites the file with only its own children's pids whenever one of them
 * exits, so a restarted node's pid may need recording again later.
 */
export async function recordNodePid(filePath: string, id: string, pid: number): Promise<RecordNodePidResult> {
  const read = await readClusterFile(filePath);
  if (!read.ok) return { ok: false, problem: read.message };
  if (!read.file.nodes.some((node) => node.id === id)) return { ok: false, problem: `${filePath} no longer lists ${id}` };
  const nodes = read.file.nodes.map((node) => (node.id === id ? { ...node, pid } : node));
  try {
    await writeClusterFile(filePath, { ...read.file, nodes });
    return { ok: true };
  } catch (error) {
    return { ok: false, problem: `cannot write ${filePath}: ${error instanceof Error ? error.message : String(error)}` };
  }
}
