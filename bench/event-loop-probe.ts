/**
 * Imported into each node process (`--import`) by the stability benchmark, because nodes do not
 * expose their event-loop delay. Node's own histogram times a 10 ms timer; every second the
 * probe prints a JSON line in the nodes' log format with the delays since the last SIGUSR2 (the
 * bench sends one when its measurement window opens), so the last line covers the window.
 * Cost: one extra timer wake-up per 10 ms and one log line per second per node.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

const resolutionMs = 10;
const nsPerMs = 1e6;
const histogram = monitorEventLoopDelay({ resolution: resolutionMs });
histogram.enable();
process.on('SIGUSR2', () => histogram.reset());

// The histogram records whole timer intervals: the delay is what exceeds the 10 ms asked for.
const delayMs = (intervalNs: number): number => Math.max(0, intervalNs / nsPerMs - resolutionMs);

setInterval(() => {
  if (histogram.count === 0) return;
  const line = {
    time: Date.now(),
    pid: process.pid,
    event: 'event-loop-delay',
    samples: histogram.count,
    p50Ms: delayMs(histogram.percentile(50)),
    p99Ms: delayMs(histogram.percentile(99)),
    maxMs: delayMs(histogram.max),
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}, 1000).unref();
