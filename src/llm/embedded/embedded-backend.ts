import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { ChatMessage } from '../../prompt';
import { ClaudiaError, ConfigError } from '../../util/errors';
import type { Logger } from '../../util/logger';
import { badOutputError, type BackendFactory, type LlmBackend, type LlmChunk, type LlmRequest, type LlmUsage } from '../backend';
import type { EngineChat, EngineContext, EngineGrammar, EngineHistoryItem, EngineLlama, EngineModel, EngineModule, EngineSequence } from './engine-api';
import { ENGINE_VERSION, engineMissingError, engineSearchDirs, findEngineEntry, loadEngineModule } from './engine-loader';
import { toGbnfJsonSchema } from './gbnf-schema';

export interface EmbeddedBackendOptions {
  modelPath: string;
  /** Context size of each sequence (tokens), as Ollama's num_ctx per slot. */
  contextSize: number;
  /** Context sequences = the scheduler's slots for this engine. */
  sequences: number;
  /** CPU threads (0 = the engine's default: every core). */
  threads: number;
  /** Layers offloaded to a GPU (ignored by the CPU build); 0 = CPU only. */
  gpuLayers: number;
  batchSize: number;
  logger: Logger;
  /** Where node-llama-cpp is looked for (tests point elsewhere to see the missing-engine error). */
  engineDirs?: string[];
  /** Longest a model load may take. */
  loadTimeoutMs?: number;
  /** Hard cap on one generation, whatever the caller's signal does (the engine's promise has been seen never to settle). */
  callTimeoutMs?: number;
  /** After an abort, how long the engine may take to stop before the slot is given up and replaced. */
  settleGraceMs?: number;
  /** Fixed sampling seed (tests, benchmarks); undefined = random. */
  seed?: number;
}

interface Slot {
  id: number;
  seq: EngineSequence;
  chat: EngineChat;
  busy: boolean;
  /** The system prompt the sequence's KV cache starts with (a request with the same one reuses it). */
  system: string;
  lastUsed: number;
}

interface Engine {
  llama: EngineLlama;
  model: EngineModel;
  context: EngineContext;
  mod: EngineModule;
}

const STOP_REASON: Record<string, string> = { eogToken: 'stop', stopGenerationTrigger: 'stop', maxTokens: 'length', abort: 'abort' };

/** The prompt builder's messages in node-llama-cpp's chat history form, ending with the turn to generate. */
export function toEngineHistory(messages: readonly ChatMessage[]): EngineHistoryItem[] {
  const h: EngineHistoryItem[] = messages.map((m) => (m.role === 'system' ? { type: 'system', text: m.content } : m.role === 'user' ? { type: 'user', text: m.content } : { type: 'model', response: [m.content] }));
  h.push({ type: 'model', response: [] });
  return h;
}

/** Rejects after `ms` with `err()` unless `p` settles first; the timer never outlives the race. */
function withDeadline<T>(p: Promise<T>, ms: number, err: () => Error): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    t = setTimeout(() => reject(err()), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(t));
}

/**
 * The embedded backend: llama.cpp in-process through node-llama-cpp (optional package,
 * imported on first use). One model, one context with one sequence per scheduler slot;
 * each sequence keeps its KV cache between calls, and a call goes to an idle sequence that
 * already holds the same system prompt, so only the new tokens are evaluated. The output
 * schema becomes a llama.cpp grammar (cached per schema). Every engine call has a
 * deadline; a sequence whose generation does not stop after an abort is replaced.
 */
export interface EmbeddedBackend extends LlmBackend {
  /** The sequences (slots) as they stand: busy or not, tokens held in the KV cache. */
  inspect(): Array<{ id: number; busy: boolean; contextTokens: number }>;
  /** Turns an output schema into the engine's grammar (what every call with that `format` uses). */
  compileGrammar(format: Record<string, unknown>, signal: AbortSignal): Promise<void>;
}

