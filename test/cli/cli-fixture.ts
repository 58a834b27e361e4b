import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { CliIo } from '../../src/command-line/program.ts';
import { runCli, type RunCliOptions } from '../../src/cli/run-cli.ts';

export interface CliRun {
  readonly code: number;
  readonly stdout: string[];
  readonly stderr: string[];
}

export interface CapturedIo {
  readonly io: CliIo;
  readonly stdout: string[];
  readonly stderr: string[];
}

export function captureIo(): CapturedIo {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { io: { stdout: (line) => stdout.push(line), stderr: (line) => stderr.push(line) }, stdout, stderr };
}

/**
 * A generous deadline for test runs: a process's first gRPC call can take most of a second on a
 * busy machine, and these tests are about hbctl's behaviour, not its default deadline.
 */
export const testTimeoutFlags = ['--timeout-ms', '10000'] as const;

/** Runs hbctl in-process with `testTimeoutFlags` first (so a test can still override them), collecting its output. */
export async function run(argv: readonly string[], options: RunCliOptions = {}): Promise<CliRun> {
  const captured = captureIo();
  const code = await runCli([...testTimeoutFlags, ...argv], captured.io, options);
  return { code, stdout: captured.stdout, stderr: captured.stderr };
}

export interface FixtureNode {
  readonly id: string;
  readonly adminAddress: string;
  readonly pid: number | null;
}

/** A temporary directory to hold a cluster.json; remove it after the test. */
export async function makeTempDir(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'hbctl-test-'));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** Writes `<dir>/cluster.json` in the launcher's documented layout and answers its path. */
export async function writeClusterJson(dir: string, nodes: readonly FixtureNode[]): Promise<string> {
  const file = path.join(dir, 'cluster.json');
  const content = {
    clusterId: 'test',
    startedAt: '2024-05-01T19:42:01.123Z',
    launcherPid: 4242,
    nodes: nodes.map((node, index) => ({
      id: node.id,
      peerAddress: `127.0.0.1:${17400 + index}`,
      adminAddress: node.adminAddress,
      pid: node.pid,
      dataDir: path.join(dir, node.id),
      logFile: path.join(dir, node.id, 'node.log'),
    })),
  };
  await writeFile(file, `${JSON.stringify(content, null, 2)}\n`);
  return file;
}

/** A 127.0.0.1 address with nothing listening: a port the OS just handed out and took back. */
export async function deadAddress(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('expected a TCP address');
  return `127.0.0.1:${address.port}`;
}
