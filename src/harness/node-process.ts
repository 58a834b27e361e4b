import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { NodeId } from '../core/ids.ts';
import { makeDirectory } from '../util/make-directory.ts';
import type { PlannedNode } from '../cluster/cluster-plan.ts';
import type { NodeExit } from './leader-change-tracker.ts';
import { nodeCommand, type NodeCommand } from './node-command.ts';

/** One node of a local cluster, running as a child process of the launcher. */
export interface NodeProcess {
  readonly id: NodeId;
  readonly pid: number;
  /** False from the moment the process has exited. */
  readonly running: boolean;
  /** Settles once the process has exited and all of its output has been read. */
  readonly exited: Promise<NodeExit>;
  /** Does nothing once the process has exited. */
  signal(signal: NodeJS.Signals): void;
}

export type SpawnNodeResult = { readonly ok: true; readonly node: NodeProcess } | { readonly ok: false; readonly message: string };

/**
 * Starts a node with its stdout and stderr appended to its log file, and hands each JSON line
 * it prints on stdout to `onLogEntry`. The node gets its own process group so that a Ctrl-C in
 * the terminal reaches only the launcher, which then stops the nodes in order.
 */
export async function spawnNode(
  planned: PlannedNode,
  onLogEntry: (entry: unknown) => void,
  wrap: (command: NodeCommand) => NodeCommand = (command) => command,
): Promise<SpawnNodeResult> {
  const command = wrap(nodeCommand(planned));
  // stderr goes straight to the file (opened for appending, so it interleaves safely with the
  // copy of stdout below), which keeps a crash's stack trace even if the launcher is gone.
  const made = await makeDirectory(planned.dataDir);
  if (!made.ok) return { ok: false, message: `cannot use ${planned.dataDir}: ${made.problem}` };
  let stderrFile;
  try {
    stderrFile = await open(planned.logFile, 'a');
  } catch (error) {
    return { ok: false, message: `cannot create ${planned.logFile}: ${error instanceof Error ? error.message : String(error)}` };
  }
  const child = spawn(command.command, [...command.args], {
    cwd: command.cwd,
    stdio: ['ignore', 'pipe', stderrFile.fd],
    detached: true,
  });
  // Listening at once, and for good: an 'error' event nobody listens to would crash the launcher.
  const firstError = new Promise<Error>((resolve) => child.on('error', resolve));
  // The child holds its own copy of the descriptor.
  await stderrFile.close();
  const pid = child.pid;
  if (pid === undefined) {
    const error = await firstError;
    return { ok: false, message: `cannot start ${planned.id} (${command.command}): ${error.message}` };
  }

  const stdout = child.stdout;
  if (stdout === null) throw new Error('spawnNode: stdout was requested as a pipe but is missing');
  stdout.pipe(createWriteStream(planned.logFile, { flags: 'a' }));
  createInterface({ input: stdout, crlfDelay: Infinity }).on('line', (line) => {
    if (!line.startsWith('{')) return;
    let entry: unknown;
    try {
      entry = JSON.parse(line);
    } catch {
      // Not a log entry (e.g. a warning printed by Node itself): it is only kept in the log file.
      return;
    }
    onLogEntry(entry);
  });

  let running = true;
  child.once('exit', () => (running = false));
  // 'close' comes after 'exit' and after stdout has ended, so every line has been handed on.
  const exited = new Promise<NodeExit>((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  return {
    ok: true,
    node: {
      id: planned.id,
      pid,
      get running() {
        return running;
      },
      exited,
      signal(signal) {
        if (running) child.kill(signal);
      },
    },
  };
}
