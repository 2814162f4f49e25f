/**
 * Work that must not land on a request: items wait in a keyed queue and are handled in
 * slices, one slice per event-loop turn (setImmediate). A slice takes at most `slice` items
 * and stops once `sliceMs` have gone by; an item's work may come in steps (`handle`
 * returns an iterator), and then the budget is checked after every step, so one long item
 * spreads over several turns. A slice always makes one step, and its budget grows with the
 * backlog (up to a cap), so the queue keeps up with a sustained stream; no single turn, and
 * so no single request, waits behind more than one slice. `drain()` finishes everything now, for callers that need the work done (and may wait).
 */
export interface SlicedQueue<V> {
  /** Queues (or replaces) the item under `key` and makes sure a slice is coming. */
  add(key: string, value: V): void;
  /** Forgets an item, queued or half done (it was evicted or replaced before it was finished). */
  delete(key: string): void;
  /** Finishes every item now. */
  drain(): void;
  /** Items queued or half done. */
  size(): number;
  /** Slices run so far (a slice = one event-loop turn of work). */
  slices(): number;
  /** Stops scheduling; what is queued or half done is dropped. */
  close(): void;
}

/** An item's work: done at once (void), or in steps (each next() call one step). */
export type SliceWork = Iterator<unknown, unknown, undefined> | void;

export function createSlicedQueue<V>(opts: {
  /** At most this many items started per slice (>= 1). */
  slice: number;
  /** A slice stops after this many ms of work, once it has made one step... */
  sliceMs: number;
  /**
   * ...or, while more than `backlog` items wait, proportionally longer (twice the backlog:
   * twice the budget), up to `maxSliceMs`: a sustained stream faster than the base budget
   * keeps up, holding the queue near `backlog` instead of growing without end.
   */
  backlog?: number;
  maxSliceMs?: number;
  handle: (key: string, value: V) => SliceWork;
  now?: () => number;
}): SlicedQueue<V> {
  if (!(opts.slice >= 1)) throw new Error(`slice must be at least 1, got ${opts.slice}`);
  const now = opts.now ?? (() => performance.now());
  const backlog = opts.backlog ?? 0;
  const maxSliceMs = Math.max(opts.sliceMs, opts.maxSliceMs ?? opts.sliceMs);
  const queue = new Map<string, V>();
  /** The item whose steps are under way, if any. */
  let active: { key: string; steps: Iterator<unknown, unknown, undefined> } | undefined;
  let scheduled: NodeJS.Immediate | undefined;
  let slices = 0;

  /** Starts the next queued item; false when there is none. */
  function start(): boolean {
    const first = queue.entries().next();
    if (first.done) return false;
    const [key, value] = first.value;
    queue.delete(key);
    const steps = opts.handle(key, value);
    if (steps) active = { key, steps };
    return true;
  }

  /** One step of the active item. */
  function step(): void {
    if (active && active.steps.next().done) active = undefined;
  }

  function runSlice(): void {
    scheduled = undefined;
    if (!active && queue.size === 0) return;
    slices++;
    const size = queue.size + (active ? 1 : 0);
    const budget = backlog > 0 && size > backlog ? Math.min(maxSliceMs, (opts.sliceMs * size) / backlog) : opts.sliceMs;
    const t0 = now();
    let started = 0;
    for (;;) {
      if (active) step();
      else if (started < opts.slice && start()) started++;
      else break;
      if (now() - t0 >= budget) break;
    }
    schedule();
  }

  function schedule(): void {
    if (scheduled || (!active && queue.size === 0)) return;
    scheduled = setImmediate(runSlice);
    // Pending work never keeps the process alive on its own.
    scheduled.unref();
  }

  return {
    add(key, value) {
      queue.delete(key);
      queue.set(key, value);
      schedule();
    },
    delete(key) {
      queue.delete(key);
      if (active?.key === key) {
        active.steps.return?.();
        active = undefined;
      }
    },
    drain() {
      while (active || start()) while (active) step();
    },
    size: () => queue.size + (active ? 1 : 0),
    slices: () => slices,
    close() {
      if (scheduled) clearImmediate(scheduled);
      scheduled = undefined;
      active?.steps.return?.();
      active = undefined;
      queue.clear();
    },
  };
}
