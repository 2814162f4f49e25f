import { Ollama, type ChatRequest, type ChatResponse, type EmbedResponse, type ListResponse, type ShowResponse } from 'ollama';
import { anySignal } from '../util/any-signal';
import { ClaudiaError } from '../util/errors';
import { badOutputError, hostDownError, isConnectionFailure } from './backend';
import { createLlmHttp } from './http-client';

/** One chunk of a streamed chat, as far as the LLM path cares. */
export interface ChatChunk {
  content: string;
  done: boolean;
  /** Present on the last chunk (Ollama's timing fields, ns; absent when zero, as Ollama omits them). */
  final?: Pick<ChatResponse, 'done_reason' | 'total_duration' | 'load_duration' | 'prompt_eval_count' | 'prompt_eval_duration' | 'eval_count' | 'eval_duration'>;
}

export type ChatParams = Omit<ChatRequest, 'stream'>;

/** A thin wrapper over the `ollama` package for one host: every call takes an AbortSignal. */
export interface OllamaClient {
  readonly host: string;
  chatStream(req: ChatParams, signal: AbortSignal): AsyncGenerator<ChatChunk>;
  chat(req: ChatParams, signal: AbortSignal): Promise<ChatResponse>;
  embed(model: string, input: string | string[], signal: AbortSignal): Promise<EmbedResponse>;
  version(signal: AbortSignal): Promise<string>;
  ps(signal: AbortSignal): Promise<ListResponse>;
  show(model: string, signal: AbortSignal): Promise<ShowResponse>;
  /** Streams the package still tracks (0 once every stream has ended, however it ended). */
  trackedStreams(): number;
  /** Closes the client's keep-alive connections. */
  close(): Promise<void>;
}

/** ollama-js's stream iterator, as far as this wrapper touches it. */
type PackageStream = AsyncIterable<ChatResponse> & { abort(): void };

/**
 * The package registers every stream in `ongoingStreamedRequests` (so its `abort()` can
 * cancel them all) and removes it only when it reads the final `done` chunk. A stream that
 * is aborted, ends with an `{"error"}` line or ends without `done` stays there for the
 * life of the client, with its response body and parser: 4-9 KB per stream, and the
 * per-host client lives as long as the node (ollama/ollama-js issue #295, unfixed in
 * 0.6.4). The list is `protected`, so this subclass deregisters a stream when our
 * wrapper is done with it, whatever way it ended.
 */
class TrackedOllama extends Ollama {
  release(stream: PackageStream): void {
    const list = this.ongoingStreamedRequests as unknown[];
    const i = list.indexOf(stream);
    if (i >= 0) list.splice(i, 1);
  }
  tracked(): number {
    return this.ongoingStreamedRequests.length;
  }
}

/**
 * Maps any failure of the `ollama` package onto a ClaudiaError. An abort keeps the
 * signal's reason (supersede, deadline, shutdown), so callers see why it stopped.
 */
function mapError(host: string, err: unknown, signal: AbortSignal): unknown {
  if (signal.aborted) return signal.reason instanceof Error ? signal.reason : new ClaudiaError('E_ABORTED', 'LLM call aborted');
  if (err instanceof ClaudiaError) return err;
  const status = (err as { status_code?: number }).status_code;
  const text = err instanceof Error ? err.message : String(err);
  if (typeof status === 'number') {
    if (status === 503) return new ClaudiaError('E_LLM_UNAVAILABLE', `Ollama at ${host} is busy (503: ${text}); raise OLLAMA_MAX_QUEUE or add hosts`, { cause: err });
    if (status === 404) return new ClaudiaError('E_LLM_UNAVAILABLE', `Ollama at ${host}: ${text}`, { cause: err });
    return new ClaudiaError('E_LLM_UNAVAILABLE', `Ollama at ${host} answered ${status}: ${text}`, { cause: err });
  }
  if ((err as { name?: string }).name === 'AbortError') return new ClaudiaError('E_ABORTED', 'LLM call aborted', { cause: err });
  // Connection refused/reset, DNS, socket closed mid-stream: the host is gone.
  if (isConnectionFailure(err)) return hostDownError(host, 'Ollama', err);
  // ollama-js's words for a stream that ended cleanly without `done` (Ollama does that when
  // a token repeats too often): this request's output is unusable, the server is fine.
  if (/Did not receive done/i.test(text)) return badOutputError(host, 'the stream ended without its final chunk (Ollama stops a generation that repeats one token)', err);
  // An {"error": ...} line in the stream (under HTTP 200) or anything else the server said.
  return new ClaudiaError('E_LLM_UNAVAILABLE', `Ollama at ${host} failed: ${text}`, { cause: err });
}

