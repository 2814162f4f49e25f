import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

export interface LagWindow {
  /** Milliseconds; 0 before the first window closes. */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
}

/**
 * Event-loop delay in windows: a stop is only as fast as the loop, so the lag of the last
 * window is a metric and a diagnostic. `roll()` closes the window (called at the diagnostics
 * rate); readings always describe the last closed window, so scrapes do not reset it.
 */
export interface EventLoopLag {
  roll(): LagWindow;
  last(): LagWindow;
  close(): void;
}

const EMPTY: LagWindow = { p50Ms: 0, p99Ms: 0, maxMs: 0, meanMs: 0 };

export function createEventLoopLag(opts: { resolutionMs?: number } = {}): EventLoopLag {
  const h: IntervalHistogram = monitorEventLoopDelay({ resolution: Math.max(1, opts.resolutionMs ?? 10) });
  h.enable();
  let last = EMPTY;
  // The histogram includes the sampling resolution itself; subtract it so an idle loop reads ~0.
  const res = Math.max(1, opts.resolutionMs ?? 10);
  const ms = (ns: number) => (Number.isFinite(ns) ? Math.max(0, ns / 1e6 - res) : 0);
  return {
    roll() {
      if (h.count > 0) last = { p50Ms: ms(h.percentile(50)), p99Ms: ms(h.percentile(99)), maxMs: ms(h.max), meanMs: ms(h.mean) };
      h.reset();
      return last;
    },
    last: () => last,
    close: () => h.disable(),
  };
}
