import { stat } from 'node:fs/promises';
import path from 'node:path';
import { CLUSTER_FILE_NAME, readClusterFile } from './cluster-file.ts';

/** Where the nodes' admin addresses come from, in order of precedence. */
export type EndpointSource =
  | { readonly kind: 'endpoints'; readonly endpoints: readonly string[] }
  | { readonly kind: 'cluster-file'; readonly path: string }
  | { readonly kind: 'default-cluster-file' };

/** One node to talk to. The id and pid are known only when a cluster file names them. */
export interface AdminTarget {
  /** The node's admin address, `host:port`. */
  readonly endpoint: string;
  readonly id: string | null;
  readonly pid: number | null;
}

export type ResolveTargetsResult =
  | {
      readonly ok: true;
      readonly targets: readonly AdminTarget[];
      /** The certificates directory a cluster file records for a TLS cluster; null otherwise. */
      readonly tlsDir: string | null;
    }
  | { readonly ok: false; readonly message: string };

const defaultClusterFile = `./data/${CLUSTER_FILE_NAME}`;

/** `cwd` resolves relative paths, the default cluster file's included. */
export async function resolveTargets(source: EndpointSource, cwd: string): Promise<ResolveTargetsResult> {
  switch (source.kind) {
    case 'endpoints':
      return { ok: true, targets: source.endpoints.map((endpoint) => ({ endpoint, id: null, pid: null })), tlsDir: null };
    case 'cluster-file':
      return targetsFromClusterFile(await clusterFilePath(path.resolve(cwd, source.path)));
    case 'default-cluster-file': {
      const result = await targetsFromClusterFile(path.resolve(cwd, defaultClusterFile));
      if (!result.ok && result.missing) {
        return { ok: false, message: `no cluster file at ${defaultClusterFile}; start a cluster with \`npm run cluster\` or pass --endpoints` };
      }
      return result;
    }
  }
}

/** `--cluster` may name the data directory as well as the file in it. */
async function clusterFilePath(given: string): Promise<string> {
  try {
    return (await stat(given)).isDirectory() ? path.join(given, CLUSTER_FILE_NAME) : given;
  } catch {
    // Missing or unreadable: reading it as a file reports the problem in the cluster file's own words.
    return given;
  }
}

async function targetsFromClusterFile(
  filePath: string,
): Promise<Extract<ResolveTargetsResult, { ok: true }> | { readonly ok: false; readonly message: string; readonly missing: boolean }> {
  const read = await readClusterFile(filePath);
  if (!read.ok) return { ok: false, message: read.message, missing: read.reason === 'missing' };
  return {
    ok: true,
    targets: read.file.nodes.map((node) => ({ endpoint: node.adminAddress, id: node.id, pid: node.pid })),
    tlsDir: read.file.tls?.dir ?? null,
  };
}
