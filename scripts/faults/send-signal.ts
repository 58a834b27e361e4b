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
