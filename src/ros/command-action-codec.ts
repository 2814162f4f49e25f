import type { AnswerRecord, PipelineEvent, QueryInput } from '../pipeline/types';
import { BadInputError } from '../util/errors';
import { actionsToMsg, errorResponse, responseFromRecord } from './llm-query-codec';
import type { CommandFeedbackMsg, CommandGoalMsg, CommandResultMsg } from './messages';
import type { GoalEnd } from './types';

/** A Command goal (as any transport delivers it, possibly malformed) as pipeline input. */
export function queryInputFromGoal(goal: unknown): QueryInput {
  if (typeof goal !== 'object' || goal === null) throw new BadInputError('Command goal must be a message object');
  const g = goal as Partial<Record<keyof CommandGoalMsg, unknown>>;
  const str = (k: keyof CommandGoalMsg): string => {
    const v = g[k];
    if (v === undefined || v === null) return '';
    if (typeof v !== 'string') throw new BadInputError(`Command goal field '${k}' must be a string`);
    return v;
  };
  const num = (k: keyof CommandGoalMsg, dflt: number): number => {
    const v = g[k];
    if (v === undefined || v === null) return dflt;
    if (typeof v !== 'number' || Number.isNaN(v)) throw new BadInputError(`Command goal field '${k}' must be a number`);
    return v;
  };
  if (g.dry_run !== undefined && typeof g.dry_run !== 'boolean') throw new BadInputError("Command goal field 'dry_run' must be a bool");
  const utteranceId = str('utterance_id');
  return {
    text: str('text'),
    language: str('language'),
    promptType: str('prompt_type'),
    sessionId: str('session_id'),
    ...(utteranceId ? { utteranceId } : {}),
    // Unscored unless the caller says otherwise (a CLI goal has no ASR behind it); NaN is unscored too.
    confidence: typeof g.confidence === 'number' && Number.isNaN(g.confidence) ? -1 : num('confidence', -1),
    priority: num('priority', 0),
    dryRun: g.dry_run === true,
    timeoutS: num('timeout_s', 0),
    origin: 'action',
  };
}

export function resultFromRecord(rec: AnswerRecord): CommandResultMsg {
  return { ...responseFromRecord(rec), first_effect_ms: rec.firstEffectMs };
}

/** Feedback for a stage event, or for a reply event (the stage stays the last one announced). */
export function feedbackFromEvent(e: PipelineEvent, stage: string): CommandFeedbackMsg {
  return { stage: e.type === 'stage' ? e.stage : stage, reply: e.reply, actions: actionsToMsg(e) };
}

/**
 * The goal's final status (the contract in docs/design.md): SUCCEEDED whenever the plan ran
 * to its end, dry runs, blocked actions and `unknown` robot answers included; CANCELED when
 * the client's cancel ended it; ABORTED when a stop word, a newer command or an internal
 * error ended it.
 */
export function goalEndOf(rec: AnswerRecord, cancelRequested: boolean): GoalEnd {
  if (rec.error.startsWith('E_CANCELED')) return cancelRequested ? 'canceled' : 'aborted';
  const cut = rec.actions.some((a) => a.verdict === 'dropped:superseded_by_stop' || a.verdict === 'dropped:superseded' || a.verdict === 'dropped:shutdown');
  if (cut || rec.supersededBy) return 'aborted';
  if (/^E_(INTERNAL|ABORTED|TRANSPORT)\b/.test(rec.error)) return 'aborted';
  return 'succeeded';
}

/** The result for a goal that could not even be read. */
export function errorResult(error: string): CommandResultMsg {
  return { ...errorResponse(error), first_effect_ms: 0 };
}
