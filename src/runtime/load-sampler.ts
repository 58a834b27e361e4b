import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { NodeLoad } from '../health/node-metadata.ts';

/**
 * Samples this process's load once per interval, so that heartbeats can carry it without any
 * per-message cost: event-loop delay p99, CPU % of one core, and resident memory.
 */
/**
 * How often the delay histogram's own timer wakes the event loop. Each wake-up costs CPU even on
 * an idle node (at 10 ms, 100 a second, as much as the heartbeats); 100 ms still gives 10 samples
 * per interval, and a stall shows in whichever sample spans it.
 */
const delayResolutionMs = 100;
export class LoadSampler {
  private readonly histogram: IntervalHistogram;
  private readonly timer: NodeJS.Timeout;
  private lastCpu = process.cpuUsage();
  private lastAt = performance.now();
  private latest: NodeLoad = { eventLoopDelayP99Ms: 0, cpuPercent: 0, rssBytes: process.memoryUsage.rss() };

  constructor(intervalMs = 1000) {
    this.histogram = monitorEventLoopDelay({ resolution: delayResolutionMs });
    this.histogram.enable();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  current(): NodeLoad {
    return this.latest;
  }

  stop(): void {
    clearInterval(this.timer);
    this.histogram.disable();
  }

  private sample(): void {
    const now = performance.now();
    const cpu = process.cpuUsage(this.lastCpu);
    const elapsedMs = now - this.lastAt;
    this.latest = {
      eventLoopDelayP99Ms: this.histogram.percentile(99) / 1e6,
      cpuPercent: elapsedMs > 0 ? ((cpu.user + cpu.system) / 1000 / elapsedMs) * 100 : 0,
      rssBytes: process.memoryUsage.rss(),
    };
    this.histogram.reset();
    this.lastCpu = process.cpuUsage();
    this.lastAt = now;
  }
}