export function createEmbeddedBackend(opts: EmbeddedBackendOptions): EmbeddedBackend {
  const host = `embedded:${path.basename(opts.modelPath)}`;
  const loadTimeoutMs = opts.loadTimeoutMs ?? 120_000;
  const callTimeoutMs = opts.callTimeoutMs ?? 120_000;
  const settleGraceMs = opts.settleGraceMs ?? 2_000;
  const { logger } = opts;
  let engine: Promise<Engine> | undefined;
  let loaded: Engine | undefined;
  /** Why the last load failed (the health probe reports it until a load succeeds). */
  let loadError: unknown;
  let closed = false;
  const slots: Slot[] = [];
  const grammars = new Map<string, Promise<EngineGrammar>>();
  const inFlight = new Set<AbortController>();
  let uses = 0;

  async function load(): Promise<Engine> {
    const t0 = Date.now();
    const mod = await loadEngineModule<EngineModule>(opts.engineDirs);
    const llama = await mod.getLlama({ gpu: opts.gpuLayers > 0 ? 'auto' : false, build: 'never', progressLogs: false, logLevel: 'error' });
    try {
      const model = await llama.loadModel({ modelPath: opts.modelPath, gpuLayers: llama.gpu === false ? 0 : opts.gpuLayers });
      const context = await model.createContext({ contextSize: opts.contextSize, sequences: opts.sequences, batchSize: opts.batchSize, ...(opts.threads > 0 ? { threads: opts.threads } : {}) });
      logger.info('embedded LLM engine loaded', { host, model: opts.modelPath, gpu: llama.gpu || 'cpu', sequences: opts.sequences, context: opts.contextSize, ms: Date.now() - t0 });
      return { llama, model, context, mod };
    } catch (err) {
      await llama.dispose().catch(() => undefined);
      throw new ClaudiaError('E_LLM_UNAVAILABLE', `the embedded engine cannot load ${opts.modelPath}: ${(err as Error).message}`, { cause: err });
    }
  }

  /** The engine, loaded once; a failed load is tried again on the next call. */
  function ready(signal: AbortSignal): Promise<Engine> {
    if (closed) return Promise.reject(new ClaudiaError('E_LLM_UNAVAILABLE', `${host} is closed`));
    if (!engine) {
      engine = withDeadline(load(), loadTimeoutMs, () => new ClaudiaError('E_LLM_TIMEOUT', `loading ${opts.modelPath} took over ${loadTimeoutMs} ms`));
      engine.then(
        (e) => {
          loaded = e;
          loadError = undefined;
        },
        (err: unknown) => {
          engine = undefined;
          loadError = err;
        },
      );
    }
    const e = engine;
    return new Promise<Engine>((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      e.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  function newSlot(e: Engine, id: number): Slot {
    const seq = e.context.getSequence();
    return { id, seq, chat: new e.mod.LlamaChat({ contextSequence: seq, autoDisposeSequence: false }), busy: false, system: '', lastUsed: 0 };
  }

  /** An idle sequence: one holding the same system prompt if any, else the least recently used. */
  function acquire(e: Engine, system: string): Slot {
    while (slots.length < opts.sequences && e.context.sequencesLeft > 0) slots.push(newSlot(e, slots.length));
    const idle = slots.filter((s) => !s.busy);
    const slot = idle.find((s) => s.system === system) ?? idle.sort((a, b) => a.lastUsed - b.lastUsed)[0];
    if (!slot) throw new ClaudiaError('E_LLM_UNAVAILABLE', `${host}: all ${opts.sequences} sequences are busy (llm slots = ollama.num_parallel)`);
    slot.busy = true;
    slot.lastUsed = ++uses;
    return slot;
  }

  /** A sequence whose generation would not stop: dropped and replaced by a fresh one (cold KV cache). */
  function replace(e: Engine, slot: Slot): void {
    logger.warn('embedded engine: a generation did not stop after its abort; replacing its sequence', { host, slot: slot.id });
    try {
      slot.chat.dispose({ disposeSequence: true });
    } catch {
      // already gone
    }
    const i = slots.indexOf(slot);
    if (i >= 0) slots.splice(i, 1);
    if (e.context.sequencesLeft > 0) slots.push(newSlot(e, slot.id));
  }

  function grammarFor(e: Engine, format: Record<string, unknown>): Promise<EngineGrammar> {
    const key = JSON.stringify(format);
    let g = grammars.get(key);
    if (!g) {
      g = e.llama.createGrammarForJsonSchema(toGbnfJsonSchema(format));
      grammars.set(key, g);
      g.catch(() => grammars.delete(key));
    }
    return g;
  }

  async function* generate(req: LlmRequest, signal: AbortSignal): AsyncGenerator<LlmChunk> {
    const e = await ready(signal);
    const grammar = req.format ? await grammarFor(e, req.format) : undefined;
    const system = req.messages[0]?.role === 'system' ? req.messages[0].content : '';
    const slot = acquire(e, system);
    const ctl = new AbortController();
    inFlight.add(ctl);
    const onAbort = () => ctl.abort(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    const hardStop = setTimeout(() => ctl.abort(new ClaudiaError('E_LLM_TIMEOUT', `${host}: one generation took over ${callTimeoutMs} ms`)), callTimeoutMs);
    const pieces: string[] = [];
    let wake: (() => void) | undefined;
    let settled = false;
    let failure: unknown;
    let stopReason = '';
    const history = toEngineHistory(req.messages);
    const t0 = Date.now();
    const in0 = slot.seq.tokenMeter.usedInputTokens;
    const out0 = slot.seq.tokenMeter.usedOutputTokens;
    let promptTokens: number | undefined;
    try {
      promptTokens = slot.chat.chatWrapper.generateContextState({ chatHistory: history }).contextText.tokenize(e.model.tokenizer).length;
    } catch {
      // the count is diagnostics only; absent rather than made up
    }
    const run = slot.chat
      .generateResponse(history, {
        grammar,
        signal: ctl.signal,
        stopOnAbortSignal: false,
        maxTokens: req.options.num_predict,
        temperature: req.options.temperature,
        topP: req.options.top_p,
        seed: opts.seed,
        onTextChunk: (t) => {
          pieces.push(t);
          wake?.();
        },
      })
      .then(
        (r) => {
          stopReason = r.metadata.stopReason;
        },
        (err: unknown) => {
          failure = err;
        },
      )
      .finally(() => {
        settled = true;
        wake?.();
      });
    // After an abort the engine stops within a token; if it does not, stop waiting for it.
    const settledOrGivenUp = () =>
      settled
        ? Promise.resolve(true)
        : withDeadline(run.then(() => true), settleGraceMs, () => new Error('not settled')).catch(() => false);
    let clean = false;
    let givenUp = false;
    const aborted = new Promise<void>((r) => ctl.signal.addEventListener('abort', () => r(), { once: true }));
    try {
      for (;;) {
        // Aborted: the pieces still buffered are not handed out (a stop ends the answer at once).
        if (ctl.signal.aborted) {
          if (!settled && !(await settledOrGivenUp())) givenUp = true;
          throw ctl.signal.reason;
        }
        const piece = pieces.shift();
        if (piece !== undefined) {
          yield { content: piece, done: false };
          continue;
        }
        if (settled) break;
        await Promise.race([new Promise<void>((r) => (wake = r)), aborted]);
        wake = undefined;
        if (ctl.signal.aborted && !settled && !(await settledOrGivenUp())) {
          givenUp = true;
          throw ctl.signal.reason;
        }
      }
      if (ctl.signal.aborted) throw ctl.signal.reason;
      if (failure !== undefined) throw new ClaudiaError('E_LLM_UNAVAILABLE', `${host}: generation failed: ${(failure as Error).message ?? String(failure)}`, { cause: failure });
      const evaluated = slot.seq.tokenMeter.usedInputTokens - in0;
      const usage: LlmUsage = {
        outputTokens: slot.seq.tokenMeter.usedOutputTokens - out0,
        totalMs: Date.now() - t0,
        finishReason: STOP_REASON[stopReason] ?? stopReason,
      };
      if (promptTokens !== undefined) {
        usage.promptTokens = promptTokens;
        usage.cachedPromptTokens = Math.max(0, promptTokens - evaluated);
      }
      slot.system = system;
      clean = true;
      yield { content: '', done: true, usage };
    } finally {
      clearTimeout(hardStop);
      signal.removeEventListener('abort', onAbort);
      if (!settled) ctl.abort(new ClaudiaError('E_ABORTED', `${host}: the caller stopped reading`));
      const stopped = !givenUp && (await settledOrGivenUp());
      inFlight.delete(ctl);
      if (!clean) slot.system = '';
      if (stopped) slot.busy = false;
      else replace(e, slot);
    }
  }

  return {
    kind: 'embedded',
    host,
    chatStream: generate,
    async chat(req, signal) {
      let content = '';
      for await (const c of generate(req, signal)) {
        content += c.content;
        if (c.done) return { content, usage: c.usage ?? {} };
      }
      throw badOutputError(host, 'the generation ended without its final chunk');
    },
    async health(signal) {
      // Like a server whose model is still loading: up but cold. The probe must not wait for a
      // load (seconds, longer than ollama.connect_timeout_s); calls and the warm-up do.
      if (loaded) return { modelLoaded: true, version: `node-llama-cpp ${ENGINE_VERSION} (${loaded.llama.gpu || 'cpu'})` };
      if (loadError !== undefined) throw loadError;
      ready(signal).catch(() => undefined);
      return { modelLoaded: false, version: `node-llama-cpp ${ENGINE_VERSION}` };
    },
    async warmup(_req, signal) {
      await ready(signal);
    },
    async compileGrammar(format, signal) {
      await grammarFor(await ready(signal), format);
    },
    inspect: () => slots.map((s) => ({ id: s.id, busy: s.busy, contextTokens: s.seq.contextTokens.length })),
    async close() {
      if (closed) return;
      closed = true;
      for (const c of inFlight) c.abort(new ClaudiaError('E_ABORTED', `${host} is shutting down`));
      const e = loaded ?? (await engine?.catch(() => undefined));
      if (!e) return;
      for (const s of slots) {
        try {
          s.chat.dispose({ disposeSequence: true });
        } catch {
          // already gone
        }
      }
      await e.context.dispose().catch(() => undefined);
      await e.model.dispose().catch(() => undefined);
      await e.llama.dispose().catch(() => undefined);
    },
  };
}

/** `llm.backend: embedded`: one in-process engine whose sequences are the slots. */
export const embeddedBackendFactory: BackendFactory = {
  kind: 'embedded',
  hosts: (config) => [`embedded:${path.basename(config.llm.model_path)}`],
  model: (config) => path.basename(config.llm.model_path),
  validate(config) {
    const p = config.llm.model_path;
    if (!p) throw new ConfigError('llm.backend is embedded but llm.model_path is empty; set it to a GGUF model file (`claudia-llm tiny-model <file.gguf>` writes a tiny one for smoke tests)');
    if (!existsSync(p)) throw new ConfigError(`llm.model_path '${p}' does not exist; set it to a GGUF model file`);
    if (!findEngineEntry()) throw engineMissingError(engineSearchDirs());
  },
  create: (_host, ctx) =>
    createEmbeddedBackend({
      modelPath: ctx.config.llm.model_path,
      contextSize: ctx.config.ollama.num_ctx,
      sequences: ctx.config.ollama.num_parallel,
      threads: ctx.config.llm.threads,
      gpuLayers: ctx.config.ollama.num_gpu,
      batchSize: ctx.config.ollama.num_batch,
      logger: ctx.logger,
      callTimeoutMs: Math.max(ctx.config.ollama.request_timeout_s, ctx.config.sched.deadline_low_s) * 1000 + 5_000,
    }),
};
