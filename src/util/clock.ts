/**
 * Time goes through a Clock so tests, replays and benchmarks can run on virtual time.
 * `now()` is monotonic milliseconds (float); `wallNs()` is wall-clock nanoseconds for ROS stamps.
 */
export interface Clock {
  now(): number;
  wallNs(): bigint;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface TimerHandle {
  readonly id: number;
}

/** The longest delay setTimeout honours (about 24.8 days). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export function createSystemClock(): Clock {
  const origin = process.hrtime.bigint();
  const wallOrigin = BigInt(Date.now()) * 1_000_000n;
  const timers = new Map<number, NodeJS.Timeout>();
  let seq = 0;
  const clock: Clock = {
    now: () => Number(process.hrtime.bigint() - origin) / 1e6,
    wallNs: () => wallOrigin + (process.hrtime.bigint() - origin),
    setTimeout(fn, ms) {
      const id = ++seq;
      // Node fires a timer longer than 2^31-1 ms at once (with a warning): clamp, never overflow into "now".
      const t = setTimeout(() => {
        timers.delete(id);
        fn();
      }, Math.min(MAX_TIMER_MS, Math.max(0, ms)));
      timers.set(id, t);
      return { id };
    },
    clearTimeout(handle) {
      if (!handle) return;
      const t = timers.get(handle.id);
      if (t) clearTimeout(t);
      timers.delete(handle.id);
    },
    sleep: (ms, signal) => sleepOn(clock, ms, signal),
  };
  return clock;
}

function sleepOn(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const onAbort = () => {
      clock.clearTimeout(handle);
      reject(abortReason(signal as AbortSignal));
    };
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function abortReason(signal: AbortSignal): Error {
  const r: unknown = signal.reason;
  if (r instanceof Error) return r;
  const e = new Error(typeof r === 'string' ? r : 'aborted');
  e.name = 'AbortError';
  return e;
}

/**
 * Virtual time: nothing moves until `advance()` is called. Timers fire in order and
 * pending promise callbacks run between them, so async code behaves as on a real clock.
 */
export class VirtualClock implements Clock {
  private t: number;
  private readonly wallStartNs: bigint;
  private seq = 0;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();

  constructor(startMs = 0, wallStartNs = 1_700_000_000_000_000_000n) {
    this.t = startMs;
    this.wallStartNs = wallStartNs;
  }

  now(): number {
    return this.t;
  }

  wallNs(): bigint {
    return this.wallStartNs + BigInt(Math.round(this.t * 1e6));
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + Math.max(0, ms), fn });
    return { id };
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (handle) this.timers.delete(handle.id);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, ms, signal);
  }

  /** Number of timers not yet fired. */
  pending(): number {
    return this.timers.size;
  }

  /** Moves time forward by `ms`, firing every timer due on the way, in order. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await flushMicrotasks();
      const next = this.nextDue(end);
      if (!next) break;
      this.timers.delete(next.id);
      this.t = Math.max(this.t, next.at);
      next.fn();
    }
    this.t = end;
    await flushMicrotasks();
  }

  /** Advances until no timer is left (bounded, so a periodic timer cannot spin forever). */
  async runAll(maxMs = 3_600_000): Promise<void> {
    const limit = this.t + maxMs;
    for (;;) {
      await flushMicrotasks();
      const next = this.nextDue(limit);
      if (!next) break;
      await this.advance(next.at - this.t);
    }
  }

  private nextDue(limit: number): { id: number; at: number; fn: () => void } | undefined {
    let best: { id: number; at: number; fn: () => void } | undefined;
    for (const [id, t] of this.timers) {
      if (t.at <= limit && (!best || t.at < best.at || (t.at === best.at && id < best.id))) best = { id, ...t };
    }
    return best;
  }
}

/** Lets every queued promise continuation and I/O callback run once. */
export async function flushMicrotasks(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise<void>((r) => setImmediate(r));
}
