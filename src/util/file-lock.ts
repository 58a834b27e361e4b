import { link, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { isProcessAlive } from './process-signals.ts';
import { setTimeout as delay } from 'node:timers/promises';

export type WithFileLockResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };

export interface FileLockOptions {
  /** How long to wait for another holder before giving up (default 10 s). */
  readonly waitMs?: number;
}

let sequence = 0;

/**
 * Runs `critical` while holding the lock file `lockPath`, across processes. Node has no flock, so
 * the lock is a file that exists only while held: it is made with link(2), which fails when the
 * name exists and, unlike an O_EXCL create, never shows a half-written file; it holds the
 * holder's pid. A lock whose holder has died is taken over: it is first renamed to a private
 * name and checked to still be the dead holder's, so two processes breaking it at once do not
 * both end up holding it. Meant for critical sections of milliseconds (a read-modify-write).
 */
export async function withFileLock<T>(lockPath: string, critical: () => Promise<T>, options: FileLockOptions = {}): Promise<WithFileLockResult<T>> {
  const deadline = Date.now() + (options.waitMs ?? 10_000);
  sequence += 1;
  const mine = `${lockPath}.${process.pid}.${sequence}`;
  await writeFile(mine, `${process.pid}\n`);
  try {
    let delayMs = 1;
    for (;;) {
      try {
        await link(mine, lockPath);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = await holderOf(lockPath);
      if (holder !== undefined && !isProcessAlive(holder)) {
        await breakStaleLock(lockPath, holder);
        continue;
      }
      if (Date.now() >= deadline) {
        const who = holder === undefined ? 'another process' : `process ${holder}`;
        return { ok: false, problem: `${lockPath} is held by ${who}; if no such process runs, delete the file` };
      }
      await delay(delayMs);
      delayMs = Math.min(delayMs * 2, 50);
    }
  } finally {
    await rm(mine, { force: true });
  }
  try {
    return { ok: true, value: await critical() };
  } finally {
    await rm(lockPath, { force: true });
  }
}

async function holderOf(lockPath: string): Promise<number | undefined> {
  const text = await readFile(lockPath, 'utf8').catch(() => '');
  const pid = Number(text.trim());
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

async function breakStaleLock(lockPath: string, deadHolder: number): Promise<void> {
  sequence += 1;
  const taken = `${lockPath}.stale.${process.pid}.${sequence}`;
  try {
    await rename(lockPath, taken);
  } catch {
    // Someone else broke it first.
    return;
  }
  if ((await holderOf(taken)) !== deadHolder) {
    // Between looking and renaming, another process broke the stale lock and took it: give it back.
    await link(taken, lockPath).catch(() => undefined);
  }
  await rm(taken, { force: true });
}
