import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** USER_HZ: the unit of utime/stime in /proc/<pid>/stat and of /proc/stat. */
export const clockTicksPerSecond: number = readClockTicks();

/** One process's cumulative counters from /proc, read at one moment. */
export interface ProcessCounters {
  readonly pid: number;
  readonly command: string;
  /** utime + stime from /proc/<pid>/stat, in clock ticks (10 ms at USER_HZ 100). */
  readonly cpuTicks: number;
  /** The scheduler's own run time from /proc/<pid>/schedstat, in ns; null when the kernel lacks it. */
  readonly runtimeNs: number | null;
  /** VmRSS from /proc/<pid>/status. */
  readonly rssKiB: number | null;
  /** rchar / wchar from /proc/<pid>/io: bytes passed to read/write syscalls, sockets included. */
  readonly readBytes: number | null;
  readonly writtenBytes: number | null;
  /** syscr / syscw from /proc/<pid>/io: how many read/write syscalls, a measured proxy for messages. */
  readonly readCalls: number | null;
  readonly writeCalls: number | null;
}

/** A process's CPU over a window, as % of one core: by stat ticks, and by the scheduler's run time. */
export interface CpuShare {
  readonly cpuPercent: number;
  readonly schedCpuPercent: number | null;
}

export function cpuShareBetween(before: ProcessCounters, after: ProcessCounters, seconds: number): CpuShare {
  return {
    cpuPercent: (100 * (after.cpuTicks - before.cpuTicks)) / clockTicksPerSecond / seconds,
    schedCpuPercent: before.runtimeNs === null || after.runtimeNs === null ? null : (100 * (after.runtimeNs - before.runtimeNs)) / 1e9 / seconds,
  };
}

/** Null when the process is gone. */
export function readProcessCounters(pid: number): ProcessCounters | null {
  const stat = readProc(`/proc/${pid}/stat`);
  if (stat === null) return null;
  // The command name is in parentheses and may itself contain spaces or parentheses.
  const close = stat.lastIndexOf(')');
  const fields = stat.slice(close + 2).split(' ');
  // fields[0] is field 3 (state) of proc(5), so utime (14) and stime (15) are at 11 and 12.
  const cpuTicks = Number(fields[11]) + Number(fields[12]);
  const schedstat = readProc(`/proc/${pid}/schedstat`);
  const status = readProc(`/proc/${pid}/status`);
  const io = readProc(`/proc/${pid}/io`);
  const rss = status === null ? null : /^VmRSS:\s+(\d+) kB/m.exec(status);
  const read = io === null ? null : /^rchar: (\d+)/m.exec(io);
  const written = io === null ? null : /^wchar: (\d+)/m.exec(io);
  const readCalls = io === null ? null : /^syscr: (\d+)/m.exec(io);
  const writeCalls = io === null ? null : /^syscw: (\d+)/m.exec(io);
  return {
    pid,
    command: stat.slice(stat.indexOf('(') + 1, close),
    cpuTicks,
    runtimeNs: schedstat === null ? null : Number(schedstat.split(' ')[0]),
    rssKiB: rss?.[1] === undefined ? null : Number(rss[1]),
    readBytes: read?.[1] === undefined ? null : Number(read[1]),
    writtenBytes: written?.[1] === undefined ? null : Number(written[1]),
    readCalls: readCalls?.[1] === undefined ? null : Number(readCalls[1]),
    writeCalls: writeCalls?.[1] === undefined ? null : Number(writeCalls[1]),
  };
}

/** The whole machine's CPU time from the first line of /proc/stat, in clock ticks summed over cores. */
export interface MachineCpuTicks {
  /** user + nice + system + irq + softirq */
  readonly busy: number;
  /** idle + iowait */
  readonly idle: number;
  /** Time the hypervisor ran something else while this VM wanted to run. */
  readonly steal: number;
}

export function readMachineCpuTicks(): MachineCpuTicks {
  const line = (readProc('/proc/stat') ?? '').split('\n')[0] ?? '';
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = line.trim().split(/\s+/).slice(1).map(Number);
  return { busy: user + nice + system + irq + softirq, idle: idle + iowait, steal };
}

/**
 * The scheduler's run time of every thread of the process (/proc/<pid>/task/<tid>/schedstat), in
 * ns: etcd runs on many threads, and a Node process's GC and libuv threads are not in the main
 * thread's schedstat either. Null when the process is gone.
 */
export function readAllThreadsRuntimeNs(pid: number): number | null {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return null;
  }
  return tasks.reduce((sum, tid) => sum + Number((readProc(`/proc/${pid}/task/${tid}/schedstat`) ?? '0').split(' ')[0]), 0);
}

export function listPids(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

/** A process's command line, shortened for a report line. */
export function shortCommandLine(pid: number, maxLength: number): string {
  const raw = readProc(`/proc/${pid}/cmdline`) ?? '';
  const line = raw
    .replaceAll('\0', ' ')
    .trim()
    .replaceAll(/\/\S*\/(?=[^/\s]+)/g, '');
  return line.length > maxLength ? `${line.slice(0, maxLength - 1)}…` : line;
}

function readProc(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

function readClockTicks(): number {
  try {
    const value = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isInteger(value) && value > 0 ? value : 100;
  } catch {
    return 100;
  }
}
