import type { ChatResponse } from 'ollama';
import { ClaudiaError } from '../util/errors';
import { keepAliveForOllama } from '../util/go-duration';
import { badOutputError, type BackendContext, type BackendFactory, type LlmBackend, type LlmRequest, type LlmUsage } from './backend';
import { createOllamaClient, type ChatChunk, type ChatParams, type OllamaClient } from './ollama-client';
import { normaliseOllamaModel } from './ollama-model-name';

/** ns -> ms; absent stays absent (Ollama omits a metric field that is zero). */
const ms = (ns: number | undefined) => (typeof ns === 'number' ? ns / 1e6 : undefined);

type Final = NonNullable<ChatChunk['final']> | Partial<ChatResponse>;

/** Ollama's final-chunk fields as the backend-neutral usage. prompt_eval_count counts the whole prompt, cached part included. */
export function ollamaUsage(f: Final | undefined): LlmUsage {
  if (!f) return {};
  const u: LlmUsage = {
    promptTokens: f.prompt_eval_count,
    outputTokens: f.eval_count,
    totalMs: ms(f.total_duration),
    loadMs: ms(f.load_duration),
    promptMs: ms(f.prompt_eval_duration),
    decodeMs: ms(f.eval_duration),
    finishReason: f.done_reason,
  };
  for (const k of Object.keys(u) as Array<keyof LlmUsage>) if (u[k] === undefined) delete u[k];
  return u;
}

/** The error a missing model gives, at start and in /diagnostics: it names the fix. */
export function modelMissingError(host: string, model: string, cause?: unknown): ClaudiaError {
  return new ClaudiaError('E_LLM_UNAVAILABLE', `Ollama at ${host} has no model '${model}'; run \`ollama pull ${model}\` there (or fix ollama.model)`, { cause });
}

const isNotFound = (err: unknown) => err instanceof ClaudiaError && /\b404\b|not found/i.test(err.message) && (err.cause as { status_code?: number } | undefined)?.status_code === 404;

/**
 * The Ollama backend: one `ollama` package client per host. It asks /api/show once per
 * model whether the model exists and whether it thinks (qwen3 and the like): Ollama then
 * defaults `think` to true and applies `format` only after the thinking ends
 * (ollama/ollama server/routes.go, ChatHandler), so the actions would arrive late; such
 * models get `think: false`. A missing model fails the health probe with the
 * `ollama pull` line, so the host is out of service and /diagnostics says why.
 */
export function createOllamaBackend(opts: { host: string; model: string; logger: BackendContext['logger']; client?: OllamaClient }): LlmBackend & { readonly client: OllamaClient } {
  const client = opts.client ?? createOllamaClient({ host: opts.host });
  const { logger } = opts;
  // /api/ps reports `model:tag`; a tag-less configured name is compared in that form.
  const psName = normaliseOllamaModel(opts.model);
  /** model -> does it think? Only answers that came back are kept (a 404 is asked again). */
  const thinks = new Map<string, boolean>();

  async function capabilities(model: string, signal: AbortSignal): Promise<void> {
    if (thinks.has(model)) return;
    try {
      const show = await client.show(model, signal);
      const t = Array.isArray(show.capabilities) && show.capabilities.includes('thinking');
      thinks.set(model, t);
      if (t) logger.info('Ollama model supports thinking; sending think: false so the actions stream at once', { host: client.host, model });
    } catch (err) {
      throw isNotFound(err) ? modelMissingError(client.host, model, err) : err;
    }
  }

  async function params(req: LlmRequest, signal: AbortSignal): Promise<ChatParams> {
    await capabilities(req.model, signal);
    const p: ChatParams = { model: req.model, messages: req.messages, options: req.options };
    if (req.format !== undefined) p.format = req.format;
    if (req.keepAlive !== undefined) p.keep_alive = keepAliveForOllama(req.keepAlive);
    if (thinks.get(req.model)) p.think = false;
    return p;
  }

  const mapMissing = (model: string) => (err: unknown): never => {
    throw isNotFound(err) ? modelMissingError(client.host, model, err) : err;
  };

  return {
    kind: 'ollama',
    host: client.host,
    client,
    async *chatStream(req, signal) {
      const p = await params(req, signal);
      try {
        for await (const c of client.chatStream(p, signal)) {
          if (c.done) {
            yield { content: c.content, done: true, usage: ollamaUsage(c.final) };
            return;
          }
          yield { content: c.content, done: false };
        }
      } catch (err) {
        mapMissing(req.model)(err);
      }
      // ollama-js throws on a clean end without `done` today; should it ever end quietly, the rule still holds.
      throw badOutputError(client.host, 'the stream ended without its final chunk');
    },
    async chat(req, signal) {
      const r = await client.chat(await params(req, signal), signal).catch(mapMissing(req.model));
      return { content: r.message?.content ?? '', usage: ollamaUsage(r) };
    },
    async health(signal) {
      const version = await client.version(signal);
      await capabilities(opts.model, signal);
      const ps = await client.ps(signal).catch(() => undefined);
      return { version, modelLoaded: ps ? ps.models.some((m) => m.name === psName || m.model === psName) : undefined };
    },
    async warmup(req, signal) {
      // An empty message list loads the model with these runner options and generates nothing.
      await client.chat(await params({ ...req, messages: [] }, signal), signal).catch(mapMissing(req.model));
    },
    async close() {
      await client.close();
    },
  };
}

export const ollamaBackendFactory: BackendFactory = {
  kind: 'ollama',
  hosts: (config) => config.ollama.hosts,
  model: (config) => config.ollama.model,
  create: (host, ctx) => createOllamaBackend({ host, model: ctx.config.ollama.model, logger: ctx.logger }),
};
