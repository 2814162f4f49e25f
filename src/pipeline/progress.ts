import type { Logger } from '../util/logger';
import { STAGES, type AnswerRecord, type CompiledAction, type DecisionOutcome, type PipelineEvent, type Stage } from './types';

/** What the pipeline reports progress through, one per request. */
export interface Progress {
  /** Announces `stage` (and every earlier stage not yet announced), once each. */
  stage(stage: 'deciding' | 'decided', actions?: CompiledAction[]): void;
  /** The decision is complete and the plan is with the executor. */
  executing(actions: CompiledAction[], outcome: DecisionOutcome): void;
  /** The reply as known now (streamed so far, or whole); emits the delta, or a replacement. */
  reply(text: string): void;
  /** The final record: the remaining stages, then `done`. */
  done(record: AnswerRecord): void;
  /** The reply reported so far. */
  readonly replyText: string;
}

/**
 * Turns the pipeline's steps into the ordered event stream of `HandleOptions.onEvent`. A
 * listener that throws is logged once and ignored: progress never breaks the request.
 */
export function createProgress(ids: { requestId: string; utteranceId: string }, onEvent: ((e: PipelineEvent) => void) | undefined, logger: Logger): Progress {
  /** Index into STAGES of the next stage to announce. */
  let next = 0;
  let reply = '';
  let actions: CompiledAction[] = [];
  let outcome: DecisionOutcome | undefined;
  let warned = false;
  const emit = (e: PipelineEvent) => {
    if (!onEvent) return;
    try {
      onEvent(e);
    } catch (err) {
      if (!warned) logger.warn('a progress listener threw; its events are still sent, the request goes on', { request_id: ids.requestId, error: err instanceof Error ? err.message : String(err) });
      warned = true;
    }
  };
  const base = () => ({ ...ids, actions: actions.map((a) => ({ ...a })), reply });
  /** Emits every stage before `stage` that has not been announced yet. */
  const catchUp = (stage: Stage) => {
    const target = STAGES.indexOf(stage);
    while (next < target) announce(STAGES[next] as Exclude<Stage, 'done'>);
  };
  const announce = (stage: Exclude<Stage, 'done'>) => {
    next = STAGES.indexOf(stage) + 1;
    if (stage === 'executing') emit({ type: 'stage', stage, ...base(), ...(outcome ?? { source: 'fallback', language: '', error: '' }) });
    else emit({ type: 'stage', stage, ...base() });
  };
  const setReply = (text: string) => {
    if (text === reply || next >= STAGES.length) return;
    const grows = text.startsWith(reply);
    const delta = grows ? text.slice(reply.length) : text;
    reply = text;
    emit({ type: 'reply', ...base(), delta, replaced: !grows });
  };
  return {
    stage(stage, current) {
      if (current) actions = current;
      if (STAGES.indexOf(stage) < next) return;
      catchUp(stage);
      announce(stage);
    },
    executing(current, o) {
      actions = current;
      outcome = o;
      if (STAGES.indexOf('executing') < next) return;
      catchUp('executing');
      announce('executing');
    },
    reply: setReply,
    done(record) {
      if (next >= STAGES.length) return;
      actions = record.actions;
      outcome = { source: record.source, language: record.language, error: record.error };
      setReply(record.reply);
      catchUp('done');
      next = STAGES.length;
      emit({ type: 'stage', stage: 'done', ...base(), ...outcome, record });
    },
    get replyText() {
      return reply;
    },
  };
}
