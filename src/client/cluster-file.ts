import { open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { isValidId, type ClusterId, type NodeId } from '../core/ids.ts';
import { parseHostPort } from '../util/host-port.ts';
import { withFileLock } from '../util/file-lock.ts';

/**
 * `<data-dir>/cluster.json`: written by the cluster launcher (and the fault scripts' restart,
 * which records a restarted node's pid), read by hbctl and scripts to find the nodes of a locally
 * running cluster. Every path in it is absolute so readers need not know the launcher's working
 * directory. Writers change it only through `updateClusterFile`, so no writer loses another's change.
 */
export const CLUSTER_FILE_NAME = 'cluster.json';

export interface ClusterFileNode {
  readonly id: NodeId;
  /** `host:port` the node serves peer traffic on. */
  readonly peerAddress: string;
  /** `host:port` the node serves the admin API on. */
  readonly adminAddress: string;
  /** Null once the node has exited. */
  readonly pid: number | null;
  readonly dataDir: string;
  readonly logFile: string;
}

export interface ClusterFile {
  readonly clusterId: ClusterId;
  /** ISO 8601. */
  readonly startedAt: string;
  readonly launcherPid: number;
  readonly nodes: readonly ClusterFileNode[];
  /**
   * Present when the nodes run with TLS (`npm run cluster -- --tls`): the directory of their
   * certificates, laid out as `npm run certs` makes it (see mint-certificates.ts). Its CA is what
   * hbctl trusts unless told otherwise; the client certificate is the caller's choice.
   */
  readonly tls?: { readonly dir: string };
}

export type ReadClusterFileResult =
  { readonly ok: true; readonly file: ClusterFile } | { readonly ok: false; readonly reason: 'missing' | 'unreadable' | 'invalid'; readonly message: string };

let temporarySequence = 0;

export type UpdateClusterFileResult = { readonly ok: true; readonly file: ClusterFile } | { readonly ok: false; readonly problem: string };

/**
 * Read-modify-write of the file under an exclusive lock (`.cluster.json.lock` beside it), so that
 * concurrent updates, from this process or others, each start from the last one's result and no
 * change is lost. `change` gets the file as it is now and returns the new contents, or a problem.
 */
export function updateClusterFile(filePath: string, change: (current: ClusterFile) => ClusterFile | string): Promise<UpdateClusterFileResult> {
  return underLock(filePath, async () => {
    const current = await readClusterFile(filePath);
    if (!current.ok) return { ok: false, problem: current.message };
    const next = change(current.file);
    if (typeof next === 'string') return { ok: false, problem: next };
    await writeClusterFile(filePath, next);
    return { ok: true, file: next };
  });
}

/** Writes the whole file, whatever it held, under the same lock: how a launcher starts a cluster. */
export function replaceClusterFile(filePath: string, file: ClusterFile): Promise<UpdateClusterFileResult> {
  return underLock(filePath, async () => {
    await writeClusterFile(filePath, file);
    return { ok: true, file };
  });
}

/** Sets one node's pid, keeping everything else as the file has it now. */
export function setNodePid(filePath: string, id: string, pid: number | null): Promise<UpdateClusterFileResult> {
  return updateClusterFile(filePath, (current) => {
    if (!current.nodes.some((node) => node.id === id)) return `${filePath} does not list ${id}`;
    return { ...current, nodes: current.nodes.map((node) => (node.id === id ? { ...node, pid } : node)) };
  });
}

/**
 * Records that process `pid` of node `id` has exited: clears the pid only if it is still that
 * process's, so a node started again meanwhile (by the fault scripts' restart) stays recorded.
 */
export function clearNodePid(filePath: string, id: string, pid: number): Promise<UpdateClusterFileResult> {
  return updateClusterFile(filePath, (current) => ({
    ...current,
    nodes: current.nodes.map((node) => (node.id === id && node.pid === pid ? { ...node, pid: null } : node)),
  }));
}

async function underLock(filePath: string, critical: () => Promise<UpdateClusterFileResult>): Promise<UpdateClusterFileResult> {
  const lockPath = path.join(path.dirname(filePath), `.${path.basename(filePath)}.lock`);
  try {
    const locked = await withFileLock(lockPath, critical);
    return locked.ok ? locked.value : { ok: false, problem: `cannot update ${filePath}: ${locked.problem}` };
  } catch (error) {
    return { ok: false, problem: `cannot write ${filePath}: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/**
 * Replaces the file atomically (temporary file, fsync, rename), so a reader never sees half a
 * file. Only for a file no other writer can be updating: everywhere else use `updateClusterFile`.
 */
export async function writeClusterFile(filePath: string, file: ClusterFile): Promise<void> {
  temporarySequence += 1;
  const temporary = path.join(path.dirname(filePath), `.${path.basename(filePath)}.${process.pid}.${temporarySequence}.tmp`);
  const handle = await open(temporary, 'w');
  try {
    await handle.writeFile(`${JSON.stringify(file, null, 2)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temporary, filePath);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

export async function readClusterFile(filePath: string): Promise<ReadClusterFileResult> {
  let text: string;
  try {
    text = await readFile(filePath, 'utf8');
  } catch (error) {
    if (isErrnoException(error) && error.code === 'ENOENT') {
      return { ok: false, reason: 'missing', message: `${filePath} does not exist: no cluster has been started with this data directory` };
    }
    return { ok: false, reason: 'unreadable', message: `cannot read ${filePath}: ${error instanceof Error ? error.message : String(error)}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: 'invalid', message: `${filePath} is not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  const problems = clusterFileProblems(json);
  if (problems.length > 0) return { ok: false, reason: 'invalid', message: `${filePath}: ${problems.join('; ')}` };
  // Every field was just checked, so the value has the ClusterFile shape.
  return { ok: true, file: json as ClusterFile };
}

/** Unknown fields are ignored so that a newer launcher's file stays readable by older readers. */
function clusterFileProblems(json: unknown): string[] {
  if (!isRecord(json)) return ['must be a JSON object'];
  const problems: string[] = [];
  const check = (ok: boolean, field: string, expected: string, value: unknown): void => {
    if (!ok) problems.push(`${field} must be ${expected} (got ${JSON.stringify(value) ?? 'nothing'})`);
  };
  check(typeof json.clusterId === 'string' && isValidId(json.clusterId), 'clusterId', 'a valid cluster id', json.clusterId);
  check(isIsoTimestamp(json.startedAt), 'startedAt', 'an ISO 8601 timestamp', json.startedAt);
  check(isPid(json.launcherPid), 'launcherPid', 'a process id', json.launcherPid);
  if (!Array.isArray(json.nodes) || json.nodes.length === 0) {
    check(false, 'nodes', 'a non-empty array', json.nodes);
    return problems;
  }
  if (json.tls !== undefined) {
    check(isRecord(json.tls) && isAbsolutePath(json.tls.dir), 'tls', 'an object with an absolute dir', json.tls);
  }
  const seenIds = new Set<unknown>();
  json.nodes.forEach((node: unknown, index) => {
    const field = `nodes[${index}]`;
    if (!isRecord(node)) {
      check(false, field, 'an object', node);
      return;
    }
    check(typeof node.id === 'string' && isValidId(node.id), `${field}.id`, 'a valid node id', node.id);
    if (seenIds.has(node.id)) problems.push(`${field}.id ${JSON.stringify(node.id)} appears more than once`);
    seenIds.add(node.id);
    check(isHostPort(node.peerAddress), `${field}.peerAddress`, 'host:port', node.peerAddress);
    check(isHostPort(node.adminAddress), `${field}.adminAddress`, 'host:port', node.adminAddress);
    check(node.pid === null || isPid(node.pid), `${field}.pid`, 'a process id or null', node.pid);
    check(isAbsolutePath(node.dataDir), `${field}.dataDir`, 'an absolute path', node.dataDir);
    check(isAbsolutePath(node.logFile), `${field}.logFile`, 'an absolute path', node.logFile);
  });
  return problems;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isoTimestamp = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function isIsoTimestamp(value: unknown): boolean {
  return typeof value === 'string' && isoTimestamp.test(value) && Number.isFinite(Date.parse(value));
}

function isPid(value: unknown): boolean {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

function isHostPort(value: unknown): boolean {
  return typeof value === 'string' && parseHostPort(value).ok;
}

function isAbsolutePath(value: unknown): boolean {
  return typeof value === 'string' && path.isAbsolute(value);
}

function isErrnoException(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && 'code' in error;
}
