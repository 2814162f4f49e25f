import type { Clock } from '../util/clock';
import type { Origin } from './types';

/** The speech topics that carry the same recogniser output twice (SpeechText with an id, String without). */
const SPEECH_TOPICS: ReadonlySet<Origin> = new Set<Origin>(['speech', 'speech_text']);
/** Map entry, key and promise bookkeeping per remembered id, besides the strings themselves (an estimate). */
const ENTRY_OVERHEAD_BYTES = 160;

export interface UtteranceGateOptions {
  clock: Clock;
  /** How long an utterance_id is remembered (node.utterance_window_s). */
  windowMs: number;
  /** Memory the remembered ids and answers may take (node.utterance_memory_bytes); the oldest go first. */
  maxBytes: number;
  /** Same text on the other speech topic within this time is the same utterance (node.cross_topic_window_ms; 0 = off). */
  crossTopicWindowMs: number;
  /** Text folding used to compare the two topics (the reflexes' normalisation). */
  normalise: (text: string) => string;
  /** Approximate bytes one answer keeps alive (counted once it is known). */
  sizeOf?: (result: unknown) => number;
}

export interface GateInput {
  text: unknown;
  origin: Origin;
  utteranceId?: string;
}

interface Entry<T> {
  at: number;
  bytes: number;
  result: Promise<T>;
  origin: Origin;
}

/** A time-ordered map of remembered runs, pruned by age and by a byte budget (oldest first). */
function createWindow<T>(clock: Clock, windowMs: () => number, maxBytes: number) {
  const entries = new Map<string, Entry<T>>();
  let bytes = 0;
  const drop = (key: string, e: Entry<T>) => {
    entries.delete(key);
    bytes -= e.bytes;
  };
  const prune = () => {
    const now = clock.now();
    for (const [key, e] of entries) {
      if (now - e.at <= windowMs() && bytes <= maxBytes) break;
      drop(key, e);
    }
  };
  return {
    get(key: string): Entry<T> | undefined {
      prune();
      return entries.get(key);
    },
    set(key: string, e: Entry<T>): void {
      const old = entries.get(key);
      if (old) drop(key, old);
      entries.set(key, e);
      bytes += e.bytes;
      prune();
    },
    grow(key: string, e: Entry<T>, more: number): void {
      if (entries.get(key) !== e) return;
      e.bytes += more;
      bytes += more;
      prune();
    },
    delete(key: string): void {
      const e = entries.get(key);
      if (e) drop(key, e);
    },
    size: () => entries.size,
    bytes: () => bytes,
  };
}

/**
 * Once per utterance: the same utterance_id within `windowMs`, or the same normalised text
 * on the other speech topic (`speech` has ids, `speech_text` has none) within
 * `crossTopicWindowMs`, runs once and every caller gets the first run's result. Bounded by
 * time and by memory (bytes), never by a count, so a burst cannot push a recent id out
 * early. It never decides about stops: the pipeline shows a repeat to L0 first.
 */
export function createUtteranceGate<T>(opts: UtteranceGateOptions) {
  const ids = createWindow<T>(opts.clock, () => opts.windowMs, opts.maxBytes);
  const texts = createWindow<T>(opts.clock, () => opts.crossTopicWindowMs, opts.maxBytes);
  const textKey = (input: GateInput): string | undefined =>
    opts.crossTopicWindowMs > 0 && SPEECH_TOPICS.has(input.origin) && typeof input.text === 'string' ? opts.normalise(input.text) || undefined : undefined;

  /**
   * The earlier run `input` repeats, if any. A cross-topic match pairs one message of each
   * topic: `consume` forgets the text then, so the user saying it again (both topics once
   * more) runs again.
   */
  function prior(input: GateInput, consume = false): Promise<T> | undefined {
    if (input.utteranceId) {
      const e = ids.get(input.utteranceId);
      if (e) return e.result;
    }
    const key = textKey(input);
    if (key === undefined) return undefined;
    const e = texts.get(key);
    // The same text twice on one topic is the user repeating it: that runs again.
    if (!e || e.origin === input.origin) return undefined;
    if (consume) texts.delete(key);
    return e.result;
  }

  function track(win: ReturnType<typeof createWindow<T>>, key: string, input: GateInput, result: Promise<T>): void {
    const e: Entry<T> = { at: opts.clock.now(), bytes: ENTRY_OVERHEAD_BYTES + key.length * 2, result, origin: input.origin };
    win.set(key, e);
    if (opts.sizeOf) result.then((r) => win.grow(key, e, opts.sizeOf!(r)), () => undefined);
  }

  function remember(input: GateInput, result: Promise<T>): void {
    if (input.utteranceId) track(ids, input.utteranceId, input, result);
    const key = textKey(input);
    if (key !== undefined) track(texts, key, input, result);
  }

  return {
    /** Runs `run` unless `input` repeats an earlier utterance; then returns that run's result. */
    once(input: GateInput, run: () => Promise<T>): Promise<T> {
      const p = prior(input, true);
      if (p) {
        // Matched by text on the other topic: its id is that utterance too (a later replay of it is a repeat).
        if (input.utteranceId && !ids.get(input.utteranceId)) track(ids, input.utteranceId, input, p);
        return p;
      }
      const result = run();
      remember(input, result);
      return result;
    },
    /** True when `input` repeats an utterance that ran (or runs) already. */
    has: (input: GateInput): boolean => prior(input) !== undefined,
    /** For tests and diagnostics: what is remembered now. */
    stats: () => ({ ids: ids.size(), idBytes: ids.bytes(), texts: texts.size(), textBytes: texts.bytes() }),
  };
}
