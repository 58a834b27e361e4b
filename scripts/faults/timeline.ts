import type { CliIo } from '../../src/command-line/program.ts';

/** Lines stamped with the time since the timeline began, e.g. `  +1.234s  isolate n2`. */
export class Timeline {
  private readonly startedAt = performance.now();

  constructor(private readonly io: CliIo) {}

  elapsedMs(): number {
    return performance.now() - this.startedAt;
  }

  print(text: string): void {
    this.io.stdout(`${formatOffset(this.elapsedMs())}  ${text}`);
  }
}

/** Padded so that the texts line up for runs of up to 1000 s. */
function formatOffset(ms: number): string {
  return `+${(ms / 1000).toFixed(3)}s`.padStart(9);
}
