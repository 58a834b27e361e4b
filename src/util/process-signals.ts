import { setTimeout as delay } from 'node:timers/promises';

/** Whether a process with this id exists. Signal 0 checks without sending anything. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return error instanceof Error && 'code' in error && error.code === 'EPERM';
  }
}

export type SendSignalResult = { readonly ok: true } | { readonly ok: false; readonly problem: string };

/** `process.kill`, with the failures to expect (the process is gone, or not ours) as values. */
export function sendSignal(pid: number, signal: NodeJS.Signals): SendSignalResult {
  try {
    process.kill(pid, signal);
    return { ok: true };
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? error.code : undefined;
    if (code === 'ESRCH') return { ok: false, problem: `process ${pid} no longer exists` };
    if (code === 'EPERM') return { ok: false, problem: `not allowed to signal process ${pid}` };
    throw error;
  }
}

/** Long enough for the kernel and the parent's reaping of the dead process on a busy machine. */
const goneWithinMs = 5_000;

/**
 * SIGKILL to a process that is not this one's child, then waits until it is gone, so that its
 * ports are free for a restart (a child's end is seen from its 'close' event instead).
 */
export async function killProcess(pid: number): Promise<SendSignalResult> {
  const sent = sendSignal(pid, 'SIGKILL');
  if (!sent.ok) return sent;
  const deadline = performance.now() + goneWithinMs;
  while (isProcessAlive(pid)) {
    if (performance.now() > deadline) return { ok: false, problem: `process ${pid} still exists ${goneWithinMs / 1000} s after SIGKILL` };
    await delay(20);
  }
  return { ok: true };
}
