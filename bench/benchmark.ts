import type { StallMonitor } from './machine-stalls.ts';

/** The command-line choices every benchmark reads; null means "the benchmark's own default". */
export interface BenchOptions {
  /** Fewer trials and shorter windows, for development and `all --quick`. */
  readonly quick: boolean;
  readonly trials: number | null;
  readonly nodes: readonly number[] | null;
  readonly seconds: number | null;
  /** stability only: search for the smallest election timeout that rides out the load. */
  readonly findMinTimeout: boolean;
  /** versus-etcd only: run this product with TLS as well, beside its plaintext run. */
  readonly tls: boolean;
}

export interface BenchmarkOutcome {
  /** Tables and notes, printed under the machine context. */
  readonly lines: readonly string[];
  /** Everything measured, trial by trial, for the JSON results file. */
  readonly data: unknown;
}

export interface RunContext {
  /** Prints a short line on stderr, so stdout holds only the report. */
  readonly progress: (line: string) => void;
  /** The bench's own stall monitor, running for the whole benchmark. */
  readonly stalls: StallMonitor;
}

export interface Benchmark {
  readonly name: string;
  /** One line for --help. */
  readonly description: string;
  run(options: BenchOptions, context: RunContext): Promise<BenchmarkOutcome>;
}
