/**
 * Work that must not land on a request: items wait in a keyed queue and are handled in
 * slices of at most `slice` items, one slice per event-loop turn (setImmediate), and a
 * slice also stops once `sliceMs` have gone by (it always handles at least one item, so it
 * keeps up with a sustained stream). No single turn, and so no single request, pays for
 * more than one slice; `drain()` handles everything now, for callers that need the work
 * done (and are allowed to wait).
 */
export interface SlicedQueue<V> {
  /** Queues (or replaces) the item under `key` and makes sure a slice is coming. */
  add(key: string, value: V): void;
  /** Forgets a queued item (it was evicted or replaced before its turn). */
  delete(key: string): void;
  /** Handles every queued item now. */
  drain(): void;
  size(): number;
  /** Slices handled so far (a slice = one event-loop turn of work). */
  slices(): number;
  /** Stops scheduling; queued items are dropped. */
  close(): void;
}

export function createSlicedQueue<V>(opts: {
  /** At most this many items per slice (>= 1). */
  slice: number;
  /** A slice stops after this many ms of work, once it has handled one item. */
  sliceMs: number;
  handle: (key: string, value: V) => void;
  now?: () => number;
}): SlicedQueue<V> {
  if (!(opts.slice >= 1)) throw new Error(`slice must be at least 1, got ${opts.slice}`);
  const now = opts.now ?? (() => performance.now());
  const queue = new Map<string, V>();
  let scheduled: NodeJS.Immediate | undefined;
  let slices = 0;

  function take(key: string, value: V): void {
    queue.delete(key);
    opts.handle(key, value);
  }

  function runSlice(): void {
    scheduled = undefined;
    if (queue.size === 0) return;
    slices++;
    const t0 = now();
    let n = 0;
    for (const [key, value] of queue) {
      take(key, value);
      if (++n >= opts.slice || now() - t0 >= opts.sliceMs) break;
    }
    schedule();
  }

  function schedule(): void {
    if (scheduled || queue.size === 0) return;
    scheduled = setImmediate(runSlice);
    // A queue of pending work never keeps the process alive on its own.
    scheduled.unref();
  }

  return {
    add(key, value) {
      queue.delete(key);
      queue.set(key, value);
      schedule();
    },
    delete: (key) => void queue.delete(key),
    drain() {
      for (const [key, value] of queue) take(key, value);
    },
    size: () => queue.size,
    slices: () => slices,
    close() {
      if (scheduled) clearImmediate(scheduled);
      scheduled = undefined;
      queue.clear();
    },
  };
}
