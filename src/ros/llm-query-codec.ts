import type { AnswerRecord, QueryInput } from '../pipeline/types';
import { BadInputError } from '../util/errors';
import type { LlmQueryRequestMsg, LlmQueryResponseMsg, LlmResponseMsg, RobotActionMsg, TimeMsg } from './messages';

/**
 * Maps LlmQuery requests (as any transport delivers them, possibly malformed) to pipeline
 * input, and answers back to messages. A missing or mistyped field is a clear error,
 * never a crash.
 */
export function queryInputFromRequest(req: unknown): QueryInput {
  if (typeof req !== 'object' || req === null) throw new BadInputError('LlmQuery request must be a message object');
  const r = req as Partial<Record<keyof LlmQueryRequestMsg, unknown>>;
  const str = (k: keyof LlmQueryRequestMsg, required = false): string => {
    const v = r[k];
    if (v === undefined || v === null) {
      if (required) throw new BadInputError(`LlmQuery request field '${k}' is missing`);
      return '';
    }
    if (typeof v !== 'string') throw new BadInputError(`LlmQuery request field '${k}' must be a string`);
    return v;
  };
  const num = (k: keyof LlmQueryRequestMsg): number => {
    const v = r[k];
    if (v === undefined || v === null) return 0;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new BadInputError(`LlmQuery request field '${k}' must be a number`);
    return v;
  };
  const dry = r.dry_run;
  if (dry !== undefined && typeof dry !== 'boolean') throw new BadInputError("LlmQuery request field 'dry_run' must be a bool");
  return {
    text: str('text', true),
    language: str('language'),
    promptType: str('prompt_type'),
    sessionId: str('session_id'),
    priority: num('priority'),
    dryRun: dry === true,
    timeoutS: num('timeout_s'),
    origin: 'service',
  };
}

export function actionsToMsg(rec: Pick<AnswerRecord, 'actions'>): RobotActionMsg[] {
  return rec.actions.map((a) => ({ name: a.name, api_id: BigInt(a.api_id), parameter: a.parameter, verdict: a.verdict }));
}

export function responseFromRecord(rec: AnswerRecord): LlmQueryResponseMsg {
  return {
    success: rec.success,
    reply: rec.reply,
    language: rec.language,
    actions: actionsToMsg(rec),
    source: rec.source,
    latency_ms: rec.latencyMs,
    error: rec.error,
  };
}

export function errorResponse(error: string): LlmQueryResponseMsg {
  return { success: false, reply: '', language: '', actions: [], source: 'fallback', latency_ms: 0, error };
}

export function llmResponseFromRecord(rec: AnswerRecord, stamp: TimeMsg): LlmResponseMsg {
  // The topic message is the service response plus who asked and when.
  const { success: _success, ...answer } = responseFromRecord(rec);
  return { stamp, request_id: rec.requestId, utterance_id: rec.utteranceId, text: rec.text, ...answer };
}
