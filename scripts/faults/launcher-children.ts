import { readFile } from 'node:fs/promises';

/**
 * Which of the nodes' processes the launcher started itself (it is their parent). It stops once
 * all of those have exited, and the nodes restarted by these scripts stop with it (see
 * restart-node.ts). Answers null where that cannot be told: parents are read from Linux's /proc.
 */
export async function launcherChildren(pids: ReadonlyMap<string, number>, launcherPid: number): Promise<Set<string> | null> {
  if ((await readStat('self')) === null) return null;
  const children = new Set<string>();
  for (const [id, pid] of pids) {
    const stat = await readStat(String(pid));
    if (stat !== null && parentOf(stat) === launcherPid) children.add(id);
  }
  return children;
}

/** Null when there is no such process, or no /proc. */
async function readStat(process: string): Promise<string | null> {
  try {
    return await readFile(`/proc/${process}/stat`, 'utf8');
  } catch {
    return null;
  }
}

/** `pid (command) state ppid ...`: the command may hold spaces and parentheses, so fields are counted from the last ')'. */
function parentOf(stat: string): number {
  return Number(
    stat
      .slice(stat.lastIndexOf(')') + 1)
      .trim()
      .split(' ')[1],
  );
}
