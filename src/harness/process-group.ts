import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import type { NodeId } from '../core/ids.ts';
import { hostMonotonicMs } from '../util/host-monotonic.ts';

export interface NodeExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** When the bench saw the process end. */
  readonly wallMs: number;
  /** The same on the machine's monotonic clock (hostMonotonicMs). */
  readonly hostMs: number;
  readonly pid: number;
}

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

  /** Spawns the node's process into its slot; the slot empties again when the process ends. */
  spawn(id: NodeId, command: string, args: readonly string[], options: Omit<SpawnOptions, 'detached'>): ChildProcess {
    const slot = this.slot(id);
    if (slot.child !== null) throw new Error(`cannot start ${id}: it is still running`);
    const child = spawn(command, [...args], { ...options, detached: true });
    slot.child = child;
    child.on('error', () => undefined);
    slot.exit = new Promise((resolve) =>
      child.once('close', (code, signal) => {
        if (slot.child === child) slot.child = null;
        const exit = { code, signal, wallMs: Date.now(), hostMs: hostMonotonicMs(), pid: child.pid ?? -1 };
        this.exits.push({ node: id, ...exit });
        resolve(exit);
      }),
    );
    return child;
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
