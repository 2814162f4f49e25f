import type { Config } from '../config/types';
import { toTraditional } from '../lang/chinese-script';
import type { Phrasebook } from '../lang/phrasebook';
import { analyse } from '../lang/detect-language';
import type { Analysed, Language } from '../lang/types';
import type { ActionCatalogue } from '../robot/catalogue';
import { anySignal } from '../util/any-signal';
import type { Clock } from '../util/clock';
import { ClaudiaError, asClaudiaError } from '../util/errors';
import { newRequestId } from '../util/ids';
import { excerpt, jsonReplacer, type Logger } from '../util/logger';
import type { Telemetry } from '../util/telemetry';
import { refusesAny, replyForPlan } from './blocked-reply';
import { badInputReply, dangerReply, fallbackReply } from './fallback-replies';
import { checkInput } from './input-guard';
import type { DecisionCache, EmergencyReflex, ExecReport, LlmDecider, MotionExecutor, ReflexGrammar, SafetyCompiler, StopEpoch, StopHit } from './stages';
import { createProgress, type Progress } from './progress';
import type { AnswerRecord, CompiledAction, Decision, HandleOptions, Origin, Plan, Proposal, QueryInput, Request } from './types';
import { createUtteranceGate } from './utterance-gate';
import { normaliseText } from '../lang/normalise';

export interface PipelineDeps {
  config: Readonly<Config>;
  catalogue: ActionCatalogue;
  clock: Clock;
  logger: Logger;
  telemetry: Telemetry;
  epoch: StopEpoch;
  emergency: EmergencyReflex;
  grammar?: ReflexGrammar;
  cache?: DecisionCache;
  llm?: LlmDecider;
  safety: SafetyCompiler;
  executor: MotionExecutor;
  /** The phrasebook (wake words, fillers) the front end uses; the shipped one when absent. */
  phrases?: Phrasebook;
}

export interface Pipeline {
  /**
   * One final utterance through every stage. Never rejects: errors become the answer's `error`.
   * `opts.onEvent` hears the stages and reply deltas; `opts.signal` cancels (E_CANCELED).
   */
  handle(input: QueryInput, opts?: HandleOptions): Promise<AnswerRecord>;
  /** A partial ASR result: only the emergency reflex sees it. Returns the stop's record when it fired. */
  partial(input: QueryInput): AnswerRecord | undefined;
  /**
   * An explicit stop (HTTP `POST /v1/stop`, the console's `:stop` and Ctrl-C): StopMove now,
   * exactly like a stop word, never queued, rate-limited or de-duplicated.
   */
  stop(input: { origin: Origin; text: string }): AnswerRecord;
  close(): Promise<void>;
}

const EMPTY_REPORT: ExecReport = { publishedApiIds: [], robotCodes: [] };

/** A compiled plan and its run (already started) in the executor. */
interface Execution {
  plan: Plan;
  report: Promise<ExecReport>;
}

function canceledError(): ClaudiaError {
  return new ClaudiaError('E_CANCELED', 'canceled by the caller');
}

function stoppedError(why: string): ClaudiaError {
  return new ClaudiaError('E_ABORTED', `the LLM call was aborted by an emergency stop (${why}); nothing of its answer runs`);
}

