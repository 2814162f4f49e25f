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
import type { LatencyProfile, OllamaSimulator, OllamaSimulatorOptions, SimMode, SimStats } from './types';

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

interface GenJob {
  kind: 'chat' | 'generate';
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

  function parseJob(kind: 'chat' | 'generate', body: Record<string, unknown>): GenJob {
    const model = typeof body['model'] === 'string' && body['model'] !== '' ? body['model'] : '';
    if (!model) throw new HttpError(400, 'model is required');
    const options = isRecord(body['options']) ? body['options'] : undefined;
    const stream = body['stream'] !== false;
    const keepAliveMs = parseKeepAlive(body['keep_alive']);
    if (kind === 'chat') {
      const raw = body['messages'];
      if (raw !== undefined && !Array.isArray(raw)) throw new HttpError(400, 'messages must be an array');
      const messages: SimMessage[] = (raw ?? []).map((m: unknown) => {
        if (!isRecord(m) || typeof m['role'] !== 'string' || typeof m['content'] !== 'string') throw new HttpError(400, 'each message needs a role and a content string');
        return { role: m['role'], content: m['content'] };
      });
      return { kind, model, prompt: renderChat(messages), lastUser: lastUserMessage(messages), format: body['format'], stream, options, keepAliveMs, loadOnly: messages.length === 0 };
    }
    const prompt = typeof body['prompt'] === 'string' ? body['prompt'] : '';
    const system = typeof body['system'] === 'string' ? body['system'] : undefined;
    return { kind, model, prompt: renderGenerate(system, prompt, body['raw'] === true), lastUser: prompt, format: body['format'], stream, options, keepAliveMs, loadOnly: prompt === '' };
  }

  /** Sleeps until an absolute clock time; sub-millisecond remainders are carried by the next target. */
  async function until(at: number, signal: AbortSignal): Promise<void> {
    const d = at - clock.now();
    if (d >= 1) await clock.sleep(d, signal);
    signal.throwIfAborted();
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
      return sendJson(res, 503, { error: 'simulator http503 mode: service unavailable' });
    }
    if (mode === 'stall') {
      // Headers (when streaming) and then nothing, until the client gives up.
      if (job.stream) {
        res.writeHead(200, { 'Content-Type': 'application/x-ndjson', 'X-Simulator': 'claudia-ollama-simulator' });
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
        stats.rejected503++;
        return sendJson(res, 503, { error: err.message });
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
        return finish(res, job, { content: '', doneReason: 'load', t0, tLoaded, tPrefilled: tLoaded, promptTokens: 0, evalTokens: 0 });
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
      const fixed = profile.fixedServiceMs;
      const prefillMs = fixed !== undefined ? 0 : (newTokens / profile.prefillTokPerS) * 1000;
      const perTokenMs = fixed !== undefined ? fixed / Math.max(1, tokens.length) : 1000 / profile.decodeTokPerS;
      const tPrefilled = tLoaded + prefillMs;
      await until(tPrefilled, gone.signal);
      const dropAfter = mode === 'drop' ? Math.min(3, Math.max(1, tokens.length - 1)) : -1;
      if (job.stream) {
        res.writeHead(200, { 'Content-Type': 'application/x-ndjson', 'X-Simulator': 'claudia-ollama-simulator' });
        for (let i = 0; i < tokens.length; i++) {
          await until(tPrefilled + perTokenMs * (i + 1), gone.signal);
          if (i === dropAfter) {
            logger.debug('ollama simulator dropping the connection mid-stream', { simulator: true });
            res.socket?.destroy();
            throw new Error('dropped');
          }
          const tok = tokens[i] as string;
          cachedAfter += tok;
          const chunk =
            job.kind === 'chat'
              ? { model: job.model, created_at: createdAt(), message: { role: 'assistant', content: tok }, done: false }
              : { model: job.model, created_at: createdAt(), response: tok, done: false };
          res.write(JSON.stringify(chunk) + '\n');
        }
      } else {
        await until(tPrefilled + perTokenMs * tokens.length, gone.signal);
        if (mode === 'drop') {
          res.socket?.destroy();
          throw new Error('dropped');
        }
        cachedAfter += content;
      }
      stats.evalTokens += tokens.length;
      finished = true;
      finish(res, job, { content, doneReason, t0, tLoaded, tPrefilled, promptTokens: newTokens, evalTokens: tokens.length });
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
    res: http.ServerResponse,
    job: GenJob,
    t: { content: string; doneReason: string; t0: number; tLoaded: number; tPrefilled: number; promptTokens: number; evalTokens: number },
  ): void {
    stats.completed++;
    const now = clock.now();
    stats.serviceMs += now - t.t0;
    const ns = (ms: number) => Math.round(ms * 1e6);
    const timing = {
      done: true,
      done_reason: t.doneReason,
      total_duration: ns(now - t.t0),
      load_duration: ns(t.tLoaded - t.t0),
      prompt_eval_count: t.promptTokens,
      prompt_eval_duration: ns(t.tPrefilled - t.tLoaded),
      eval_count: t.evalTokens,
      eval_duration: ns(now - t.tPrefilled),
    };
    const base = { model: job.model, created_at: createdAt() };
    if (job.stream) {
      const last = job.kind === 'chat' ? { ...base, message: { role: 'assistant', content: '' }, ...timing } : { ...base, response: '', ...timing, context: [] };
      if (!res.headersSent) res.writeHead(200, { 'Content-Type': 'application/x-ndjson', 'X-Simulator': 'claudia-ollama-simulator' });
      res.end(JSON.stringify(last) + '\n');
    } else {
      const body = job.kind === 'chat' ? { ...base, message: { role: 'assistant', content: t.content }, ...timing } : { ...base, response: t.content, ...timing, context: [] };
      sendJson(res, 200, body);
    }
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
    if (path === '/api/tags') return sendJson(res, 200, { models: [modelEntry(modelName)] });
    if (path === '/api/ps') {
      const loaded = runner.loadedModel();
      const models = loaded
        ? [
            {
              ...modelEntry(loaded.key.model),
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
    if (path === '/api/show') {
      return sendJson(res, 200, {
        license: 'none (simulator)',
        modelfile: '# claudia_llm Ollama simulator: no real model',
        parameters: '',
        template: '{{ .Prompt }}',
        details: SIM_DETAILS,
        model_info: { 'general.architecture': 'simulator' },
        capabilities: ['completion', 'embedding'],
      });
    }
    if (path === '/api/embed') {
      stats.embed++;
      const input = body['input'];
      const list = typeof input === 'string' ? [input] : Array.isArray(input) && input.every((x) => typeof x === 'string') ? (input as string[]) : undefined;
      if (!list) throw new HttpError(400, 'input must be a string or a list of strings');
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
          sendJson(res, status, { error: err instanceof Error ? err.message : String(err) });
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
      if (!['normal', 'stall', 'drop', 'garbage', 'http503'].includes(m)) throw new ClaudiaError('E_CONFIG', `unknown simulator mode '${String(m)}'`);
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
