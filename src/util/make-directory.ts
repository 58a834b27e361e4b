import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';

export type MakeDirectoryResult = { readonly ok: true } | { readonly ok: false; readonly problem: string };

/**
 * `mkdir -p` that always ends with an answer. Node's `mkdir(dir, { recursive: true })` retries
 * forever, at 100% CPU, where mkdir fails with ENOENT although the parent exists: anywhere under
 * /proc or /sys, or below a dangling symbolic link. This finds the deepest existing ancestor and
 * creates each missing level below it with one plain mkdir, so every error is final and reported.
 */
export async function makeDirectory(dir: string): Promise<MakeDirectoryResult> {
  if (dir.includes('\0')) return { ok: false, problem: `${JSON.stringify(dir)} contains a NUL character` };
  const missing: string[] = [];
  let current = path.resolve(dir);
  for (;;) {
    const found = await kindOf(current);
    if (found === 'directory') break;
    if (found === 'other') return { ok: false, problem: `${current} exists and is not a directory` };
    if (typeof found !== 'string') return { ok: false, problem: `cannot look at ${current} (${found.message})` };
    missing.unshift(current);
    const parent = path.dirname(current);
    // The root always exists; reaching it here means it could not be examined.
    if (parent === current) return { ok: false, problem: `cannot look at ${current}` };
    current = parent;
  }
  for (const level of missing) {
    try {
      await mkdir(level);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // Created meanwhile by someone else is fine, as long as it is a directory.
      if (code === 'EEXIST' && (await kindOf(level)) === 'directory') continue;
      if (code === 'EEXIST') return { ok: false, problem: `${level} exists and is not a directory (a dangling symbolic link?)` };
      const reason = code === 'ENOENT' ? `${path.dirname(level)} cannot hold directories` : errorText(error);
      return { ok: false, problem: `cannot create ${level} (${reason})` };
    }
  }
  return { ok: true };
}

/** 'missing' also for ENOTDIR: a regular file further up is then found and reported by the walk. */
async function kindOf(file: string): Promise<'directory' | 'other' | 'missing' | Error> {
  try {
    return (await stat(file)).isDirectory() ? 'directory' : 'other';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'missing';
    return error instanceof Error ? error : new Error(String(error));
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
