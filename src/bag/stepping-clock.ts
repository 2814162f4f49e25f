import { VirtualClock, type Clock, type TimerHandle } from '../util/clock';

/**
 * A VirtualClock that also knows when its next timer is due, so the replay can move virtual time
 * one timer at a time and let real I/O (the simulator's HTTP answers) land between timers.
 * VirtualClock keeps its timers private; this records due times on the way in.
 */
export interface SteppingClock extends Clock {
  readonly virtual: VirtualClock;
  /** Due time (ms, clock.now() scale) of the earliest pending timer. */
  nextDue(): number | undefined;
  /** Timers pending. */
  pending(): number;
  advance(ms: number): Promise<void>;
}

export function createSteppingClock(wallStartNs: bigint): SteppingClock {
  const virtual = new VirtualClock(0, wallStartNs);
  const due = new Map<number, number>();
  const clock: SteppingClock = {
    virtual,
    now: () => virtual.now(),
    wallNs: () => virtual.wallNs(),
    setTimeout(fn: () => void, ms: number): TimerHandle {
      const at = virtual.now() + Math.max(0, ms);
      let id = 0;
      const handle = virtual.setTimeout(() => {
        due.delete(id);
        fn();
      }, ms);
      id = handle.id;
      due.set(id, at);
      return handle;
    },
    clearTimeout(handle: TimerHandle | undefined): void {
      if (handle) due.delete(handle.id);
      virtual.clearTimeout(handle);
    },
    sleep(ms: number, signal?: AbortSignal): Promise<void> {
      // VirtualClock.sleep schedules through `this.setTimeout`, i.e. the VirtualClock's own; go through ours.
      return new Promise((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
        const onAbort = () => {
          clock.clearTimeout(h);
          reject(signal?.reason instanceof Error ? signal.reason : Object.assign(new Error('aborted'), { name: 'AbortError' }));
        };
        const h = clock.setTimeout(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }, ms);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
    nextDue() {
      let best: number | undefined;
      for (const at of due.values()) if (best === undefined || at < best) best = at;
      return best;
    },
    pending: () => due.size,
    advance: (ms) => virtual.advance(ms),
  };
  return clock;
}
