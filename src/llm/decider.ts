import type { Config } from '../config/types';
import type { Language } from '../lang/types';
import type { LlmDecider, LlmDecideOptions } from '../pipeline/stages';
import type { Decision, Proposal, Request } from '../pipeline/types';
import { createPromptBuilder, createSessionMemory, runnerOptions, type BuiltPrompt } from '../prompt';
import type { ActionCatalogue } from '../robot/catalogue';
import { createHostPool, createScheduler, laneFor, type HostHandle } from '../sched';
import type { Clock } from '../util/clock';
import { asClaudiaError, ClaudiaError } from '../util/errors';
import { excerpt, type Logger } from '../util/logger';
import type { ComponentStatus, Lane, StatusSource, Telemetry } from '../util/telemetry';
import { BACKEND_HOST_NOUN, isHostFailure, type LlmBackend, type LlmRequest, type LlmUsage } from './backend';
import { backendFactoryFor } from './backends';
import { createOutputParser } from './output-parser';
import { replyFitsLanguage } from './reply-language';

/** What one LLM call produced. */
export interface LlmOutcome {
  actions: Proposal[];
  reply: string;
  /** The raw JSON the model wrote (kept for session memory). */
  content: string;
  ttftMs?: number;
  ttfaMs?: number;
  llmMs: number;
  /** Token counts and server timings, as far as the backend reported them. */
  usage?: LlmUsage;
  /** The actions were complete but the rest of the output was broken (the reply is then a fallback). */
  replyBroken: boolean;
}

export interface LlmDeciderDeps {
  config: Config;
  catalogue: ActionCatalogue;
  clock: Clock;
  logger: Logger;
  telemetry?: Telemetry;
  /** Builds one backend per fleet member; default: the one `llm.backend` names. */
  makeBackend?: (host: string) => LlmBackend;
}

export type FullLlmDecider = LlmDecider & {
  warmup(): Promise<void>;
  statusSources(): StatusSource[];
  /** The scheduler's counters and the fleet's state, for tests and benchmarks. */
  inspect(): { sched: ReturnType<ReturnType<typeof createScheduler>['stats']>; depth: Record<Lane, number>; hosts: Array<{ url: string; health: string; running: number; modelLoaded?: boolean }> };
};

/** Questions whose answer depends on the moment or the robot's state: never cached. */
const TIME_OR_STATE = /何時|なんじ|今日|きょう|明日|昨日|天気|てんき|バッテリー|電池|残量|いま|今何|几点|今天|明天|昨天|天气|电池|现在|\b(time|today|tomorrow|yesterday|weather|battery|date|now)\b/iu;

/**
 * The LLM path behind the LlmDecider seam: prompt builder -> scheduler (lanes, coalescing,
 * supersede, deadlines, fleet) -> LLM backend (Ollama, OpenAI-compatible or embedded;
 * streaming) -> incremental output parser. Everything but the backend is the same for all.
 */
