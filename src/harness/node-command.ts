import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClusterId, NodeId } from '../core/ids.ts';
import { formatMemberList } from '../node/member-list.ts';
import type { LogLevel } from '../node/node-options.ts';
import { caName, certificatePaths } from '../tls/mint-certificates.ts';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
/**
 * V8 settings for node processes. A 1 MiB young generation (default 16 MiB) keeps an idle node's
 * RSS down (a 5-node cluster's leader: 73 instead of 85 MiB); a node allocates little, so the
 * extra scavenges cost next to nothing.
 */
export const nodeRuntimeFlags: readonly string[] = ['--max-semi-space-size=1'];
/** The node's compiled entry point (`npm run build`), also the package's `heartbeat-node` bin. */
export const nodeProgramPath = path.join(repoRoot, 'dist', 'node', 'main.js');

/** What one node of a local cluster is started with. Settings left out take the node's defaults. */
export interface NodeLaunch {
  readonly id: NodeId;
  readonly clusterId: ClusterId;
  readonly listen: string;
  readonly adminListen: string;
  /** Every member's peer address, this node included. */
  readonly members: ReadonlyMap<NodeId, string>;
  readonly dataDir: string;
  readonly heartbeatMs?: number;
  readonly electionTimeoutMs?: number;
  readonly electionJitterMs?: number;
  readonly maxClockDrift?: number;
  readonly logLevel?: LogLevel;
  /**
   * A certificates directory as `npm run certs` lays it out: the node runs mutual TLS on its peer
   * links and TLS with client-certificate auth on its admin API and metrics, with `<id>.crt` for
   * both and `ca.crt` as the CA of both. Absent: plaintext.
   */
  readonly tlsDir?: string;
}

/** The node flags that run `id` with the certificates in `dir` (see `NodeLaunch.tlsDir`). */
export function tlsDirFlags(dir: string, id: string): string[] {
  const own = certificatePaths(dir, id);
  const ca = certificatePaths(dir, caName).cert;
  return [
    '--peer-cert-file',
    own.cert,
    '--peer-key-file',
    own.key,
    '--peer-trusted-ca-file',
    ca,
    '--cert-file',
    own.cert,
    '--key-file',
    own.key,
    '--client-cert-auth',
    '--trusted-ca-file',
    ca,
  ];
}

export interface NodeCommand {
  readonly command: string;
  readonly args: readonly string[];
  /** The repository: relative paths a node is given (its data dir) are the launcher's. */
  readonly cwd: string;
}

/**
 * The command that runs one node from its compiled entry point (see `buildDist` for tools that
 * run from the sources), logging JSON lines to stdout. No TypeScript compiler is loaded into it.
 */
export function nodeCommand(launch: NodeLaunch): NodeCommand {
  const optional = (flag: string, value: number | string | undefined): string[] => (value === undefined ? [] : [flag, String(value)]);
  return {
    command: process.execPath,
    args: [
      ...nodeRuntimeFlags,
      nodeProgramPath,
      '--id',
      launch.id,
      '--listen',
      launch.listen,
      '--admin-listen',
      launch.adminListen,
      '--peers',
      formatMemberList(launch.members),
      '--data-dir',
      launch.dataDir,
      '--cluster-id',
      launch.clusterId,
      ...optional('--heartbeat-ms', launch.heartbeatMs),
      ...optional('--election-timeout-ms', launch.electionTimeoutMs),
      ...optional('--election-jitter-ms', launch.electionJitterMs),
      ...optional('--max-clock-drift', launch.maxClockDrift),
      ...optional('--log-level', launch.logLevel),
      '--log-format',
      'json',
      ...(launch.tlsDir === undefined ? [] : tlsDirFlags(launch.tlsDir, launch.id)),
    ],
    cwd: repoRoot,
  };
}

export type BuildResult = { readonly ok: true } | { readonly ok: false; readonly message: string };

let building: Promise<BuildResult> | null = null;

/**
 * `npm run build` from a tool that runs from the TypeScript sources (the benchmarks, the fault
 * scripts' restart, the e2e tests): node processes run the compiled `dist/node/main.js`, and this
 * makes it match the current sources first. The build is incremental, so when nothing changed it
 * only checks; once per process, since the sources do not change under a running tool.
 */
export function buildDist(): Promise<BuildResult> {
  building ??= compile();
  return building;
}

function compile(): Promise<BuildResult> {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  return new Promise((resolve) => {
    execFile(process.execPath, [tsc, '-p', path.join(repoRoot, 'tsconfig.build.json')], { cwd: repoRoot }, (error, stdout, stderr) => {
      if (error === null) resolve({ ok: true });
      else resolve({ ok: false, message: `npm run build failed:\n${`${stdout}${stderr}`.trim() || error.message}` });
    });
  });
}
