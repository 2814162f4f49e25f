import type { Logger } from '../util/logger';
import { STAGES, type AnswerRecord, type CompiledAction, type PipelineEvent, type Stage } from './types';

/** What the pipeline reports progress through, one per request. */
export interface Progress {
  /** Announces `stage` (and every earlier stage not yet announced), once each. */
  stage(stage: Exclude<Stage, 'done'>, actions?: CompiledAction[]): void;
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
  let next = 0;
  let reply = '';
  let actions: CompiledAction[] = [];
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
  const upTo = (stage: Stage) => {
    const target = STAGES.indexOf(stage);
    while (next < target) {
      const s = STAGES[next++] as Exclude<Stage, 'done'>;
      emit({ type: 'stage', stage: s, ...base() });
    }
  };
  return {
    stage(stage, current) {
      if (current) actions = current;
      if (STAGES.indexOf(stage) < next) return;
      upTo(stage);
      next = STAGES.indexOf(stage) + 1;
      emit({ type: 'stage', stage, ...base() });
    },
    reply(text) {
      if (text === reply || next > STAGES.indexOf('executing') + 1) return;
      const grows = text.startsWith(reply);
      const delta = grows ? text.slice(reply.length) : text;
      reply = text;
      emit({ type: 'reply', ...base(), delta, replaced: !grows });
    },
    done(record) {
      if (next >= STAGES.length) return;
      actions = record.actions;
      this.reply(record.reply);
      upTo('done');
      next = STAGES.length;
      emit({ type: 'stage', stage: 'done', ...base(), record });
    },
    get replyText() {
      return reply;
    },
  };
}