export function createLlmDecider(deps: LlmDeciderDeps): FullLlmDecider {
  const { config, catalogue, clock, logger, telemetry } = deps;
  const factory = backendFactoryFor(config);
  factory.validate?.(config);
  const model = factory.model(config);
  const sessions = createSessionMemory({ turnsPerSession: config.prompt.session_memory_turns, maxSessions: config.prompt.session_max });
  const builder = createPromptBuilder({ config, catalogue, sessions });
  const runner = runnerOptions(config);
  const hostNoun = BACKEND_HOST_NOUN[factory.kind];
  const pool = createHostPool<LlmBackend>({
    urls: factory.hosts(config),
    slots: config.ollama.num_parallel,
    makeClient: deps.makeBackend ?? ((url) => factory.create(url, { config, clock, logger })),
    clock,
    logger,
    intervalMs: config.ollama.health_interval_s * 1000,
    probeTimeoutMs: config.ollama.connect_timeout_s * 1000,
    reserveForHigh: config.sched.reserve_slot_for_high,
    hostNoun,
    probe: async (h, signal) => ({ modelLoaded: (await h.client.health(signal)).modelLoaded }),
  });
  const scheduler = createScheduler<LlmOutcome, LlmBackend, Proposal[]>({
    pool,
    clock,
    logger,
    telemetry,
    isHostFailure,
    hostNoun,
    limits: {
      laneMax: { urgent: config.sched.lane_max_urgent, high: config.sched.lane_max_high, medium: config.sched.lane_max_medium, low: config.sched.lane_max_low },
      preempt: config.sched.reserve_slot_for_high,
      coalesce: config.sched.coalesce,
    },
  });
  const deadlines: Record<Lane, number> = {
    urgent: config.sched.deadline_urgent_s * 1000,
    high: config.sched.deadline_high_s * 1000,
    medium: config.sched.deadline_medium_s * 1000,
    low: config.sched.deadline_low_s * 1000,
  };
  let closed = false;
  pool.start();
  void pool.checkAll();

  async function call(host: HostHandle<LlmBackend>, built: BuiltPrompt, signal: AbortSignal, progress: (p: Proposal[]) => void, onReply?: (r: string) => void): Promise<LlmOutcome> {
    const t0 = clock.now();
    const parser = createOutputParser();
    let ttftMs: number | undefined;
    let ttfaMs: number | undefined;
    let usage: LlmUsage | undefined;
    const req: LlmRequest = { model, messages: built.messages, format: built.format, options: built.options, keepAlive: built.keepAlive };
    const state = pool.hosts.find((h) => h.url === host.url);
    try {
      if (config.sched.streaming) {
        for await (const chunk of host.client.chatStream(req, signal)) {
          // Aborted (a stop, supersede, deadline): what was still buffered is never acted on.
          signal.throwIfAborted();
          if (state) pool.reportAlive(state);
          if (ttftMs === undefined && chunk.content) ttftMs = clock.now() - t0;
          if (chunk.usage) usage = chunk.usage;
          const acts = parser.push(chunk.content);
          if (acts) {
            ttfaMs = clock.now() - t0;
            progress(acts);
          }
          if (onReply) replyProgress(parser.replySoFar(), onReply);
        }
      } else {
        const r = await host.client.chat(req, signal);
        ttftMs = clock.now() - t0;
        usage = r.usage;
        parser.push(r.content);
        if (parser.actions()) ttfaMs = ttftMs;
      }
      let out: { actions: Proposal[]; reply: string };
      let replyBroken = false;
      try {
        out = parser.finish();
      } catch (err) {
        // The actions were complete (and may already be moving the robot): keep them, fix the reply.
        const acts = parser.actions();
        if (!acts) throw err;
        logger.warn('LLM reply broken after a complete action list; using a canned reply', { host: host.url, error: asClaudiaError(err).message });
        out = { actions: acts, reply: '' };
        replyBroken = true;
      }
      const llmMs = clock.now() - t0;
      if (state) pool.reportOk(state, true);
      telemetry?.emit({ type: 'llm_call', host: host.url, ok: true, ttftMs, ttfaMs, totalMs: llmMs });
      return { ...out, content: parser.text(), ttftMs, ttfaMs, llmMs, usage, replyBroken };
    } catch (err) {
      const e = asClaudiaError(signal.aborted ? signal.reason : err, 'E_LLM_UNAVAILABLE');
      telemetry?.emit({ type: 'llm_call', host: host.url, ok: false, ttftMs, ttfaMs, totalMs: clock.now() - t0, error: e.code });
      const acts = parser.actions();
      if (acts && !signal.aborted) {
        // The stream broke after a complete action list, which may already be moving the
        // robot: answer with those actions and a canned reply instead of losing track of them.
        if (isHostFailure(err) && state) pool.markDown(state, e.message);
        logger.warn('LLM stream broke after the action list; keeping the actions', { host: host.url, error: e.toField() });
        return { actions: acts, reply: '', content: parser.text(), ttftMs, ttfaMs, llmMs: clock.now() - t0, replyBroken: true };
      }
      throw signal.aborted ? e : err;
    }
  }

  /** Reports the streamed reply so far (the pipeline turns it into deltas); a listener that throws does not break the call. */
  function replyProgress(soFar: string, onReply: (r: string) => void): void {
    if (soFar.length === 0) return;
    try {
      onReply(soFar);
    } catch (err) {
      logger.warn('reply progress callback failed', { error: asClaudiaError(err).message });
    }
  }

  /** Canned reply in the right language when the model's reply is missing or in the wrong language. */
  function cannedReply(actions: Proposal[], lang: Exclude<Language, ''>): string {
    const parts = actions.map((a) => catalogue.byName(a.name)?.replies[lang]).filter((r): r is string => !!r);
    if (parts.length > 0) return parts.join(' ');
    return { ja: 'はい。', zh: '好的。', en: 'OK.' }[lang];
  }

  async function run(req: Request, built: BuiltPrompt, lane: Lane, opts: LlmDecideOptions) {
    if (closed) throw new ClaudiaError('E_ABORTED', 'the LLM path is shut down');
    const deadlineMs = Math.min(deadlines[lane], req.timeoutMs > 0 ? req.timeoutMs : Infinity);
    return scheduler.submit(
      {
        lane,
        coalesceKey: built.coalesceKey,
        sessionId: req.sessionId,
        supersedes: built.promptType === 'command',
        deadlineMs,
        run: (ctx) => call(ctx.host, built, ctx.signal, ctx.progress, opts.onReply),
      },
      { signal: opts.signal, onProgress: opts.onActions },
    );
  }

  /** No host can serve: named as the backend names its hosts, with the first host's reason (what to do). */
  const noneReachable = () => `no ${hostNoun} can serve (${pool.hosts.map((h) => h.url).join(', ')}): ${pool.hosts[0]?.lastError || 'unreachable'}`;

  const ollamaStatus: StatusSource = {
    component: 'ollama',
    status(): ComponentStatus {
      const up = pool.hosts.filter((h) => h.health === 'up').length;
      const usable = pool.hosts.filter((h) => h.health !== 'down').length;
      const loadedSomewhere = pool.hosts.some((h) => h.modelLoaded === true);
      const known = pool.hosts.some((h) => h.modelLoaded !== undefined);
      const evicted = !loadedSomewhere && pool.hosts.some((h) => h.everLoaded);
      const modelState = loadedSomewhere ? 'loaded' : !known ? 'unknown' : evicted ? 'evicted' : 'cold';
      const values: Record<string, string | number | boolean> = { backend: factory.kind, model, hosts_total: pool.hosts.length, hosts_up: up, model_state: modelState, num_ctx: runner.num_ctx };
      pool.hosts.forEach((h, i) => {
        values[`host_${i}`] = `${h.url} ${h.health}${h.lastError ? ` (${h.lastError})` : ''}`;
      });
      if (closed) return { level: 'stale', message: 'shut down', values };
      // The reason of the first host says what to do (e.g. "run `ollama pull qwen2.5:7b` there").
      if (usable === 0) return { level: 'error', message: noneReachable(), values };
      if (usable < pool.hosts.length) return { level: 'warn', message: `${pool.hosts.length - usable} of ${pool.hosts.length} ${hostNoun}s down`, values };
      if (modelState === 'cold' || modelState === 'evicted')
        return { level: 'warn', message: `model ${model} is ${modelState === 'cold' ? 'not loaded yet (cold)' : 'evicted'}: the next call pays the load time`, values };
      return { level: 'ok', message: `${up} host(s) up, model ${modelState}`, values };
    },
  };
  const schedulerStatus: StatusSource = { component: 'scheduler', status: () => scheduler.status() };

  return {
    async decide(req, opts) {
      const built = builder.build(req);
      const lane = laneFor(req.priority, built.promptType);
      const res = await run(req, built, lane, opts);
      const out = res.value;
      let reply = out.reply;
      let fixed = out.replyBroken;
      if (!reply || !replyFitsLanguage(reply, built.language)) {
        if (reply) logger.warn('LLM reply in the wrong language; using a canned reply', { request_id: req.id, language: built.language, reply: excerpt(reply) });
        reply = cannedReply(out.actions, built.language);
        fixed = true;
      }
      if (req.sessionId && config.prompt.session_memory_turns > 0 && built.promptType !== 'emergency') {
        sessions.remember(req.sessionId, { user: built.messages[built.messages.length - 1]?.content ?? '', assistant: out.content });
      }
      // Emergencies depend on the situation, not the words: never served from a cache.
      const cacheable = built.promptType !== 'emergency' && !built.usedSession && !fixed && !built.truncated && !TIME_OR_STATE.test(req.analysed.normalised || req.analysed.raw);
      const decision: Decision = {
        actions: out.actions,
        reply,
        language: built.language,
        source: 'llm',
        cacheable,
        detail: {
          promptType: built.promptType,
          host: res.host,
          queueMs: res.queueMs,
          ttftMs: out.ttftMs,
          ttfaMs: out.ttfaMs,
          llmMs: out.llmMs,
          coalesced: res.coalesced,
          usedSession: built.usedSession,
        },
      };
      return decision;
    },
    async emergencyReply(req, opts) {
      const built = builder.build({ ...req, promptType: 'emergency' });
      const res = await run(req, built, 'urgent', { signal: opts.signal });
      const reply = res.value.reply;
      return reply && replyFitsLanguage(reply, built.language) ? reply : '';
    },
    available: () => !closed && pool.anyUsable(),
    unavailableReason: noneReachable,
    async warmup() {
      // Same runner options as every inference call: a different num_ctx would reload the model later.
      await Promise.allSettled(
        pool.hosts.map(async (h) => {
          const ctl = new AbortController();
          const t = clock.setTimeout(() => ctl.abort(new ClaudiaError('E_LLM_TIMEOUT', 'warm-up took over 120 s')), 120_000);
          const t0 = clock.now();
          try {
            await h.client.warmup({ model, options: runner, keepAlive: config.ollama.keep_alive }, ctl.signal);
            pool.reportOk(h, true);
            logger.info('LLM model warmed up', { host: h.url, model, ms: Math.round(clock.now() - t0), ...runner });
          } catch (err) {
            const e = asClaudiaError(err);
            if (isHostFailure(err)) pool.markDown(h, e.message);
            // Unreachable: the pool says so (and run said it at start); a host that answered and failed the warm-up is a warning.
            (isHostFailure(err) ? logger.info : logger.warn).call(logger, 'LLM warm-up failed', { host: h.url, error: e.toField() });
          } finally {
            clock.clearTimeout(t);
          }
        }),
      );
    },
    statusSources: () => [ollamaStatus, schedulerStatus],
    inspect: () => ({
      sched: scheduler.stats(),
      depth: scheduler.depth(),
      hosts: pool.hosts.map((h) => ({ url: h.url, health: h.health, running: h.running, modelLoaded: h.modelLoaded })),
    }),
    async close() {
      if (closed) return;
      closed = true;
      pool.close();
      await scheduler.close();
      await Promise.allSettled(pool.hosts.map((h) => h.client.close()));
    },
  };
}
