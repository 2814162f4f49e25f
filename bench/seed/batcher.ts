import type { LlmDecideOptions, LlmDecider } from '../../src/pipeline/stages';
import type { Decision, Request } from '../../src/pipeline/types';
import type { Clock, TimerHandle } from '../../src/util/clock';
import { ClaudiaError } from '../../src/util/errors';

/**
 * The seed system's request batcher, rebuilt around our LLM path for the baseline: it
 * collects requests for up to `windowMs` (2 s) or until `maxBatch` (8) are waiting, then
 * sends the batch, with at most `maxParallel` (4) batches in flight; the rest wait, in
 * arrival order. It has no priorities (every request goes in as medium), no streaming
 * (actions are known only when the whole answer is), and no coalescing.
 *
 * `release` says when a batch's answers come back: 'each' hands every answer over as
 * soon as its own call finishes (the generous reading, the default); 'batch' waits for
 * the whole batch (asyncio.gather), as a typical Python batcher does.
 */
export interface SeedBatcherOptions {
  inner: LlmDecider;
  clock: Clock;
  windowMs?: number;
  maxBatch?: number;
  maxParallel?: number;
  release?: 'each' | 'batch';
}

interface Waiting {
  req: Request;
  signal: AbortSignal;
  resolve(d: Decision): void;
  reject(e: unknown): void;
}

export interface SeedBatcher extends LlmDecider {
  stats(): { batches: number; largest: number; sizes: number[] };
}

export function createSeedBatcher(opts: SeedBatcherOptions): SeedBatcher {
  const { inner, clock } = opts;
  const windowMs = opts.windowMs ?? 2000;
  const maxBatch = opts.maxBatch ?? 8;
  const maxParallel = opts.maxParallel ?? 4;
  const release = opts.release ?? 'each';
  let collecting: Waiting[] = [];
  let timer: TimerHandle | undefined;
  const ready: Waiting[][] = [];
  let running = 0;
  const sizes: number[] = [];

  function close(): void {
    clock.clearTimeout(timer);
    timer = undefined;
    if (collecting.length > 0) ready.push(collecting);
    collecting = [];
    pump();
  }

  function pump(): void {
    while (running < maxParallel && ready.length > 0) {
      const batch = (ready.shift() as Waiting[]).filter((w) => !w.signal.aborted);
      if (batch.length === 0) continue;
      running++;
      sizes.push(batch.length);
      void runBatch(batch).finally(() => {
        running--;
        pump();
      });
    }
  }

  async function runBatch(batch: Waiting[]): Promise<void> {
    const calls = batch.map((w) =>
      // No onActions: the seed did not stream, actions were known with the whole answer.
      inner.decide({ ...w.req, priority: 3 }, { signal: w.signal }).then(
        (d) => {
          if (release === 'each') w.resolve(d);
          return d;
        },
        (e: unknown) => {
          if (release === 'each') w.reject(e);
          throw e;
        },
      ),
    );
    const results = await Promise.allSettled(calls);
    if (release === 'batch') {
      results.forEach((r, i) => {
        const w = batch[i] as Waiting;
        if (r.status === 'fulfilled') w.resolve(r.value);
        else w.reject(r.reason);
      });
    }
  }

  return {
    decide(req: Request, o: LlmDecideOptions): Promise<Decision> {
      return new Promise<Decision>((resolve, reject) => {
        if (o.signal.aborted) return reject(o.signal.reason ?? new ClaudiaError('E_ABORTED', 'aborted before batching'));
        const w: Waiting = { req, signal: o.signal, resolve, reject };
        // A request that times out while it waits for its batch leaves it (the pipeline answers with the fallback).
        o.signal.addEventListener('abort', () => reject(o.signal.reason ?? new ClaudiaError('E_ABORTED', 'aborted while batched')), { once: true });
        collecting.push(w);
        if (collecting.length >= maxBatch) close();
        else if (collecting.length === 1) timer = clock.setTimeout(close, windowMs);
      });
    },
    emergencyReply: inner.emergencyReply?.bind(inner),
    available: () => inner.available(),
    async close() {
      clock.clearTimeout(timer);
      await inner.close();
    },
    stats: () => ({ batches: sizes.length, largest: Math.max(0, ...sizes), sizes: [...sizes] }),
  };
}
