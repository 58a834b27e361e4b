import { sendSignal, type SendSignalResult } from '../../src/util/process-signals.ts';

/**
 * The processes this script has stopped with SIGSTOP and not yet continued. A node left stopped
 * holds its ports and data dir while doing nothing, so every way out of the script (the end of a
 * pause, Ctrl-C, an error, process exit) must continue them: `resumeAll` is synchronous so that
 * it can run in an 'exit' handler.
 */
export class PausedProcesses {
  private readonly pids = new Set<number>();

  pause(pid: number): SendSignalResult {
    // Recorded first, so that no exit path in between can miss it.
    this.pids.add(pid);
    const sent = sendSignal(pid, 'SIGSTOP');
    if (!sent.ok) this.pids.delete(pid);
    return sent;
  }

  resume(pid: number): SendSignalResult {
    this.pids.delete(pid);
    return sendSignal(pid, 'SIGCONT');
  }

  /** For a process that was killed while paused: there is nothing left to continue. */
  forget(pid: number): void {
    this.pids.delete(pid);
  }

  resumeAll(): void {
    for (const pid of [...this.pids]) this.resume(pid);
  }
}
