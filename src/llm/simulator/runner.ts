import { parseGoDuration } from '../../util/go-duration';
import type { Clock } from '../../util/clock';
import { commonPrefixLength } from './tokens';
import type { LatencyProfile } from './types';

/** The options that make Ollama reload the model when they change (the runner configuration). */
export interface RunnerKey {
  model: string;
  num_ctx: number;
  num_batch: number;
  num_gpu: number;
}

export function runnerKeyOf(model: string, options: Record<string, unknown> | undefined): RunnerKey {
  const num = (k: string, d: number) => (typeof options?.[k] === 'number' ? (options[k] as number) : d);
  // Ollama's own defaults when a request does not say.
  return { model, num_ctx: num('num_ctx', 4096), num_batch: num('num_batch', 512), num_gpu: num('num_gpu', -1) };
}

function sameKey(a: RunnerKey | undefined, b: RunnerKey): boolean {
  return !!a && a.model === b.model && a.num_ctx === b.num_ctx && a.num_batch === b.num_batch && a.num_gpu === b.num_gpu;
}

export class QueueFull extends Error {}

export interface Slot {
  index: number;
  busy: boolean;
  /** What the slot's KV cache holds: the previous prompt plus what was generated after it. */
  cached: string;
}

export interface Lease {
  slot: Slot;
  /** Load time this request paid (cold start or reload), ms. */
  loadMs: number;
  /** Clock time generation may start (after the load). */
  readyAt: number;
}

interface Waiter {
  key: RunnerKey;
  prompt: string;
  resolve(lease: Lease): void;
  reject(err: unknown): void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/**
 * The model runner: N slots with their KV caches, a bounded FIFO queue, load/reload on
 * runner-option change (only once nothing is running, as Ollama does), keep_alive expiry.
 */
export class Runner {
  readonly slots: Slot[];
  private loaded: RunnerKey | undefined;
  private readyAt = 0;
  private expiresAt = Infinity;
  private readonly queue: Waiter[] = [];
  loads = 0;
  reloadsForOptions = 0;

  constructor(
    private readonly clock: Clock,
    private readonly profile: LatencyProfile,
    slotCount: number,
    private readonly queueMax: number,
  ) {
    this.slots = Array.from({ length: slotCount }, (_, index) => ({ index, busy: false, cached: '' }));
  }

  busyCount(): number {
    return this.slots.filter((s) => s.busy).length;
  }

  queued(): number {
    return this.queue.length;
  }

  loadedModel(): { key: RunnerKey; expiresAt: number } | undefined {
    this.expire();
    return this.loaded ? { key: this.loaded, expiresAt: this.expiresAt } : undefined;
  }

  unload(): void {
    this.loaded = undefined;
    for (const s of this.slots) s.cached = '';
  }

  /** Waits for a slot; rejects with QueueFull at once when the queue is at its bound. */
  acquire(key: RunnerKey, prompt: string, signal?: AbortSignal): Promise<Lease> {
    return new Promise<Lease>((resolve, reject) => {
      const w: Waiter = { key, prompt, resolve, reject, signal };
      if (this.queue.length === 0) {
        const lease = this.tryStart(key, prompt);
        if (lease) return resolve(lease);
      }
      if (this.queue.length >= this.queueMax) return reject(new QueueFull('server busy, please try again.  maximum pending requests exceeded'));
      if (signal) {
        w.onAbort = () => {
          const i = this.queue.indexOf(w);
          if (i >= 0) this.queue.splice(i, 1);
          reject(new Error('client went away while queued'));
        };
        signal.addEventListener('abort', w.onAbort, { once: true });
      }
      this.queue.push(w);
    });
  }

  release(slot: Slot, keepAliveMs: number): void {
    slot.busy = false;
    if (keepAliveMs >= 0) this.expiresAt = this.clock.now() + keepAliveMs;
    else this.expiresAt = Infinity;
    this.pump();
  }

  /** Picks the free slot whose cache shares the longest prefix with the prompt (llama.cpp's slot choice). */
  bestSlotFor(prompt: string, candidates: Slot[]): Slot | undefined {
    let best: Slot | undefined;
    let bestLen = -1;
    for (const s of candidates) {
      const len = commonPrefixLength(s.cached, prompt);
      if (len > bestLen) {
        best = s;
        bestLen = len;
      }
    }
    return best;
  }

  private pump(): void {
    while (this.queue.length > 0) {
      const head = this.queue[0] as Waiter;
      const lease = this.tryStart(head.key, head.prompt);
      if (!lease) return;
      this.queue.shift();
      if (head.signal && head.onAbort) head.signal.removeEventListener('abort', head.onAbort);
      head.resolve(lease);
    }
  }

  private expire(): void {
    if (this.loaded && this.busyCount() === 0 && this.clock.now() > this.expiresAt) this.unload();
  }

  private tryStart(key: RunnerKey, prompt: string): Lease | undefined {
    this.expire();
    const free = this.slots.filter((s) => !s.busy);
    if (free.length === 0) return undefined;
    let loadMs = 0;
    if (!sameKey(this.loaded, key)) {
      // Ollama reloads only once the running requests have finished.
      if (this.busyCount() > 0) return undefined;
      if (this.loaded && this.loaded.model === key.model) this.reloadsForOptions++;
      this.unload();
      this.loaded = key;
      this.loads++;
      loadMs = this.profile.fixedServiceMs !== undefined ? 0 : this.profile.loadMs;
      this.readyAt = this.clock.now() + loadMs;
    }
    const slot = this.bestSlotFor(prompt, free) as Slot;
    slot.busy = true;
    return { slot, loadMs, readyAt: Math.max(this.readyAt, this.clock.now()) };
  }
}

/**
 * keep_alive as real Ollama reads it (ollama/ollama api/types.go, Duration.UnmarshalJSON):
 * absent -> 5 minutes; a JSON number is seconds (negative = forever); a string goes through
 * Go's time.ParseDuration ("30m", "1h30m", "-1s" = forever) and anything it refuses ("300x",
 * "-1", "") is an error, which the handler answers with HTTP 400; other types are refused too.
 * Returns ms, -1 = forever.
 */
export function parseKeepAlive(v: unknown): number {
  if (v === undefined || v === null) return 5 * 60_000;
  if (typeof v === 'number') return v < 0 ? -1 : v * 1000;
  if (typeof v === 'string') {
    const ns = parseGoDuration(v);
    return ns < 0 ? -1 : ns / 1e6;
  }
  throw new Error(`Unsupported type: '${Array.isArray(v) ? '[]interface {}' : typeof v === 'boolean' ? 'bool' : 'map[string]interface {}'}'`);
}
