/** One benchmark of `npm run bench`. Each file in bench/ exports `benchmarks: Benchmark[]`. */
export interface Benchmark {
  name: string;
  /** Keys of the final JSON object this benchmark fills (see issue 9's list). */
  keys: string[];
  run(ctx: BenchContext): Promise<BenchResult>;
}

export interface BenchContext {
  /** Smoke mode (test/bench-smoke): a few iterations only, so the benchmark cannot rot. */
  quick: boolean;
  log(line: string): void;
}

export interface BenchResult {
  /** Table rows: one per measured quantity. */
  rows: BenchRow[];
  /** Values for the JSON keys; null with a reason when a prerequisite is absent. */
  keys: Record<string, number | null>;
  notes?: string[];
}

export interface BenchRow {
  what: string;
  n: number;
  p50?: number;
  p95?: number;
  p99?: number;
  mean?: number;
  value?: number;
  unit: string;
  /** true when the number comes from the Ollama simulator's latency model. */
  simulated?: boolean;
}