/**
 * One `new Ollama({ host })` per host (never the package's shared default instance). The
 * package takes no AbortSignal per call, so its `fetch` is wrapped: the caller's signal is
 * handed over in a slot that the package's call reads synchronously (ollama-js calls
 * fetch in the same tick as chat()/version()/ps() when no images are attached). Aborting
 * the signal then cancels the HTTP request whether it waits for headers, streams, or is
 * non-streaming; streams are also closed through the package's own `abort()`. (No
 * AsyncLocalStorage: its promise hooks would slow every promise of the node.)
 */
export function createOllamaClient(opts: { host: string }): OllamaClient {
  const host = opts.host.replace(/\/+$/, '');
  const http = createLlmHttp();
  let handover: AbortSignal | undefined;
  const fetchWithSignal: typeof fetch = (input, init) => {
    const callSignal = handover;
    handover = undefined;
    const signal = callSignal ? anySignal([init?.signal ?? undefined, callSignal]) : (init?.signal ?? undefined);
    return http.fetch(input, { ...init, signal });
  };
  const ollama = new TrackedOllama({ host, fetch: fetchWithSignal });
  const withSignal = <T>(signal: AbortSignal, fn: () => Promise<T>): Promise<T> => {
    signal.throwIfAborted();
    handover = signal;
    let p: Promise<T>;
    try {
      p = fn();
    } finally {
      if (handover === signal) {
        // The package did not call fetch synchronously: abort still closes streams via
        // it.abort(), but a non-streaming call could not be cancelled. Fail loudly.
        handover = undefined;
        p = Promise.reject(new ClaudiaError('E_INTERNAL', 'ollama client: the ollama package no longer calls fetch synchronously; per-call abort is broken'));
      }
    }
    return p.catch((err: unknown) => {
      throw mapError(host, err, signal);
    });
  };

  return {
    host,
    async *chatStream(req, signal) {
      const it: PackageStream = await withSignal(signal, () => ollama.chat({ ...req, stream: true }));
      const stop = () => it.abort();
      signal.addEventListener('abort', stop, { once: true });
      if (signal.aborted) stop();
      try {
        const iter = it[Symbol.asyncIterator]();
        for (;;) {
          let r: IteratorResult<ChatResponse>;
          try {
            r = await iter.next();
          } catch (err) {
            throw mapError(host, err, signal);
          }
          // Chunks the package had buffered before the abort are not handed out.
          if (signal.aborted) throw mapError(host, undefined, signal);
          if (r.done) return;
          const p = r.value;
          yield {
            content: p.message?.content ?? '',
            done: p.done,
            final: p.done
              ? {
                  done_reason: p.done_reason,
                  total_duration: p.total_duration,
                  load_duration: p.load_duration,
                  prompt_eval_count: p.prompt_eval_count,
                  prompt_eval_duration: p.prompt_eval_duration,
                  eval_count: p.eval_count,
                  eval_duration: p.eval_duration,
                }
              : undefined,
          };
        }
      } finally {
        signal.removeEventListener('abort', stop);
        // Leaving early (parser error, consumer stopped) must close the HTTP stream too,
        // and the package must forget the stream (see TrackedOllama).
        it.abort();
        ollama.release(it);
      }
    },
    chat: (req, signal) => withSignal(signal, () => ollama.chat({ ...req, stream: false })),
    embed: (model, input, signal) => withSignal(signal, () => ollama.embed({ model, input })),
    version: (signal) => withSignal(signal, async () => (await ollama.version()).version),
    ps: (signal) => withSignal(signal, () => ollama.ps()),
    show: (model, signal) => withSignal(signal, () => ollama.show({ model })),
    trackedStreams: () => ollama.tracked(),
    close: () => http.close(),
  };
}
