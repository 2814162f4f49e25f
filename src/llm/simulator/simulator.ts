import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSystemClock, type Clock } from '../../util/clock';
import { ClaudiaError } from '../../util/errors';
import { createSilentLogger } from '../../util/logger';
import { compileScript, renderContent, type CompiledEntry } from './answer';
import { simEmbedding } from './embed';
import { FAST_PROFILE, profileByName } from './profiles';
import { lastUserMessage, renderChat, renderGenerate, type SimMessage } from './render-prompt';
import { parseKeepAlive, QueueFull, Runner, runnerKeyOf, type Lease } from './runner';
import { countTokens, commonPrefixLength, splitTokens } from './tokens';
import { normaliseOllamaModel } from '../ollama-model-name';
import { SIM_MODES, type LatencyProfile, type OllamaSimulator, type OllamaSimulatorOptions, type SimMode, type SimStats } from './types';

/** What /api/version answers: a simulator says so. */
export const SIMULATOR_VERSION = '0.0.0-claudia-simulator';
const MAX_BODY = 8 * 1024 * 1024;
const SIM_DETAILS = {
  parent_model: '',
  format: 'simulator',
  family: 'claudia-ollama-simulator',
  families: ['claudia-ollama-simulator'],
  parameter_size: 'simulated',
  quantization_level: 'simulated',
};

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Thinking models by family: Ollama reports the `thinking` capability for these in /api/show. */
const THINKING_FAMILIES = /^(qwen3|deepseek-r1|gpt-oss|magistral)\b/;
/** Thinking tokens a thinking model spends before its answer when `think` is not false. */
const THINKING_TOKENS = 60;
/** Real Ollama ends a generation once one token repeats more than this many times (llm/llama_server.go, tokenRepeat > 30). */
const TOKEN_REPEAT_LIMIT = 30;

/** Go's %q of the raw JSON, as the "invalid format" message shows it. */
const goQuote = (raw: unknown) => JSON.stringify(JSON.stringify(raw));

interface GenJob {
  kind: 'chat' | 'generate';
  /** Which API asked: Ollama's NDJSON or the OpenAI-compatible SSE of /v1/chat/completions. */
  wire: 'ollama' | 'openai';
  /** A thinking model with `think` not false: thinking first, the formatted answer after. */
  thinking: boolean;
  /** OpenAI stream_options.include_usage. */
  includeUsage: boolean;
  model: string;
  prompt: string;
  lastUser: string;
  format: unknown;
  stream: boolean;
  options: Record<string, unknown> | undefined;
  keepAliveMs: number;
  loadOnly: boolean;
}

/**
 * The project's Ollama-compatible simulator: real HTTP, Ollama's API shapes and timing
 * fields, a latency model (load, prefill of the unshared prompt suffix, per-token decode,
 * N slots, bounded queue -> 503), scripted answers and fault modes. It is labelled a
 * simulator in /api/version, model details and logs; it never pretends to be a model.
 */
