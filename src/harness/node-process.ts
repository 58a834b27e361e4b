import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { NodeId } from '../core/ids.ts';
import { hostMonotonicMs } from '../util/host-monotonic.ts';
import { makeDirectory } from '../util/make-directory.ts';
import type { NodeCommand } from './node-command.ts';
import { parseNodeLogLine, type NodeLogEvent } from './node-log-event.ts';

/** How a process ended, and when the process that started it saw it end. */
export interface NodeExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly pid: number;
  readonly wallMs: number;
  /** The same on the machine's monotonic clock (hostMonotonicMs). */
  readonly hostMs: number;
}

/** A child process started in its own process group, so that a Ctrl-C in the terminal reaches only its parent. */
export interface StartedProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Settles once the process has exited and all of its output has been read. */
  readonly exited: Promise<NodeExit>;
}

/** `problem`: why the command could not run at all. */
export type StartProcessResult = { readonly ok: true; readonly process: StartedProcess } | { readonly ok: false; readonly problem: string };

export async function startProcess(command: string, args: readonly string[], options: Omit<SpawnOptions, 'detached'>): Promise<StartProcessResult> {
  const child = spawn(command, [...args], { ...options, detached: true });
  // Listening at once, and for good: an 'error' event nobody listens to would crash this process.
  const firstError = new Promise<Error>((resolve) => child.on('error', resolve));
  const pid = child.pid;
  if (pid === undefined) return { ok: false, problem: (await firstError).message };
  // 'close' comes after 'exit' and after the output pipes have ended, so every line has been read.
  const exited = new Promise<NodeExit>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal, pid, wallMs: Date.now(), hostMs: hostMonotonicMs() })),
  );
  return { ok: true, process: { child, pid, exited } };
}

/** Where a node's stdout and stderr go. */
export type NodeOutput =
  /** Both appended to the log file by the node itself: for a node that outlives whoever started it. */
  | { readonly kind: 'file'; readonly logFile: string }
  /**
   * stderr appended to the file by the node itself (a crash's stack trace is kept even if the
   * reader is gone), stdout copied to the file and each event line handed to `onLogEvent`.
   */
  | { readonly kind: 'file-and-events'; readonly logFile: string; readonly onLogEvent: (entry: NodeLogEvent) => void }
  /** Both read here line by line, stdout's lines stamped with when they arrived; the reader keeps what it wants. */
  | { readonly kind: 'lines'; readonly onStdout: (line: string, receivedAtMs: number) => void; readonly onStderr: (line: string) => void };

export interface NodeSpawn {
  readonly id: NodeId;
  /** What runs the node (nodeCommand), perhaps wrapped to enter a network namespace. */
  readonly command: NodeCommand;
  /** Made if missing. */
  readonly dataDir: string;
  readonly output: NodeOutput;
  /** Added to this process's environment. */
  readonly env?: Readonly<Record<string, string>>;
}

/** One node's process. */
export interface NodeProcess extends StartedProcess {
  readonly id: NodeId;
  /** False from the moment the process has exited. */
  readonly running: boolean;
  /** Does nothing once the process has exited. */
  signal(signal: NodeJS.Signals): void;
}

export type SpawnNodeResult = { readonly ok: true; readonly node: NodeProcess } | { readonly ok: false; readonly problem: string };

/**
 * Starts a node process: the launcher's nodes, the fault scripts' restarts and every harness
 * cluster's nodes start here. Failures to expect (a data dir or log file that cannot be made,
 * a command that cannot run) are values.
 */
export async function spawnNode(spec: NodeSpawn): Promise<SpawnNodeResult> {
  const { id, command, output } = spec;
  const made = await makeDirectory(spec.dataDir);
  if (!made.ok) return { ok: false, problem: `cannot use ${spec.dataDir}: ${made.problem}` };
  // Opened for appending, so the node's own writes interleave safely with a copy of its stdout.
  let logFile = null;
  if (output.kind !== 'lines') {
    try {
      logFile = await open(output.logFile, 'a');
    } catch (error) {
      return { ok: false, problem: `cannot open ${output.logFile}: ${error instanceof Error ? error.message : String(error)}` };
    }
  }
  const stdio: SpawnOptions['stdio'] =
    logFile === null ? ['ignore', 'pipe', 'pipe'] : output.kind === 'file' ? ['ignore', logFile.fd, logFile.fd] : ['ignore', 'pipe', logFile.fd];
  const started = await startProcess(command.command, command.args, {
    cwd: command.cwd,
    env: spec.env === undefined ? process.env : { ...process.env, ...spec.env },
    stdio,
  });
  // The child holds its own copy of the descriptor.
  await logFile?.close();
  if (!started.ok) return { ok: false, problem: `cannot start ${id} (${command.command}): ${started.problem}` };
  const { child } = started.process;

  const lines = (stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void => {
    if (stream !== null) createInterface({ input: stream, crlfDelay: Infinity }).on('line', onLine);
  };
  switch (output.kind) {
    case 'file':
      break;
    case 'file-and-events':
      if (child.stdout !== null) child.stdout.pipe(createWriteStream(output.logFile, { flags: 'a' }));
      lines(child.stdout, (line) => {
        const entry = parseNodeLogLine(id, line, hostMonotonicMs());
        // Other lines (a warning printed by Node itself) are only kept in the log file.
        if (entry !== null) output.onLogEvent(entry);
      });
      break;
    case 'lines':
      lines(child.stdout, (line) => output.onStdout(line, hostMonotonicMs()));
      lines(child.stderr, output.onStderr);
      break;
  }

  let running = true;
  child.once('exit', () => (running = false));
  return {
    ok: true,
    node: {
      ...started.process,
      id,
      get running() {
        return running;
      },
      signal(signal) {
        if (running) child.kill(signal);
      },
    },
  };
}
