import { flushMicrotasks, type Clock } from '../util/clock';
import type { SteppingClock } from './stepping-clock';

export interface ReplayDriverDeps {
  /** Undefined on the system clock: then the driver only drains the loop. */
  stepping?: SteppingClock;
  /** Real time, only to give real I/O a chance between virtual steps. */
  realClock: Clock;
  /** The node talks over real I/O (an LLM over HTTP). */
  realIo: boolean;
  /** A request or an answer is known to be on the wire. */
  ioBusy(): boolean;
  /** Utterances played but not yet answered. */
  pending(): number;
  /** Changes whenever anything observable moves (outputs, timers, the I/O peer's counters). */
  fingerprint(): string;
  /** Longest real wait for I/O before virtual time moves anyway. */
  ioWaitMs: number;
}

export interface ReplayDriver {
  /** Lets the node run without moving virtual time. */
  settle(): Promise<void>;
  /** Moves virtual time to `target` (ms), firing the node's timers in order on the way. */
  advanceTo(target: number): Promise<void>;
  /** Awaits `closing` while keeping virtual time moving (closing may wait on timers: a final StopMove). */
  closeTicking(closing: Promise<void>): Promise<void>;
}

/**
 * Drives virtual time for a replay. Without real I/O, VirtualClock.advance is the whole story
 * (timers in order, the loop drained between them). With an LLM over HTTP the answer arrives
 * through real I/O, so time moves one due timer at a time, and before each step the driver
 * waits (in real time) while a request or answer is on the wire or while anything still moves.
 */
export function createReplayDriver(deps: ReplayDriverDeps): ReplayDriver {
  const { stepping, realClock } = deps;

  async function settle(): Promise<void> {
    await flushMicrotasks();
    if (!stepping || !deps.realIo) return;
    if (deps.pending() === 0 && !deps.ioBusy()) return;
    const deadline = realClock.now() + deps.ioWaitMs;
    let last = deps.fingerprint();
    let stable = 0;
    while (stable < 3 && realClock.now() < deadline) {
      await realClock.sleep(2);
      await flushMicrotasks();
      // Never move time under a request or an answer on the wire.
      if (deps.ioBusy()) {
        stable = 0;
        continue;
      }
      if (deps.pending() === 0) return;
      const f = deps.fingerprint();
      stable = f === last ? stable + 1 : 0;
      last = f;
    }
  }

  async function advanceTo(target: number): Promise<void> {
    if (!stepping) return;
    if (!deps.realIo) {
      if (target > stepping.now()) await stepping.advance(target - stepping.now());
      return;
    }
    for (;;) {
      await settle();
      const next = stepping.nextDue();
      if (next === undefined || next > target) break;
      await stepping.advance(Math.max(0, next - stepping.now()));
    }
    if (target > stepping.now()) await stepping.advance(target - stepping.now());
    await settle();
  }

  async function closeTicking(closing: Promise<void>): Promise<void> {
    if (!stepping) return closing;
    let done = false;
    const finished = closing.finally(() => {
      done = true;
    });
    // Bounded: at most 60 s of virtual time.
    for (let i = 0; i < 600 && !done; i++) {
      await flushMicrotasks();
      if (!done) await stepping.advance(100);
    }
    await finished;
  }

  return { settle, advanceTo, closeTicking };
}
