import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { AdminNode } from '../../src/client/admin-node.ts';
import { ClusterClient } from '../../src/client/cluster-client.ts';
import { CLUSTER_FILE_NAME, readClusterFile, type ClusterFile, type ClusterFileNode } from '../../src/client/cluster-file.ts';
import { chooseClientTls, loadClientTls, resolveClientTlsFiles, type GivenClientTls } from '../../src/tls/client-tls.ts';
import type { ClientTlsMaterial } from '../../src/tls/tls-channel.ts';

/** Like hbctl, the scripts act on the cluster `npm run cluster` started in ./data unless told otherwise. */
export const defaultClusterFile = `./data/${CLUSTER_FILE_NAME}`;

export type OpenClusterResult = { readonly ok: true; readonly cluster: FaultCluster } | { readonly ok: false; readonly problem: string };

/** The cluster described by a cluster.json, with an admin client per node. Close it when done. */
export class FaultCluster {
  private constructor(
    /** Absolute. */
    readonly filePath: string,
    /** As read when opened; the launcher may rewrite the file since. */
    readonly file: ClusterFile,
    readonly connection: ClusterClient,
    /** The deadline of each admin call. */
    readonly timeoutMs: number,
    /** What every admin call to the nodes goes over; null: plaintext. */
    readonly tls: ClientTlsMaterial | null,
  ) {}

  /**
   * `given` is `--cluster`: the file or the data directory holding it; relative to `cwd`. A TLS
   * cluster (`npm run cluster -- --tls`) is called with the operator's certificate from its
   * certificates directory unless `tls` names others: the faults are operator calls.
   */
  static async open(given: string | undefined, cwd: string, timeoutMs: number, tls: GivenClientTls = {}): Promise<OpenClusterResult> {
    const filePath = await clusterFilePath(path.resolve(cwd, given ?? defaultClusterFile));
    const read = await readClusterFile(filePath);
    if (!read.ok) {
      const hint = read.reason === 'missing' ? '; start a cluster with `npm run cluster`, or pass --cluster <file|dir>' : '';
      return { ok: false, problem: `${read.message}${hint}` };
    }
    const chosen = chooseClientTls(tls, read.file.tls?.dir ?? null, 'operator');
    if (!chosen.ok) return { ok: false, problem: chosen.problem };
    let material: ClientTlsMaterial | null = null;
    if (chosen.files !== null) {
      const loaded = loadClientTls(resolveClientTlsFiles(chosen.files, cwd));
      if (!loaded.ok) return { ok: false, problem: loaded.problems.join('; ') };
      material = loaded.material;
    }
    const targets = read.file.nodes.map((node) => ({ endpoint: node.adminAddress, id: node.id, pid: node.pid }));
    const connection = new ClusterClient(targets, { callTimeoutMs: timeoutMs, tls: material });
    return { ok: true, cluster: new FaultCluster(filePath, read.file, connection, timeoutMs, material) };
  }

  /** In the cluster file's order. */
  get ids(): string[] {
    return this.file.nodes.map((node) => node.id);
  }

  entry(id: string): ClusterFileNode | undefined {
    return this.file.nodes.find((node) => node.id === id);
  }

  /** The cluster file names every node, so ids are known without asking the nodes. */
  admin(id: string): AdminNode | undefined {
    return this.connection.nodes.find((node) => node.id === id);
  }

  close(): void {
    this.connection.close();
  }
}

async function clusterFilePath(given: string): Promise<string> {
  try {
    return (await stat(given)).isDirectory() ? path.join(given, CLUSTER_FILE_NAME) : given;
  } catch {
    // Missing or unreadable: reading it as a file reports the problem in the cluster file's own words.
    return given;
  }
}
