import type { Clock } from '../../util/clock';
import type { Logger } from '../../util/logger';

/**
 * The simulator's latency model. Every number is an assumption of the profile, not a
 * measurement of a real model; `note` says where it comes from.
 */
export interface LatencyProfile {
  name: string;
  /** Model load time when cold, evicted, or when the runner options change (Ollama reloads then). */
  loadMs: number;
  /** Prompt evaluation rate for the part of the prompt not shared with the slot's previous prompt. */
  prefillTokPerS: number;
  /** Generation rate. */
  decodeTokPerS: number;
  /** When set, every generation takes exactly this long (no load, no prefill/decode model): for throughput benchmarks. */
  fixedServiceMs?: number;
  /** Default parallel slots (OLLAMA_NUM_PARALLEL). */
  slots: number;
  /** Default queue bound (OLLAMA_MAX_QUEUE); beyond it the simulator answers 503. */
  queueMax: number;
  note: string;
}

/** One scripted answer: the last user message (exact, or regex) -> content. */
export interface SimScriptEntry {
  /** Exact match on the last user message (after trimming). */
  match?: string;
  /** Regex on the last user message (a RegExp, or its source string in JSON files). */
  regex?: string | RegExp;
  /** Regex flags when `regex` is a string. */
  flags?: string;
  /** Content object (serialised as JSON, conformed to the request's schema) or text. */
  content: unknown;
  /** True: send the content as given even when it violates the schema (simulates a model ignoring `format`). */
  raw?: boolean;
}

/**
 * Fault modes. `repeat`: the stream ends without its `done` chunk, as real Ollama ends a
 * generation whose token repeats more than 30 times; `error_line`: an `{"error": ...}` line
 * in the middle of a 200 stream; `bad_format`: the server refuses the request's format (400).
 */
export type SimMode = 'normal' | 'stall' | 'drop' | 'garbage' | 'http503' | 'repeat' | 'error_line' | 'bad_format';

export const SIM_MODES: readonly SimMode[] = ['normal', 'stall', 'drop', 'garbage', 'http503', 'repeat', 'error_line', 'bad_format'];

export interface SimStats {
  /** Every HTTP request, any endpoint. */
  requests: number;
  /** Per path, e.g. `/api/chat`. */
  byEndpoint: Record<string, number>;
  chat: number;
  generate: number;
  embed: number;
  /** Generations that ran to the end. */
  completed: number;
  /** Generations whose client went away before the end (aborted streams, supersede). */
  aborted: number;
  /** Requests answered 503 (queue full or http503 mode). */
  rejected503: number;
  /** Model loads (cold start, eviction, runner-option change). */
  loads: number;
  /** Loads caused by a change of num_ctx/num_batch/num_gpu (the expensive mistake). */
  reloadsForOptions: number;
  /** Sum of total_duration (ms) over completed generations: the time the simulator itself spent. */
  serviceMs: number;
  /** Highest number of generations running at once. */
  maxConcurrent: number;
  /** Prefix reuse, counted in characters of the rendered prompt. */
  promptChars: number;
  sharedPrefixChars: number;
  /** sharedPrefixChars / promptChars (0 when nothing ran). */
  prefixReuse: number;
  promptTokens: number;
  prefillTokens: number;
  evalTokens: number;
}

export interface OllamaSimulatorOptions {
  clock?: Clock;
  profile?: LatencyProfile | 'fast' | 'jetson' | 'fixed';
  slots?: number;
  queueMax?: number;
  script?: SimScriptEntry[];
  /** The main model (default qwen2.5:7b). */
  model?: string;
  /**
   * More models it serves (names as `ollama pull` takes them). Any other name is answered 404
   * `model 'X' not found`, as real Ollama does. A qwen3 / deepseek-r1 / gpt-oss name is a
   * thinking model (capability `thinking`).
   */
  models?: string[];
  logger?: Logger;
}

export interface OllamaSimulator {
  /** Starts the HTTP server; returns its base URL (http://host:port). Port 0 = any free port. */
  listen(port?: number, host?: string): Promise<string>;
  /** Stops the server and cuts every open connection (a killed Ollama). */
  close(): Promise<void>;
  stats(): SimStats;
  setMode(mode: SimMode): void;
  mode(): SimMode;
  /** Clears counters, slots' KV state and the loaded model (cold again); keeps mode and script. */
  reset(): void;
  /** Unloads the model as Ollama does when keep_alive expires or memory is needed. */
  evict(): void;
  setScript(script: SimScriptEntry[]): void;
  readonly profile: LatencyProfile;
  /** Base URL once listening. */
  url(): string | undefined;
}