export function createPipeline(deps: PipelineDeps): Pipeline {
  const { config, clock, telemetry, logger } = deps;
  const maxChars = config.language.max_input_chars;
  const dflt = config.language.default;
  const gate = createUtteranceGate<AnswerRecord>({
    clock,
    windowMs: config.node.utterance_window_s * 1000,
    maxBytes: config.node.utterance_memory_bytes,
    crossTopicWindowMs: config.node.cross_topic_window_ms,
    // Text over the length limit is refused anyway: it gets no cross-topic key (normalising megabytes would delay everything behind it).
    normalise: (text) => (text.length > maxChars ? '' : normaliseText(text)),
    sizeOf: (rec) => JSON.stringify(rec, jsonReplacer).length * 2,
  });
  /** Every LLM call in flight, with the stop epoch its request arrived in (a stop aborts the older ones). */
  const inflight = new Map<AbortController, number>();
  const longestDeadlineMs = Math.max(config.sched.deadline_urgent_s, config.sched.deadline_high_s, config.sched.deadline_medium_s, config.sched.deadline_low_s) * 1000;
  let arrivals = 0;
  let closed = false;

  /** What a stop put on the wire: StopMove, unless the executor could not publish it. */
  function stopReport(published: boolean, at: number): ExecReport {
    return published ? { publishedApiIds: [stopAction().api_id], robotCodes: [], firstPublishAt: at } : EMPTY_REPORT;
  }

  /**
   * L0 on the raw text, all of it however long (the reflex is linear): bump the epoch, stop the
   * body, before the length guard or anything else may refuse the text.
   */
  function tryStop(rawText: unknown, t0: number): (StopHit & { report: ExecReport }) | undefined {
    if (typeof rawText !== 'string' || rawText.length === 0) return undefined;
    const hit = deps.emergency.match(rawText);
    if (!hit) return undefined;
    abortBeforeStop(deps.epoch.bump(), `stop word '${hit.word}'`);
    const published = deps.executor.emergencyStop(`reflex:${hit.word}`);
    const at = clock.now();
    telemetry.emit({ type: 'stop', word: hit.word, latencyMs: at - t0 });
    return { ...hit, report: stopReport(published, at) };
  }

  /**
   * A stop ends every LLM call of a request accepted before it (through the scheduler's
   * cancel path, so the call is aborted and its slot freed): whatever it would answer is
   * dropped anyway. Calls accepted since (the stop's own emergency reply) go on.
   */
  function abortBeforeStop(epoch: number, why: string): void {
    for (const [ctl, reqEpoch] of inflight) if (reqEpoch < epoch) ctl.abort(stoppedError(why));
  }

  function stopAction(): CompiledAction {
    const stop = deps.catalogue.byName('stop');
    return { name: 'stop', api_id: stop?.apiId ?? 1003, parameter: '{}', verdict: 'ok' };
  }

  function record(base: {
    id: string;
    input: QueryInput;
    t0: number;
    language: Language;
    reply: string;
    actions: CompiledAction[];
    source: AnswerRecord['source'];
    error?: ClaudiaError;
    promptType?: AnswerRecord['promptType'];
    proposals?: Proposal[];
    report?: ExecReport;
    detail?: Decision['detail'];
    firstEffectAt?: number;
  }): AnswerRecord {
    const end = clock.now();
    const report = base.report ?? EMPTY_REPORT;
    const firstEffect = base.firstEffectAt ?? report.firstPublishAt ?? end;
    const by = report.supersededBy;
    // A superseded plan did not run to its end: the error says by which request (the response topic has no other field for it).
    const error = base.error ?? (by ? new ClaudiaError('E_SUPERSEDED', `superseded by request ${by.requestId}${by.utteranceId ? ` (utterance ${by.utteranceId})` : ''}`) : undefined);
    const rec: AnswerRecord = {
      requestId: base.id,
      utteranceId: base.input.utteranceId ?? '',
      // Over-long text was refused: the record keeps what the limit allows, not megabytes.
      text: typeof base.input.text === 'string' ? base.input.text.slice(0, maxChars) : '',
      success: !error,
      reply: base.reply,
      language: base.language,
      actions: base.actions,
      source: base.source,
      latencyMs: end - base.t0,
      error: error ? error.toField() : '',
      at: end,
      wallMs: Number(clock.wallNs() / 1_000_000n),
      origin: base.input.origin,
      promptType: base.promptType ?? '',
      proposals: base.proposals ?? [],
      publishedApiIds: report.publishedApiIds,
      robotCodes: report.robotCodes,
      detail: base.detail ?? {},
      firstEffectMs: Math.max(0, firstEffect - base.t0),
      dryRun: base.input.dryRun === true,
      ...(by ? { supersededBy: by } : {}),
      ...(report.superseded?.length ? { superseded: report.superseded } : {}),
      ...(report.alreadyRunning ? { alreadyRunning: report.alreadyRunning } : {}),
    };
    telemetry.emit({ type: 'answer', record: rec });
    return rec;
  }

  async function run(input: QueryInput, id: string, progress: Progress, cancel: AbortSignal | undefined, l0: { t0: number; hit: (StopHit & { report: ExecReport }) | undefined; epoch: number }): Promise<AnswerRecord> {
    const { t0, hit } = l0;
    const epochAtArrival = l0.epoch;
    // After a stop, let the transport deliver StopMove before the rest of the answer is built.
    if (hit) await Promise.resolve();

    let checked;
    try {
      checked = checkInput(input, maxChars);
    } catch (err) {
      const e = asClaudiaError(err, 'E_BAD_INPUT');
      const lang = typeof input.language === 'string' && ['ja', 'zh', 'en'].includes(input.language) ? (input.language as Language) : '';
      logger.warn('refused input', { request_id: id, origin: input.origin, error: e.toField() });
      return record({
        id, input, t0, language: lang, reply: hit ? deps.catalogue.byName('stop')?.replies[lang || dflt] ?? '' : badInputReply(lang, dflt),
        actions: hit ? [stopAction()] : [], source: hit ? 'reflex' : 'fallback', error: e, report: hit?.report,
      });
    }

    const analysed = analyse(checked.text, checked.language, maxChars, deps.phrases);
    const lang = analysed.language;
    if (hit) return answerStop(id, input, t0, hit, analysed);
    // Showrooms (language.require_wake_word): speech not addressed to the robot moves nothing and is
    // not answered. Stops never need the wake word: L0 has already run.
    if (config.language.require_wake_word && !analysed.wake) {
      return record({ id, input, t0, language: lang, reply: '', actions: [], source: 'fallback', detail: { ignored: 'no_wake_word' } });
    }

    const req: Request = {
      id,
      utteranceId: input.utteranceId ?? '',
      origin: input.origin,
      analysed,
      confidence: checked.confidence,
      promptType: checked.promptType,
      sessionId: input.sessionId ?? '',
      priority: checked.priority,
      dryRun: input.dryRun === true,
      // An operator's timeout_s never outlasts the longest lane deadline (and never overflows a timer).
      timeoutMs: Math.min(checked.timeoutMs ?? config.ollama.request_timeout_s * 1000, longestDeadlineMs),
      receivedAt: t0,
      epoch: epochAtArrival,
      arrivalSeq: ++arrivals,
    };
    const canceled = () => (cancel?.aborted ? canceledError() : undefined);
    const early0 = canceled();
    if (early0) return record({ id, input, t0, language: lang, reply: '', actions: [], source: 'fallback', error: early0, promptType: req.promptType });
    progress.stage('deciding');

    let decision = deps.grammar?.match(analysed);
    if (!decision && deps.cache && config.cache.enabled) {
      try {
        const found = await deps.cache.lookup(req);
        decision = found.decision;
      } catch (err) {
        logger.warn('cache lookup failed; going on without it', { request_id: id, error: asClaudiaError(err).toField() });
      }
    }
    const afterLookup = canceled();
    if (afterLookup) return record({ id, input, t0, language: lang, reply: '', actions: [], source: 'fallback', error: afterLookup, promptType: req.promptType });

    let early: Execution | undefined;
    let earlyProposals: Proposal[] | undefined;
    const act = (proposals: Proposal[]): Execution => {
      const plan = deps.safety.compile(proposals, req);
      progress.stage('decided', plan.actions);
      const report = req.dryRun || plan.steps.length === 0 ? Promise.resolve(EMPTY_REPORT) : deps.executor.execute(plan, req, { signal: cancel });
      return { plan, report };
    };

    if (!decision) {
      const outcome = await askLlm(
        req,
        (proposals) => {
          if (early) return; // one decision, one execution
          earlyProposals = proposals;
          early = act(proposals);
        },
        // The LLM's words are not streamed for a plan that refuses an action: they would announce it.
        (soFar) => {
          if (!early || !refusesAny(early.plan.actions)) progress.reply(soFar);
        },
        cancel,
      );
      if (outcome instanceof ClaudiaError) {
        // Actions that streamed before the failure may already be moving the robot: the record says what ran.
        const ran = early ? { plan: early.plan, report: await early.report } : undefined;
        const stopped = outcome.code === 'E_ABORTED' && deps.epoch.current() > req.epoch;
        // A dry run publishes nothing, so the executor marks nothing: what the stop cut off is said here.
        if (stopped && ran && req.dryRun) for (const a of ran.plan.actions) if (a.verdict === 'ok' || a.verdict === 'inserted') a.verdict = 'dropped:superseded_by_stop';
        const reply =
          outcome.code === 'E_CANCELED' ? progress.replyText
          // The stop is the last word on this request, whatever else its plan refused.
          : stopped ? deps.catalogue.blockedReply('superseded_by_stop', lang || dflt)
          : fallbackReply(lang, dflt);
        return record({
          id, input, t0, language: lang, reply, actions: ran?.plan.actions ?? [], source: ran ? 'llm' : 'fallback', error: outcome, promptType: req.promptType,
          proposals: earlyProposals, report: ran?.report, firstEffectAt: ran?.report.firstPublishAt,
        });
      }
      decision = outcome;
    }

    if (earlyProposals && JSON.stringify(earlyProposals) !== JSON.stringify(decision.actions)) {
      logger.warn('final actions differ from the streamed ones; the streamed ones were executed', { request_id: id });
    }
    // Coalesced requests share one LLM call and one execution: the leader moves the robot.
    const exec = early ?? (decision.detail?.coalesced ? reportOnly(decision.actions, req, 'coalesced') : act(decision.actions));
    const plan = exec.plan;
    const replyLang = decision.language || lang;
    const planned = replyForPlan(decision.reply, plan.actions, deps.catalogue, replyLang || dflt);
    // The reply in the script the user wrote: traditional Chinese in, traditional out.
    const reply = analysed.script === 'traditional' && replyLang === 'zh' ? toTraditional(planned) : planned;
    progress.reply(reply);
    progress.executing(plan.actions, { source: decision.source, language: replyLang, error: '' });
    const report = await exec.report;
    const cut = canceled();
    const blocked = plan.actions.some((a) => a.verdict.startsWith('blocked:'));
    if (!cut && decision.source === 'llm' && decision.cacheable && !blocked && deps.cache && config.cache.enabled) {
      deps.cache.store(req, decision).catch((err) => logger.warn('cache store failed', { request_id: id, error: asClaudiaError(err).toField() }));
    }
    return record({
      id, input, t0, language: replyLang, reply, actions: plan.actions, source: decision.source, error: cut,
      promptType: decision.detail?.promptType ?? req.promptType, proposals: earlyProposals ?? decision.actions, report, detail: decision.detail,
      firstEffectAt: report.firstPublishAt,
    });
  }

  /** Compiles for the verdicts, executes nothing: every action that would have run is reported dropped. */
  function reportOnly(proposals: Proposal[], req: Request, reason: string): Execution {
    const compiled = deps.safety.compile(proposals, req);
    for (const a of compiled.actions) if (a.verdict === 'ok' || a.verdict === 'inserted') a.verdict = `dropped:${reason}`;
    const plan = { steps: [], actions: compiled.actions };
    return { plan, report: Promise.resolve(EMPTY_REPORT) };
  }

  async function askLlm(req: Request, onActions: (p: Proposal[]) => void, onReply: (soFar: string) => void, cancel: AbortSignal | undefined): Promise<Decision | ClaudiaError> {
    const llm = deps.llm;
    if (!llm || !config.ollama.enabled) return new ClaudiaError('E_LLM_UNAVAILABLE', 'no LLM is configured (reflex-only mode); set ollama.enabled and ollama.hosts');
    if (!llm.available()) return new ClaudiaError('E_LLM_UNAVAILABLE', `${llm.unavailableReason?.() ?? 'the LLM is unreachable'}; answering from reflexes and cache only`);
    // Accepted before a stop that has already happened: the call would be aborted at once.
    if (deps.epoch.current() > req.epoch) return stoppedError('before the LLM was asked');
    const ctl = new AbortController();
    inflight.set(ctl, req.epoch);
    const timer = clock.setTimeout(() => ctl.abort(new ClaudiaError('E_LLM_TIMEOUT', `no answer within ${req.timeoutMs} ms (timeout_s / ollama.request_timeout_s)`)), req.timeoutMs);
    const onCancel = () => ctl.abort(canceledError());
    cancel?.addEventListener('abort', onCancel, { once: true });
    try {
      return await llm.decide(req, { signal: ctl.signal, onActions, onReply });
    } catch (err) {
      const reason: unknown = ctl.signal.aborted ? ctl.signal.reason : err;
      const e = asClaudiaError(reason, 'E_LLM_UNAVAILABLE');
      if (deps.epoch.current() > req.epoch && e.code === 'E_ABORTED') {
        logger.info('LLM call aborted by an emergency stop', { request_id: req.id, error: e.toField() });
        return e;
      }
      logger.warn('LLM path failed; answering with the fallback reply', { request_id: req.id, text: excerpt(req.analysed.raw), error: e.toField() });
      return e;
    } finally {
      clock.clearTimeout(timer);
      cancel?.removeEventListener('abort', onCancel);
      inflight.delete(ctl);
    }
  }

  async function answerStop(id: string, input: QueryInput, t0: number, hit: StopHit & { report: ExecReport }, analysed: Analysed): Promise<AnswerRecord> {
    const lang = analysed.language;
    const stopAt = hit.report.firstPublishAt ?? clock.now();
    let reply = deps.catalogue.byName('stop')?.replies[lang || dflt] ?? '';
    let detail: Decision['detail'] = {};
    if (hit.kind === 'danger') {
      reply = dangerReply(lang, dflt);
      const llm = deps.llm;
      if (llm?.emergencyReply && llm.available() && config.ollama.enabled) {
        const ctl = new AbortController();
        const timer = clock.setTimeout(() => ctl.abort(new ClaudiaError('E_LLM_TIMEOUT', 'emergency reply took too long')), config.sched.deadline_urgent_s * 1000);
        try {
          const req = { id, utteranceId: input.utteranceId ?? '', origin: input.origin, analysed, confidence: input.confidence ?? -1, promptType: 'emergency' as const, sessionId: input.sessionId ?? '', priority: 1 as const, dryRun: input.dryRun === true, timeoutMs: config.sched.deadline_urgent_s * 1000, receivedAt: t0, epoch: deps.epoch.current() };
          reply = (await llm.emergencyReply(req, { signal: anySignal([ctl.signal]) })) || reply;
          detail = { promptType: 'emergency' };
        } catch (err) {
          logger.warn('emergency reply from the LLM failed; using the canned one', { request_id: id, error: asClaudiaError(err).toField() });
        } finally {
          clock.clearTimeout(timer);
        }
      }
    }
    return record({ id, input, t0, language: lang, reply, actions: [stopAction()], source: 'reflex', detail, firstEffectAt: stopAt, promptType: hit.kind === 'danger' ? 'emergency' : '', report: hit.report });
  }

  /** A partial ASR result, or a request an adapter refused before the pipeline (HTTP): only the emergency reflex sees it. */
  function partialStop(input: QueryInput): AnswerRecord | undefined {
    const t0 = clock.now();
    return stopRecord(input, t0, tryStop(input.text, t0));
  }

  /** The record of a stop L0 fired on outside run(): a partial or refused input, or a repeated utterance id. */
  function stopRecord(input: QueryInput, t0: number, hit: (StopHit & { report: ExecReport }) | undefined): AnswerRecord | undefined {
    if (!hit) return undefined;
    const analysed = analyse(String(input.text), typeof input.language === 'string' && ['ja', 'zh', 'en'].includes(input.language) ? input.language : '', maxChars, deps.phrases);
    return record({ id: newRequestId(), input, t0, language: analysed.language, reply: deps.catalogue.byName('stop')?.replies[analysed.language || dflt] ?? '', actions: [stopAction()], source: 'reflex', report: hit.report });
  }

  return {
    async handle(input: QueryInput, opts: HandleOptions = {}): Promise<AnswerRecord> {
      if (closed) return closedRecord(input);
      const id = newRequestId();
      const progress = createProgress({ requestId: id, utteranceId: input.utteranceId ?? '' }, opts.onEvent, logger);
      let ran = false;
      // L0 first, on the whole text, before de-duplication or any other refusal: a repeat still stops.
      const t0 = clock.now();
      const epoch = deps.epoch.current();
      const hit = tryStop(input.text, t0);
      if (hit && gate.has(input)) {
        const stopped = stopRecord(input, t0, hit) as AnswerRecord;
        progress.done(stopped);
        return stopped;
      }
      // The same utterance on both speech topics executes once: the second caller gets the first answer.
      const rec = await gate.once(input, () => {
        ran = true;
        return run(input, id, progress, opts.signal, { t0, hit, epoch }).catch((err) => {
          const e = asClaudiaError(err);
          logger.error('pipeline failed unexpectedly', { error: e.toField(), stack: err instanceof Error ? err.stack : undefined });
          telemetry.emit({ type: 'error', component: 'pipeline', code: e.code, message: e.message });
          return record({ id, input, t0: clock.now(), language: '', reply: fallbackReply('', dflt), actions: [], source: 'fallback', error: e });
        });
      });
      // A caller that got another run's answer hears its stages at once, under that run's request id.
      (ran ? progress : createProgress({ requestId: rec.requestId, utteranceId: rec.utteranceId }, opts.onEvent, logger)).done(rec);
      return rec;
    },
    partial: (input: QueryInput): AnswerRecord | undefined => partialStop(input),
    stop(input: { origin: Origin; text: string }): AnswerRecord {
      const t0 = clock.now();
      abortBeforeStop(deps.epoch.bump(), `explicit stop (${input.origin})`);
      const published = deps.executor.emergencyStop(`${input.origin}:stop`);
      const at = clock.now();
      telemetry.emit({ type: 'stop', word: 'explicit', latencyMs: at - t0 });
      return record({ id: newRequestId(), input, t0, language: '', reply: deps.catalogue.byName('stop')?.replies[dflt] ?? '', actions: [stopAction()], source: 'reflex', report: stopReport(published, at) });
    },
    async close() {
      closed = true;
      for (const ctl of inflight.keys()) ctl.abort(new ClaudiaError('E_ABORTED', 'the node is shutting down'));
    },
  };

  function closedRecord(input: QueryInput): AnswerRecord {
    return record({ id: newRequestId(), input, t0: clock.now(), language: '', reply: '', actions: [], source: 'fallback', error: new ClaudiaError('E_ABORTED', 'the node is shutting down') });
  }
}

export type { Origin };
