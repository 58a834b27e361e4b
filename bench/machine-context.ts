import os from 'node:os';
import { formatStalls, probeMachineStalls, type StallSummary } from './machine-stalls.ts';
import { clockTicksPerSecond, listPids, readMachineCpuTicks, readProcessCounters, shortCommandLine } from './proc-stats.ts';

export interface BusyProcess {
  readonly pid: number;
  readonly commandLine: string;
  /** Of one core, from /proc/<pid>/stat over the probe. */
  readonly cpuPercent: number;
}

/** What the machine was doing just before a benchmark: the numbers every report starts with. */
export interface MachineContext {
  readonly cores: number;
  readonly nodeVersion: string;
  readonly clockTicksPerSecond: number;
  readonly loadAverage: readonly number[];
  readonly stalls: StallSummary;
  /** Shares of wall time × cores over the probe, from /proc/stat. */
  readonly busyPercent: number;
  readonly idlePercent: number;
  readonly stealPercent: number;
  /** Wall time × cores that /proc/stat accounted to nothing: the VM was not running at all. */
  readonly unaccountedPercent: number;
  /** Other processes that used the most CPU during the probe: other engineers' tests, say. */
  readonly busiestOtherProcesses: readonly BusyProcess[];
}

const busiestShown = 5;

/** Probes stalls for `probeMs` with this process idle, and watches the rest of the machine meanwhile. */
export async function measureMachineContext(probeMs: number): Promise<MachineContext> {
  const loadAverage = os.loadavg();
  const cores = os.availableParallelism();
  const ticksBefore = new Map(listPids().map((pid) => [pid, readProcessCounters(pid)?.cpuTicks ?? 0]));
  const cpuBefore = readMachineCpuTicks();
  const startedAt = performance.now();
  const stalls = await probeMachineStalls(probeMs);
  const seconds = (performance.now() - startedAt) / 1000;
  const cpuAfter = readMachineCpuTicks();
  const capacity = seconds * cores * clockTicksPerSecond;
  const share = (after: number, before: number): number => (100 * (after - before)) / capacity;
  const busyPercent = share(cpuAfter.busy, cpuBefore.busy);
  const idlePercent = share(cpuAfter.idle, cpuBefore.idle);
  const stealPercent = share(cpuAfter.steal, cpuBefore.steal);
  const busiestOtherProcesses = listPids()
    .filter((pid) => pid !== process.pid)
    .map((pid) => {
      const ticks = readProcessCounters(pid)?.cpuTicks ?? 0;
      // A process that started during the probe used all of its CPU time within it.
      const cpuPercent = (100 * (ticks - (ticksBefore.get(pid) ?? 0))) / (seconds * clockTicksPerSecond);
      return { pid, commandLine: shortCommandLine(pid, 70), cpuPercent };
    })
    .filter((busy) => busy.cpuPercent >= 1)
    .sort((a, b) => b.cpuPercent - a.cpuPercent)
    .slice(0, busiestShown);
  return {
    cores,
    nodeVersion: process.version,
    clockTicksPerSecond,
    loadAverage,
    stalls,
    busyPercent,
    idlePercent,
    stealPercent,
    unaccountedPercent: Math.max(0, 100 - busyPercent - idlePercent - stealPercent),
    busiestOtherProcesses,
  };
}

export function formatLoadAverage(load: readonly number[]): string {
  return load.map((value) => value.toFixed(2)).join(' ');
}

export function formatMachineContext(context: MachineContext): string[] {
  const lines = [
    `machine: ${context.cores} cores, node ${context.nodeVersion}, USER_HZ ${context.clockTicksPerSecond}; load average before: ${formatLoadAverage(context.loadAverage)}`,
    `stall probe (bench process idle): ${formatStalls(context.stalls)}`,
    `CPU during the probe (/proc/stat, % of wall x cores): busy ${context.busyPercent.toFixed(0)}%, idle ${context.idlePercent.toFixed(0)}%, ` +
      `steal ${context.stealPercent.toFixed(1)}%, unaccounted ${context.unaccountedPercent.toFixed(0)}%`,
  ];
  if (context.busiestOtherProcesses.length === 0) lines.push('other processes during the probe: none above 1% of a core');
  else {
    lines.push('other processes during the probe (% of one core):');
    for (const busy of context.busiestOtherProcesses) lines.push(`  ${busy.cpuPercent.toFixed(0).padStart(3)}%  ${busy.commandLine}`);
  }
  return lines;
}
