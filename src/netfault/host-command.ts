import { execFile, execFileSync } from 'node:child_process';

export interface CommandOutcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a system tool, optionally feeding `input` on stdin; never throws for a non-zero exit. */
export function runCommand(command: string, args: readonly string[], input?: string, env?: NodeJS.ProcessEnv): Promise<CommandOutcome> {
  return new Promise((resolve) => {
    const child = execFile(command, [...args], { encoding: 'utf8', maxBuffer: 16 << 20, env: env ?? process.env }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 127;
      resolve({ code, stdout, stderr: stderr || (error?.message ?? '') });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** Like `runCommand`, but a non-zero exit is an error that names the command and its stderr. */
export async function mustRun(command: string, args: readonly string[], input?: string): Promise<string> {
  const outcome = await runCommand(command, args, input);
  if (outcome.code !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${outcome.code}): ${outcome.stderr.trim()}`);
  return outcome.stdout;
}

/** For clean-up on the way out of a process, where only synchronous work runs; failures are ignored. */
export function runQuietlySync(command: string, args: readonly string[]): void {
  try {
    execFileSync(command, [...args], { stdio: 'ignore' });
  } catch {
    // Already gone, or never made: either way nothing is left to remove.
  }
}
