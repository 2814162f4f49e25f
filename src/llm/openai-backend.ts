import OpenAI, { APIConnectionError, APIError, APIUserAbortError } from 'openai';
import type { ChatCompletionChunk, ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import type { Config } from '../config/types';
import { ClaudiaError } from '../util/errors';
import { createLlmHttp } from './http-client';
import { badOutputError, hostDownError, isConnectionFailure, type BackendContext, type BackendFactory, type LlmBackend, type LlmRequest, type LlmUsage } from './backend';

/** Local servers (llama-server, vLLM without --api-key) need no key, but the package wants one. */
export const PLACEHOLDER_API_KEY = 'sk-no-key-required';

/** A host URL without a path gets the OpenAI-compatible prefix `/v1`; one with a path is kept as given. */
export function openaiBaseUrl(host: string): string {
  const u = new URL(host);
  const path = u.pathname.replace(/\/+$/, '');
  return `${u.origin}${path === '' ? '/v1' : path}`;
}

/** `llm.api_key`, else OPENAI_API_KEY, else the placeholder. */
export function openaiApiKey(config: Readonly<Config>, env: NodeJS.ProcessEnv = process.env): string {
  return config.llm.api_key || env['OPENAI_API_KEY'] || PLACEHOLDER_API_KEY;
}

/** The model the openai backend asks for: `llm.openai_model`, else `ollama.model`. */
export function openaiModel(config: Readonly<Config>): string {
  return config.llm.openai_model || config.ollama.model;
}

/** llama-server adds its own timings to the last chunk (tools/server/server.cpp); other servers do not. */
interface LlamaTimings {
  cache_n?: number;
  prompt_n?: number;
  prompt_ms?: number;
  predicted_n?: number;
  predicted_ms?: number;
}

type UsageSource = { usage?: ChatCompletionChunk['usage'] | null; timings?: LlamaTimings };

export function openaiUsage(src: UsageSource, finishReason: string | undefined): LlmUsage {
  const u = src.usage;
  const t = src.timings;
  const out: LlmUsage = {
    promptTokens: u?.prompt_tokens ?? (t?.prompt_n !== undefined ? t.prompt_n + (t.cache_n ?? 0) : undefined),
    cachedPromptTokens: u?.prompt_tokens_details?.cached_tokens ?? t?.cache_n,
    outputTokens: u?.completion_tokens ?? t?.predicted_n,
    promptMs: t?.prompt_ms,
    decodeMs: t?.predicted_ms,
    finishReason,
  };
  for (const k of Object.keys(out) as Array<keyof LlmUsage>) if (out[k] === undefined) delete out[k];
  return out;
}

/**
 * The backend for OpenAI-compatible Chat Completions servers (llama.cpp's llama-server,
 * vLLM, TensorRT-LLM's trtllm-serve) through the official `openai` package (major 6; 7
 * needs Node 22). The same fleet, scheduler, coalescing and prompts as Ollama: only the
 * wire differs. `format` becomes `response_format: json_schema` (llama-server and vLLM turn
 * it into a grammar; vLLM's older `guided_json` is added with llm.openai_guided_json),
 * `num_predict` becomes `max_tokens`. The package's own retries are off (maxRetries 0):
 * the fleet decides where a failed call goes, at once.
 */
export function createOpenAiBackend(opts: { host: string; model: string; apiKey: string; guidedJson?: boolean; logger?: BackendContext['logger'] }): LlmBackend {
  const host = opts.host.replace(/\/+$/, '');
  const baseURL = openaiBaseUrl(host);
  const http = createLlmHttp();
  const client = new OpenAI({ baseURL, apiKey: opts.apiKey, maxRetries: 0, timeout: 24 * 3600 * 1000, fetch: http.fetch });

  function body(req: LlmRequest): ChatCompletionCreateParamsStreaming {
    const b: ChatCompletionCreateParamsStreaming & Record<string, unknown> = {
      model: req.model,
      messages: req.messages,
      stream: true,
      stream_options: { include_usage: true },
    };
    const o = req.options;
    if (o.temperature !== undefined) b.temperature = o.temperature;
    if (o.top_p !== undefined) b.top_p = o.top_p;
    if (o.num_predict !== undefined && o.num_predict > 0) b.max_tokens = o.num_predict;
    if (req.format !== undefined) {
      b.response_format = { type: 'json_schema', json_schema: { name: 'claudia_output', schema: req.format, strict: true } };
      if (opts.guidedJson) b['guided_json'] = req.format;
    }
    return b;
  }

  function mapError(err: unknown, signal: AbortSignal, model: string): unknown {
    if (signal.aborted) return signal.reason instanceof Error ? signal.reason : new ClaudiaError('E_ABORTED', 'LLM call aborted');
    if (err instanceof ClaudiaError) return err;
    if (err instanceof APIUserAbortError) return new ClaudiaError('E_ABORTED', 'LLM call aborted', { cause: err });
    if (err instanceof APIConnectionError || isConnectionFailure(err) || isConnectionFailure((err as { cause?: unknown })?.cause)) {
      return hostDownError(host, 'OpenAI-compatible server', (err as { cause?: unknown }).cause ?? err);
    }
    if (err instanceof APIError && typeof err.status === 'number') {
      if (err.status === 404) return new ClaudiaError('E_LLM_UNAVAILABLE', `the server at ${baseURL} has no model '${model}' (${err.message}); set llm.openai_model to a model it serves (GET ${baseURL}/models)`, { cause: err });
      if (err.status === 503 || err.status === 429) return new ClaudiaError('E_LLM_UNAVAILABLE', `the server at ${baseURL} is busy (${err.status}: ${err.message}); add hosts or server slots`, { cause: err });
      return new ClaudiaError('E_LLM_UNAVAILABLE', `the server at ${baseURL} answered ${err.status}: ${err.message}`, { cause: err });
    }
    return new ClaudiaError('E_LLM_UNAVAILABLE', `the server at ${baseURL} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }

  async function* chatStream(req: LlmRequest, signal: AbortSignal) {
    signal.throwIfAborted();
    let stream: AsyncIterable<ChatCompletionChunk>;
    try {
      stream = await client.chat.completions.create(body(req), { signal });
    } catch (err) {
      throw mapError(err, signal, req.model);
    }
    let finish: string | undefined;
    let last: UsageSource = {};
    const it = stream[Symbol.asyncIterator]();
    try {
      for (;;) {
        let r: IteratorResult<ChatCompletionChunk>;
        try {
          r = await it.next();
        } catch (err) {
          throw mapError(err, signal, req.model);
        }
        // The package may still hand out chunks it had buffered, or end quietly, after an abort.
        signal.throwIfAborted();
        if (r.done) break;
        const chunk = r.value as ChatCompletionChunk & { timings?: LlamaTimings; error?: { message?: string } };
        const choice = chunk.choices?.[0];
        if (chunk.usage || chunk.timings) last = chunk;
        if (choice?.finish_reason) finish = choice.finish_reason;
        const content = choice?.delta?.content ?? '';
        if (content !== '') yield { content, done: false };
      }
    } finally {
      // Leaving early (parser error, supersede) closes the HTTP stream.
      await it.return?.();
    }
    // A stream that ends without a finish_reason did not finish: this output is unusable, the host is fine.
    if (finish === undefined) throw badOutputError(host, 'the stream ended without a finish_reason');
    yield { content: '', done: true, usage: openaiUsage(last, finish === 'length' ? 'length' : finish) };
  }

  return {
    kind: 'openai',
    host,
    chatStream,
    async chat(req, signal) {
      let content = '';
      let usage: LlmUsage = {};
      for await (const c of chatStream(req, signal)) {
        content += c.content;
        if (c.done) usage = c.usage ?? {};
      }
      return { content, usage };
    },
    async health(signal) {
      let ids: string[];
      try {
        const page = await client.models.list({ signal });
        ids = page.data.map((m) => m.id);
      } catch (err) {
        throw mapError(err, signal, opts.model);
      }
      if (!ids.includes(opts.model)) {
        throw new ClaudiaError('E_LLM_UNAVAILABLE', `the server at ${baseURL} does not serve '${opts.model}' (it serves: ${ids.join(', ') || 'nothing'}); set llm.openai_model to one of them, or start the server under that name (llama-server --alias, vllm --served-model-name)`);
      }
      // An OpenAI-compatible server loads its model before it answers /v1/models.
      return { modelLoaded: true, version: `openai-compatible (${baseURL})` };
    },
    async warmup(_req, signal) {
      // The server loaded its model at start; nothing to load per runner option.
      await this.health(signal);
    },
    async close() {
      await http.close();
    },
  };
}

export const openaiBackendFactory: BackendFactory = {
  kind: 'openai',
  hosts: (config) => config.ollama.hosts,
  model: openaiModel,
  create: (host, ctx) => createOpenAiBackend({ host, model: openaiModel(ctx.config), apiKey: openaiApiKey(ctx.config), guidedJson: ctx.config.llm.openai_guided_json, logger: ctx.logger }),
};
