import { createHistogram, PerformanceObserver } from 'node:perf_hooks';
import { percentileSorted } from '../src/util/percentile';

/** Percentiles from a full sorted sample (exact, so p99 of n >= 100 is a real observation). */
export function summarize(samples: number[]): { n: number; p50: number; p95: number; p99: number; mean: number; max: number } {
  const s = [...samples].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return { n: 0, p50: NaN, p95: NaN, p99: NaN, mean: NaN, max: NaN };
  const q = (p: number) => percentileSorted(s, p * 100) as number;
  const mean = s.reduce((a, b) => a + b, 0) / n;
  return { n, p50: q(0.5), p95: q(0.95), p99: q(0.99), mean, max: s[n - 1] as number };
}

/** High-resolution wall time in ms. */
export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/**
 * p50/p99 from an HDR histogram (node:perf_hooks, ns resolution): how the Redis latency
 * keys are defined, so the tier's lookup and the bare GET are summarised the same way.
 */
export function histogramSummary(samplesMs: number[]): { n: number; p50: number; p99: number; max: number } {
  const h = createHistogram();
  for (const ms of samplesMs) h.record(Math.max(1, Math.round(ms * 1e6)));
  return { n: samplesMs.length, p50: h.percentile(50) / 1e6, p99: h.percentile(99) / 1e6, max: h.max / 1e6 };
}

/** A time span on the performance.now() clock (ms), e.g. one timed sample. */
export interface Span {
  start: number;
  end: number;
}

/** Records V8 GC pauses (PerformanceObserver 'gc' entries) until stop(). */
export function observeGc(): { stop(): Span[] } {
  const pauses: Span[] = [];
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) pauses.push({ start: e.startTime, end: e.startTime + e.duration });
  });
  obs.observe({ entryTypes: ['gc'] });
  return {
    stop() {
      // Entries are delivered asynchronously; takeRecords() picks up those still buffered.
      for (const e of obs.takeRecords()) pauses.push({ start: e.startTime, end: e.startTime + e.duration });
      obs.disconnect();
      return pauses;
    },
  };
}

/** "n pauses, t ms" of the GC pauses that overlap any of `samples` (all pauses when none given). */
export function gcOverlap(pauses: Span[], samples: Span[]): string {
  let n = 0;
  let ms = 0;
  for (const p of pauses) {
    const hit = samples.length === 0 || samples.some((s) => p.start < s.end && p.end > s.start);
    if (!hit) continue;
    n++;
    ms += p.end - p.start;
  }
  return `${n} pauses, ${ms.toFixed(1)} ms`;
}