export function createOllamaSimulator(opts: OllamaSimulatorOptions = {}): OllamaSimulator {
  const clock: Clock = opts.clock ?? createSystemClock();
  const logger = opts.logger ?? createSilentLogger();
  const profile: LatencyProfile =
    typeof opts.profile === 'string' ? profileByName(opts.profile) : (opts.profile ?? FAST_PROFILE);
  const slotCount = opts.slots ?? profile.slots;
  const queueMax = opts.queueMax ?? profile.queueMax;
  if (!Number.isInteger(slotCount) || slotCount < 1) throw new ClaudiaError('E_CONFIG', `simulator slots must be an integer >= 1 (got ${slotCount})`);
  if (!Number.isInteger(queueMax) || queueMax < 0) throw new ClaudiaError('E_CONFIG', `simulator queueMax must be an integer >= 0 (got ${queueMax})`);
  const modelName = opts.model ?? 'qwen2.5:7b';
  // Compared as /api/ps shows names (`model:tag`): "qwen2.5" is qwen2.5:latest, not qwen2.5:7b.
  const served = new Map([modelName, ...(opts.models ?? [])].map((m) => [normaliseOllamaModel(m), m] as const));
  const thinks = (model: string) => THINKING_FAMILIES.test(normaliseOllamaModel(model));
  /** ollama/ollama server/routes.go (ChatHandler, GenerateHandler, ShowHandler): 404 `model 'X' not found`. */
  function requireModel(model: string): void {
    if (!served.has(normaliseOllamaModel(model))) throw new HttpError(404, `model '${model}' not found`);
  }
  let script: CompiledEntry[] = compileScript(opts.script ?? []);
  let mode: SimMode = 'normal';
  let runner = new Runner(clock, profile, slotCount, queueMax);
  let stats = emptyStats();
  let running = 0;
  let server: http.Server | undefined;
  let baseUrl: string | undefined;

  function emptyStats(): SimStats {
    return {
      requests: 0,
      byEndpoint: {},
      chat: 0,
      generate: 0,
      embed: 0,
      completed: 0,
      aborted: 0,
      rejected503: 0,
      serviceMs: 0,
      loads: 0,
      reloadsForOptions: 0,
      maxConcurrent: 0,
      promptChars: 0,
      sharedPrefixChars: 0,
      prefixReuse: 0,
      promptTokens: 0,
      prefillTokens: 0,
      evalTokens: 0,
    };
  }

  const createdAt = () => new Date(Number(clock.wallNs() / 1_000_000n)).toISOString();

  function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
    if (res.headersSent || res.destroyed) return;
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'X-Simulator': 'claudia-ollama-simulator' });
    res.end(text);
  }

  function readBody(req: http.IncomingMessage): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_BODY) {
          reject(new HttpError(413, `request body over ${MAX_BODY} bytes`));
          req.destroy();
          return;
        }
        chunks.push(c);
      });
      req.on('end', () => {
        const text = new TextDecoder('utf-8').decode(Buffer.concat(chunks));
        if (text.trim() === '') return resolve({});
        try {
          resolve(JSON.parse(text));
        } catch {
          reject(new HttpError(400, 'invalid JSON in request body'));
        }
      });
      req.on('error', reject);
    });
  }

  /**
   * `format` as llm/llama_server.go takes it: absent, null, "" or "json", or a JSON object
   * (a schema); anything else -> 400 `invalid format: ...`.
   */
  function checkFormat(format: unknown): void {
    if (format === undefined || format === null || format === '' || format === 'json' || isRecord(format)) return;
    throw new HttpError(400, `invalid format: ${goQuote(format)}; expected "json" or a valid JSON Schema object`);
  }

  function parseMessages(raw: unknown): SimMessage[] {
    if (raw !== undefined && !Array.isArray(raw)) throw new HttpError(400, 'messages must be an array');
    return ((raw ?? []) as unknown[]).map((m: unknown) => {
      if (!isRecord(m) || typeof m['role'] !== 'string' || typeof m['content'] !== 'string') throw new HttpError(400, 'each message needs a role and a content string');
      return { role: m['role'], content: m['content'] };
    });
  }

  function parseJob(kind: 'chat' | 'generate', body: Record<string, unknown>): GenJob {
    const model = typeof body['model'] === 'string' && body['model'] !== '' ? body['model'] : '';
    if (!model) throw new HttpError(400, 'model is required');
    let keepAliveMs: number;
    try {
      // A refused keep_alive fails the request's JSON binding: 400 on every request (server/routes.go, ShouldBindJSON).
      keepAliveMs = parseKeepAlive(body['keep_alive']);
    } catch (err) {
      throw new HttpError(400, (err as Error).message);
    }
    requireModel(model);
    checkFormat(body['format']);
    const think = body['think'];
    // server/routes.go: a model with the thinking capability defaults think to true; think: true on another model is 400.
    if (think === true && !thinks(model)) throw new HttpError(400, `${JSON.stringify(model)} does not support thinking`);
    const thinking = thinks(model) && think !== false;
    const options = isRecord(body['options']) ? body['options'] : undefined;
    const stream = body['stream'] !== false;
    const common = { kind, wire: 'ollama' as const, model, format: body['format'], stream, options, keepAliveMs, thinking, includeUsage: false };
    if (kind === 'chat') {
      const messages = parseMessages(body['messages']);
      return { ...common, prompt: renderChat(messages), lastUser: lastUserMessage(messages), loadOnly: messages.length === 0 };
    }
    const prompt = typeof body['prompt'] === 'string' ? body['prompt'] : '';
    const system = typeof body['system'] === 'string' ? body['system'] : undefined;
    return { ...common, prompt: renderGenerate(system, prompt, body['raw'] === true), lastUser: prompt, loadOnly: prompt === '' };
  }

  /** /v1/chat/completions (Ollama's own OpenAI layer, llama-server, vLLM): response_format / guided_json, max_tokens. */
  function parseOpenAiJob(body: Record<string, unknown>): GenJob {
    const model = typeof body['model'] === 'string' && body['model'] !== '' ? body['model'] : '';
    if (!model) throw new HttpError(400, 'model is required');
    requireModel(model);
    const rf = body['response_format'];
    let format: unknown;
    if (isRecord(rf) && rf['type'] === 'json_schema' && isRecord(rf['json_schema'])) format = rf['json_schema']['schema'];
    else if (isRecord(rf) && rf['type'] === 'json_object') format = 'json';
    else if (isRecord(body['guided_json'])) format = body['guided_json'];
    checkFormat(format);
    const messages = parseMessages(body['messages']);
    const options: Record<string, unknown> = {};
    if (typeof body['max_tokens'] === 'number') options['num_predict'] = body['max_tokens'];
    if (typeof body['max_completion_tokens'] === 'number') options['num_predict'] = body['max_completion_tokens'];
    const so = body['stream_options'];
    return {
      kind: 'chat',
      wire: 'openai',
      model,
      prompt: renderChat(messages),
      lastUser: lastUserMessage(messages),
      format,
      stream: body['stream'] === true,
      options,
      keepAliveMs: 5 * 60_000,
      loadOnly: false,
      thinking: false,
      includeUsage: isRecord(so) && so['include_usage'] === true,
    };
  }

  /** Sleeps until an absolute clock time; sub-millisecond remainders are carried by the next target. */
  async function until(at: number, signal: AbortSignal): Promise<void> {
    const d = at - clock.now();
    if (d >= 1) await clock.sleep(d, signal);
    signal.throwIfAborted();
  }

  /** An error answer in the asking API's shape (Ollama: {"error": "..."}; OpenAI: {"error": {"message": ...}}). */
  function sendError(res: http.ServerResponse, status: number, message: string, wire: GenJob['wire'] = 'ollama'): void {
    sendJson(res, status, wire === 'openai' ? { error: { message, type: status === 404 ? 'not_found_error' : 'api_error', code: status } } : { error: message });
  }

  /** Writes one generation in the asking API's wire format. */
  function writerFor(job: GenJob, res: http.ServerResponse) {
    const id = `chatcmpl-sim-${stats.requests}`;
    const created = Math.floor(Number(clock.wallNs() / 1_000_000_000n));
    const sse = (o: unknown) => res.write(`data: ${JSON.stringify(o)}\n\n`);
    const oaChunk = (delta: Record<string, unknown>, finish: string | null) => ({ id, object: 'chat.completion.chunk', created, model: job.model, choices: [{ index: 0, delta, finish_reason: finish }] });
    return {
      head(): void {
        if (res.headersSent) return;
        if (job.wire === 'openai') {
          res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', 'X-Simulator': 'claudia-ollama-simulator' });
          sse(oaChunk({ role: 'assistant', content: '' }, null));
        } else res.writeHead(200, { 'Content-Type': 'application/x-ndjson', 'X-Simulator': 'claudia-ollama-simulator' });
      },
      token(tok: string, thinking: boolean): void {
        if (job.wire === 'openai') return void sse(oaChunk(thinking ? { reasoning_content: tok } : { content: tok }, null));
        const base = { model: job.model, created_at: createdAt() };
        const chunk = job.kind === 'chat' ? { ...base, message: { role: 'assistant', content: thinking ? '' : tok, ...(thinking ? { thinking: tok } : {}) }, done: false } : { ...base, response: thinking ? '' : tok, ...(thinking ? { thinking: tok } : {}), done: false };
        res.write(JSON.stringify(chunk) + '\n');
      },
      /** server/routes.go streamResponse: an error during generation is one {"error"} line under the 200 already sent. */
      errorLine(message: string): void {
        if (job.wire === 'openai') sse({ error: { message, type: 'api_error' } });
        else res.write(JSON.stringify({ error: message }) + '\n');
        res.end();
      },
      /** The end without the final chunk (token-repeat abort): no done, no finish_reason, no [DONE]. */
      endWithoutDone(): void {
        res.end();
      },
      final(content: string, doneReason: string, timing: Record<string, number | string | boolean>, promptTokens: number, evalTokens: number): void {
        if (job.wire === 'openai') {
          const finish = doneReason === 'length' ? 'length' : 'stop';
          const usage = { prompt_tokens: promptTokens, completion_tokens: evalTokens, total_tokens: promptTokens + evalTokens };
          if (job.stream) {
            sse(oaChunk({}, finish));
            if (job.includeUsage) sse({ id, object: 'chat.completion.chunk', created, model: job.model, choices: [], usage });
            res.end('data: [DONE]\n\n');
          } else {
            sendJson(res, 200, { id, object: 'chat.completion', created, model: job.model, choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: finish }], usage });
          }
          return;
        }
        const base = { model: job.model, created_at: createdAt() };
        if (job.stream) {
          const last = job.kind === 'chat' ? { ...base, message: { role: 'assistant', content: '' }, ...timing } : { ...base, response: '', ...timing, context: [] };
          this.head();
          res.end(JSON.stringify(last) + '\n');
        } else {
          const body = job.kind === 'chat' ? { ...base, message: { role: 'assistant', content }, ...timing } : { ...base, response: content, ...timing, context: [] };
          sendJson(res, 200, body);
        }
      },
    };
  }

  async function generate(job: GenJob, res: http.ServerResponse, arrivedAt: number): Promise<void> {
    // Like Ollama's total_duration: from the arrival of the request.
    const t0 = arrivedAt;
    const gone = new AbortController();
    let finished = false;
    res.on('close', () => {
      if (!finished) gone.abort(new Error('client closed the connection'));
    });
    if (mode === 'http503') {
      stats.rejected503++;
      return sendError(res, 503, 'simulator http503 mode: service unavailable', job.wire);
    }
    if (mode === 'bad_format') {
      return sendError(res, 400, `invalid format: ${goQuote(job.format ?? 'simulator bad_format mode')}; expected "json" or a valid JSON Schema object`, job.wire);
    }
    const out = writerFor(job, res);
    if (mode === 'stall') {
      // Headers (when streaming) and then nothing, until the client gives up.
      if (job.stream) {
        out.head();
        res.flushHeaders();
      }
      logger.debug('ollama simulator stalling a request', { simulator: true, endpoint: job.kind });
      await new Promise<void>((resolve) => gone.signal.addEventListener('abort', () => resolve(), { once: true }));
      stats.aborted++;
      return;
    }
    const key = runnerKeyOf(job.model, job.options);
    let lease: Lease;
    try {
      lease = await runner.acquire(key, job.prompt, gone.signal);
    } catch (err) {
      if (err instanceof QueueFull) {
        // server/sched.go ErrMaxQueue -> 503 (server/routes.go): only when the queue waiting for the model overflows.
        stats.rejected503++;
        return sendError(res, 503, err.message, job.wire);
      }
      stats.aborted++;
      return;
    }
    running++;
    stats.maxConcurrent = Math.max(stats.maxConcurrent, running);
    const slot = lease.slot;
    let cachedAfter = slot.cached;
    try {
      stats.loads = runner.loads;
      stats.reloadsForOptions = runner.reloadsForOptions;
      await until(lease.readyAt, gone.signal);
      const tLoaded = clock.now();
      if (job.loadOnly) {
        finished = true;
        return finish(out, { content: '', doneReason: 'load', t0, tLoaded, tPrefilled: tLoaded, promptTokens: 0, evalTokens: 0 });
      }
      // Prefill: only the part of the prompt the slot's KV cache does not already hold.
      const shared = commonPrefixLength(slot.cached, job.prompt);
      const promptTokens = countTokens(job.prompt);
      const newTokens = Math.max(1, countTokens(job.prompt.slice(shared)));
      stats.promptChars += job.prompt.length;
      stats.sharedPrefixChars += shared;
      stats.prefixReuse = stats.promptChars > 0 ? stats.sharedPrefixChars / stats.promptChars : 0;
      stats.promptTokens += promptTokens;
      stats.prefillTokens += newTokens;
      cachedAfter = job.prompt;
      let content = renderContent({ script, lastUser: job.lastUser, format: job.format, garbage: mode === 'garbage' });
      let tokens = splitTokens(content);
      let doneReason = 'stop';
      const numPredict = typeof job.options?.['num_predict'] === 'number' ? (job.options['num_predict'] as number) : -1;
      if (numPredict > 0 && tokens.length > numPredict) {
        // As a real model does: the output is cut at num_predict (JSON may end up broken).
        tokens = tokens.slice(0, numPredict);
        content = tokens.join('');
        doneReason = 'length';
      }
      const thinkingTokens = job.thinking ? THINKING_TOKENS : 0;
      const fixed = profile.fixedServiceMs;
      const prefillMs = fixed !== undefined ? 0 : (newTokens / profile.prefillTokPerS) * 1000;
      const perTokenMs = fixed !== undefined ? fixed / Math.max(1, tokens.length + thinkingTokens) : 1000 / profile.decodeTokPerS;
      const tPrefilled = tLoaded + prefillMs;
      await until(tPrefilled, gone.signal);
      const faultAfter = Math.min(3, Math.max(1, tokens.length - 1));
      if (job.stream) {
        out.head();
        // Thinking first; Ollama applies `format` only to what follows it (server/routes.go, ChatHandler).
        for (let i = 0; i < thinkingTokens; i++) {
          await until(tPrefilled + perTokenMs * (i + 1), gone.signal);
          out.token(i === 0 ? 'Let me think. ' : 'hmm ', true);
        }
        for (let i = 0; i < tokens.length; i++) {
          await until(tPrefilled + perTokenMs * (thinkingTokens + i + 1), gone.signal);
          if (i === faultAfter && mode === 'drop') {
            logger.debug('ollama simulator dropping the connection mid-stream', { simulator: true });
            res.socket?.destroy();
            throw new Error('dropped');
          }
          if (i === faultAfter && mode === 'error_line') {
            finished = true;
            stats.completed++;
            return out.errorLine('simulator error_line mode: an error during generation');
          }
          if (i === faultAfter && mode === 'repeat') {
            const tok = tokens[i - 1] ?? tokens[i] ?? ' ';
            for (let r = 0; r < TOKEN_REPEAT_LIMIT; r++) out.token(tok, false);
            finished = true;
            stats.completed++;
            return out.endWithoutDone();
          }
          const tok = tokens[i] as string;
          cachedAfter += tok;
          out.token(tok, false);
        }
      } else {
        await until(tPrefilled + perTokenMs * (tokens.length + thinkingTokens), gone.signal);
        if (mode === 'drop') {
          res.socket?.destroy();
          throw new Error('dropped');
        }
        if (mode === 'error_line' || mode === 'repeat') {
          // Not streamed: the error (or the aborted generation) is the answer.
          finished = true;
          return sendError(res, 500, mode === 'repeat' ? 'simulator repeat mode: generation aborted (token repeat limit)' : 'simulator error_line mode: an error during generation', job.wire);
        }
        cachedAfter += content;
      }
      stats.evalTokens += tokens.length + thinkingTokens;
      finished = true;
      finish(out, { content, doneReason, t0, tLoaded, tPrefilled, promptTokens, evalTokens: tokens.length + thinkingTokens });
    } catch {
      if (!finished) stats.aborted++;
    } finally {
      running--;
      slot.cached = cachedAfter;
      runner.release(slot, job.keepAliveMs);
      if (job.keepAliveMs === 0) runner.unload();
    }
  }

  function finish(
    out: ReturnType<typeof writerFor>,
    t: { content: string; doneReason: string; t0: number; tLoaded: number; tPrefilled: number; promptTokens: number; evalTokens: number },
  ): void {
    stats.completed++;
    const now = clock.now();
    stats.serviceMs += now - t.t0;
    const ns = (ms: number) => Math.round(ms * 1e6);
    // prompt_eval_count is the whole prompt, cached part included; a metric that is zero is
    // omitted, as Go's omitempty does in api/types.go Metrics.
    const metrics: Record<string, number> = {
      total_duration: ns(now - t.t0),
      load_duration: ns(t.tLoaded - t.t0),
      prompt_eval_count: t.promptTokens,
      prompt_eval_duration: ns(t.tPrefilled - t.tLoaded),
      eval_count: t.evalTokens,
      eval_duration: ns(now - t.tPrefilled),
    };
    for (const k of Object.keys(metrics)) if (metrics[k] === 0) delete metrics[k];
    out.final(t.content, t.doneReason, { done: true, done_reason: t.doneReason, ...metrics }, t.promptTokens, t.evalTokens);
  }

  function modelEntry(name: string) {
    return { name, model: name, modified_at: createdAt(), size: 4_683_087_332, digest: 'simulator', details: SIM_DETAILS };
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const arrivedAt = clock.now();
    const path = (req.url ?? '/').split('?')[0] as string;
    stats.requests++;
    stats.byEndpoint[path] = (stats.byEndpoint[path] ?? 0) + 1;
    const method = req.method ?? 'GET';
    if (path === '/' && (method === 'GET' || method === 'HEAD')) {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      return void res.end('Ollama simulator (claudia_llm) is running\n');
    }
    if (path === '/api/version') return sendJson(res, 200, { version: SIMULATOR_VERSION, simulator: true, profile: profile.name });
    if (path === '/api/tags') return sendJson(res, 200, { models: [...served.keys()].map((m) => modelEntry(m)) });
    if (path === '/v1/models' && method === 'GET') {
      return sendJson(res, 200, { object: 'list', data: [...served.values()].map((id) => ({ id, object: 'model', created: 0, owned_by: 'claudia-ollama-simulator' })) });
    }
    if (path === '/api/ps') {
      const loaded = runner.loadedModel();
      const models = loaded
        ? [
            {
              // server/routes.go PsHandler: names as model.ParseName(...).DisplayShortest(), always `model:tag`.
              ...modelEntry(normaliseOllamaModel(loaded.key.model)),
              size_vram: 4_683_087_332,
              expires_at: Number.isFinite(loaded.expiresAt)
                ? new Date(Number(clock.wallNs() / 1_000_000n) + (loaded.expiresAt - clock.now())).toISOString()
                : '2318-01-01T00:00:00Z',
              context_length: loaded.key.num_ctx,
            },
          ]
        : [];
      return sendJson(res, 200, { models });
    }
    if (method !== 'POST') throw new HttpError(405, `${method} ${path} is not supported by the simulator`);
    const body = await readBody(req);
    if (!isRecord(body)) throw new HttpError(400, 'request body must be a JSON object');
    if (path === '/api/chat' || path === '/api/generate') {
      const kind = path === '/api/chat' ? 'chat' : 'generate';
      stats[kind]++;
      return generate(parseJob(kind, body), res, arrivedAt);
    }
    if (path === '/v1/chat/completions') {
      stats.chat++;
      return generate(parseOpenAiJob(body), res, arrivedAt);
    }
    if (path === '/api/show') {
      const name = typeof body['model'] === 'string' ? body['model'] : typeof body['name'] === 'string' ? body['name'] : '';
      requireModel(name);
      return sendJson(res, 200, {
        license: 'none (simulator)',
        modelfile: '# claudia_llm Ollama simulator: no real model',
        parameters: '',
        template: '{{ .Prompt }}',
        details: SIM_DETAILS,
        model_info: { 'general.architecture': 'simulator' },
        capabilities: thinks(name) ? ['completion', 'thinking'] : ['completion', 'embedding'],
      });
    }
    if (path === '/api/embed') {
      stats.embed++;
      const input = body['input'];
      const list = typeof input === 'string' ? [input] : Array.isArray(input) && input.every((x) => typeof x === 'string') ? (input as string[]) : undefined;
      if (!list) throw new HttpError(400, 'input must be a string or a list of strings');
      requireModel(typeof body['model'] === 'string' ? body['model'] : '');
      if (mode === 'http503') {
        stats.rejected503++;
        return sendJson(res, 503, { error: 'simulator http503 mode: service unavailable' });
      }
      return sendJson(res, 200, {
        model: typeof body['model'] === 'string' ? body['model'] : modelName,
        embeddings: list.map((s) => simEmbedding(s)),
        total_duration: 0,
        load_duration: 0,
        prompt_eval_count: list.reduce((n, s) => n + countTokens(s), 0),
      });
    }
    throw new HttpError(404, `${path} not found (Ollama simulator)`);
  }

  const sim: OllamaSimulator = {
    profile,
    async listen(port = 0, host = '127.0.0.1') {
      if (server) throw new ClaudiaError('E_INTERNAL', 'simulator is already listening; close() it first');
      const srv = http.createServer((req, res) => {
        handle(req, res).catch((err: unknown) => {
          const status = err instanceof HttpError ? err.status : 500;
          sendError(res, status, err instanceof Error ? err.message : String(err), req.url?.startsWith('/v1/') ? 'openai' : 'ollama');
        });
      });
      srv.keepAliveTimeout = 5000;
      await new Promise<void>((resolve, reject) => {
        srv.once('error', reject);
        srv.listen(port, host, () => {
          srv.off('error', reject);
          resolve();
        });
      });
      server = srv;
      const addr = srv.address() as AddressInfo;
      baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${addr.port}`;
      logger.info('ollama SIMULATOR listening (not a real model)', { simulator: true, url: baseUrl, profile: profile.name, slots: slotCount, queueMax });
      return baseUrl;
    },
    async close() {
      const srv = server;
      if (!srv) return;
      server = undefined;
      await new Promise<void>((resolve) => {
        srv.close(() => resolve());
        // A killed Ollama: every open stream is cut, not drained.
        srv.closeAllConnections();
      });
      logger.info('ollama SIMULATOR stopped', { simulator: true, url: baseUrl });
    },
    stats: () => ({ ...stats, byEndpoint: { ...stats.byEndpoint } }),
    setMode(m) {
      if (!SIM_MODES.includes(m)) throw new ClaudiaError('E_CONFIG', `unknown simulator mode '${String(m)}'`);
      mode = m;
      logger.info('ollama SIMULATOR mode', { simulator: true, mode: m });
    },
    mode: () => mode,
    reset() {
      stats = emptyStats();
      runner = new Runner(clock, profile, slotCount, queueMax);
      running = 0;
    },
    evict() {
      runner.unload();
    },
    setScript(s) {
      script = compileScript(s);
    },
    url: () => baseUrl,
  };
  return sim;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
