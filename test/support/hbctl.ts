import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const hbctlMain = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

/** Runs the compiled hbctl as a user does (the e2e global setup builds it), with its exit code and output. */
export function hbctl(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [hbctlMain, ...argv], { timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}
