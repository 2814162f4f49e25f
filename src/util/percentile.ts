/** Nearest-rank percentile of an ascending-sorted array (p in 0..100); undefined when empty. */
export function percentileSorted(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function percentiles(values: readonly number[], ps: readonly number[]): Array<number | undefined> {
  const sorted = [...values].sort((a, b) => a - b);
  return ps.map((p) => percentileSorted(sorted, p));
}
