import type { ChildProcess, SpawnOptions } from 'node:child_process';
import type { NodeId } from '../core/ids.ts';
import { startProcess, type NodeExit, type StartedProcess } from './node-process.ts';

/** One node's process, as a bench cluster tracks it across restarts. */
export interface ProcessSlot {
  readonly id: NodeId;
  child: ChildProcess | null;
  exit: Promise<NodeExit> | null;
}

/** What every bench cluster lets a benchmark do to its nodes' processes. */
export interface NodeProcesses {
  readonly ids: readonly NodeId[];
  isRunning(id: NodeId): boolean;
  running(): NodeId[];
  pid(id: NodeId): number;
  /** Sends `signal` and answers the wall time taken just before sending it. */
  signal(id: NodeId, signal: NodeJS.Signals): number;
  /** Resolves once the node's process has ended and all of its output has been read. */
  exited(id: NodeId): Promise<NodeExit>;
  /** Starts a stopped node again on its own data dir and ports, and waits until it serves. */
  restart(id: NodeId): Promise<void>;
}

/**
 * The processes of one real cluster (a benchmark's, the soak's, a kernel-level test's), one slot per node: spawning (each in its own process group,
 * so a Ctrl-C in the terminal reaches only the bench), signals, exits, and killing them all.
 */
export class ProcessGroup<S extends ProcessSlot> {
  readonly ids: readonly NodeId[];
  private readonly slots = new Map<NodeId, S>();
  private readonly exits: (NodeExit & { readonly node: NodeId })[] = [];

  constructor(slots: readonly S[]) {
    this.ids = slots.map((slot) => slot.id);
    for (const slot of slots) this.slots.set(slot.id, slot);
  }

  slot(id: NodeId): S {
    const slot = this.slots.get(id);
    if (slot === undefined) throw new Error(`no node ${id}`);
    return slot;
  }

  all(): S[] {
    return [...this.slots.values()];
  }

  isRunning(id: NodeId): boolean {
    return this.slot(id).child !== null;
  }

  running(): NodeId[] {
    return this.ids.filter((id) => this.isRunning(id));
  }

  pid(id: NodeId): number {
    const pid = this.slot(id).child?.pid;
    if (pid === undefined) throw new Error(`${id} is not running`);
    return pid;
  }

  signal(id: NodeId, signal: NodeJS.Signals): number {
    const child = this.slot(id).child;
    if (child === null) throw new Error(`cannot send ${signal} to ${id}: it is not running`);
    const wallMs = Date.now();
    child.kill(signal);
    return wallMs;
  }

  /** Every process that has ended so far, in order. */
  processExits(): readonly (NodeExit & { readonly node: NodeId })[] {
    return this.exits;
  }

  exited(id: NodeId): Promise<NodeExit> {
    const exit = this.slot(id).exit;
    if (exit === null) throw new Error(`${id} was never started`);
    return exit;
  }

  /** Spawns a process into the node's slot (see `adopt`); a command that cannot run is a bug of the caller's here. */
  async spawn(id: NodeId, command: string, args: readonly string[], options: Omit<SpawnOptions, 'detached'>): Promise<ChildProcess> {
    if (this.slot(id).child !== null) throw new Error(`cannot start ${id}: it is still running`);
    const started = await startProcess(command, args, options);
    if (!started.ok) throw new Error(`cannot start ${id} (${command}): ${started.problem}`);
    this.adopt(id, started.process);
    return started.process.child;
  }

  /** Puts a started process into the node's slot; the slot empties again when the process ends. */
  adopt(id: NodeId, started: StartedProcess): void {
    const slot = this.slot(id);
    if (slot.child !== null) throw new Error(`cannot start ${id}: it is still running`);
    const { child } = started;
    slot.child = child;
    slot.exit = started.exited.then((exit) => {
      if (slot.child === child) slot.child = null;
      this.exits.push({ node: id, ...exit });
      return exit;
    });
  }

  async killAll(): Promise<void> {
    await Promise.all(
      this.all().map(async (slot) => {
        if (slot.child === null || slot.exit === null) return;
        slot.child.kill('SIGKILL');
        await slot.exit;
      }),
    );
  }
}
