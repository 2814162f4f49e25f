import { createHook } from 'node:async_hooks';
import { VirtualClock, type TimerHandle } from '../../src/util/clock';

/**
 * Virtual time for a whole node talking real HTTP to the simulator. VirtualClock fires
 * timers in order, but between two timers real I/O (a request on loopback, a streamed
 * token) must have been fully processed, or virtual time would run ahead of it. So this
 * clock knows when its next timer is due, and `settle()` waits until the event loop has
 * run several rounds in which nothing but its own probe ran (counted with async_hooks).
 * Virtual time then measures only what the latency model and the node's own timers
 * say; the node's CPU time is not part of it (it is measured elsewhere, in real time).
 */
export class SettlingClock extends VirtualClock {
  private readonly due = new Map<number, number>();

  override setTimeout(fn: () => void, ms: number): TimerHandle {
    const at = this.now() + Math.max(0, ms);
    const handle: TimerHandle = super.setTimeout(() => {
      this.due.delete(handle.id);
      fn();
    }, ms);
    this.due.set(handle.id, at);
    return handle;
  }

  override clearTimeout(handle: TimerHandle | undefined): void {
    if (handle) this.due.delete(handle.id);
    super.clearTimeout(handle);
  }

  /** Clock time of the earliest pending timer, undefined when none. */
  nextDueAt(): number | undefined {
    let best: number | undefined;
    for (const at of this.due.values()) if (best === undefined || at < best) best = at;
    return best;
  }
}

export interface Settler {
  /** Resolves once the event loop has been idle (apart from this probe) for `quietRounds` rounds. */
  settle(): Promise<void>;
  close(): void;
}

export function createSettler(opts: { quietRounds?: number; maxRounds?: number } = {}): Settler {
  const quietRounds = opts.quietRounds ?? 4;
  const maxRounds = opts.maxRounds ?? 100_000;
  let callbacks = 0;
  const hook = createHook({
    before() {
      callbacks++;
    },
  });
  hook.enable();
  const round = () => new Promise<void>((r) => setImmediate(r));
  let baseline: number | undefined;

  async function calibrate(): Promise<number> {
    let min = Infinity;
    for (let i = 0; i < 20; i++) {
      const c0 = callbacks;
      await round();
      min = Math.min(min, callbacks - c0);
    }
    return min;
  }

  return {
    async settle() {
      baseline ??= await calibrate();
      let quiet = 0;
      for (let i = 0; i < maxRounds; i++) {
        const c0 = callbacks;
        await round();
        quiet = callbacks - c0 <= baseline ? quiet + 1 : 0;
        if (quiet >= quietRounds) return;
      }
      throw new Error(`the event loop did not settle within ${maxRounds} rounds (something runs continuously outside the virtual clock)`);
    },
    close() {
      hook.disable();
    },
  };
}

/**
 * Runs virtual time forward, one timer at a time with the loop settled in between, until
 * `done()` holds. Fails when nothing is left to fire but `done()` is still false (a hang).
 */
export async function driveUntil(clock: SettlingClock, settler: Settler, done: () => boolean, limitMs = 24 * 3_600_000): Promise<void> {
  const limit = clock.now() + limitMs;
  for (;;) {
    await settler.settle();
    if (done()) return;
    const next = clock.nextDueAt();
    if (next === undefined) throw new Error(`virtual time is stuck at ${clock.now()} ms: no timer left and the work is not done`);
    if (next > limit) throw new Error(`virtual time passed its limit (${limitMs} ms) before the work was done`);
    await clock.advance(Math.max(0, next - clock.now()));
  }
}

/** Runs virtual time forward to `toMs` (absolute clock time), settling the loop before every timer. */
export async function driveTo(clock: SettlingClock, settler: Settler, toMs: number): Promise<void> {
  for (;;) {
    await settler.settle();
    const next = clock.nextDueAt();
    if (next === undefined || next > toMs) break;
    await clock.advance(Math.max(0, next - clock.now()));
  }
  if (toMs > clock.now()) await clock.advance(toMs - clock.now());
  await settler.settle();
}
