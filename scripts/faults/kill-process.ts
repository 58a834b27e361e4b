import { isProcessAlive } from '../../src/cluster/process-alive.ts';
import { sendSignal, type SendSignalResult } from './send-signal.ts';

/** Long enough for the kernel and the parent's reaping of the dead process on a busy machine. */
const goneWithinMs = 5_000;

/** SIGKILL, then waits until the process is gone, so that its ports are free for a restart. */
export async function killProcess(pid: number): Promise<SendSignalResult> {
  const sent = sendSignal(pid, 'SIGKILL');
  if (!sent.ok) return sent;
  const deadline = performance.now() + goneWithinMs;
  while (isProcessAlive(pid)) {
    if (performance.now() > deadline) return { ok: false, problem: `process ${pid} still exists ${goneWithinMs / 1000} s after SIGKILL` };
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { ok: true };
}
