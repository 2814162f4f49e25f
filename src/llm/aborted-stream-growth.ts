import { createOllamaClient, type OllamaClient } from './ollama-client';

/** How the stream is left before its end (the node does all three). */
export type AbortKind = 'signal' | 'break';

/**
 * Heap growth per aborted chat stream on one long-lived client (as the node keeps one per
 * host): `warmup` streams first, then `n` more, each left after its first chunk by aborting
 * its signal (timeout, supersede) or by leaving the loop (bad output). The heap is read
 * after two full GCs, so it needs `--expose-gc`. Used by the leak test and by the
 * `heap_growth_kb_per_aborted_stream` benchmark.
 */
export async function abortedStreamGrowthKb(opts: { host: string; model: string; n: number; warmup: number; kind?: AbortKind; client?: OllamaClient }): Promise<{ kbPerStream: number; tracked: number }> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('abortedStreamGrowthKb needs node --expose-gc');
  const own = opts.client === undefined;
  const client = opts.client ?? createOllamaClient({ host: opts.host });
  const once = async (): Promise<void> => {
    const ctl = new AbortController();
    try {
      for await (const chunk of client.chatStream({ model: opts.model, messages: [{ role: 'user', content: 'leak probe: say something long' }] }, ctl.signal)) {
        void chunk;
        if (opts.kind === 'break') break;
        ctl.abort(new Error('probe abort'));
      }
    } catch {
      // the abort itself
    }
  };
  for (let i = 0; i < opts.warmup; i++) await once();
  // Two GCs with a turn of the event loop after each: undici releases response bodies from
  // FinalizationRegistry callbacks, which run only after a GC, in a later task.
  const heap = async (): Promise<number> => {
    for (let i = 0; i < 2; i++) {
      gc();
      await new Promise((resolve) => setImmediate(resolve));
    }
    return process.memoryUsage().heapUsed;
  };
  const before = await heap();
  for (let i = 0; i < opts.n; i++) await once();
  const after = await heap();
  const tracked = client.trackedStreams();
  if (own) await client.close();
  return { kbPerStream: (after - before) / 1024 / opts.n, tracked };
}
