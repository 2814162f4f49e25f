import type { AnswerRecord, StageEvent } from '../pipeline/types';

/** POST /v1/query's JSON answer: the LlmQuery response fields plus request_id and first_effect_ms. */
export interface QueryAnswer {
  success: boolean;
  reply: string;
  language: string;
  actions: Array<{ name: string; api_id: number; parameter: string; verdict: string }>;
  source: string;
  latency_ms: number;
  error: string;
  request_id: string;
  first_effect_ms: number | null;
}

/** The `done` event of a streamed answer: the final record, with what was published and the robot's codes. */
export interface DoneRecord extends QueryAnswer {
  utterance_id: string;
  published_api_ids: number[];
  robot_codes: Array<{ api_id: number; code: number | 'unknown' }>;
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

export function queryAnswer(rec: AnswerRecord): QueryAnswer {
  return {
    success: rec.success,
    reply: rec.reply,
    language: rec.language,
    actions: rec.actions.map((a) => ({ name: a.name, api_id: a.api_id, parameter: a.parameter, verdict: a.verdict })),
    source: rec.source,
    latency_ms: round(rec.latencyMs),
    error: rec.error,
    request_id: rec.requestId,
    // A finished record has had its first effect: a published command, or the reply itself.
    first_effect_ms: round(rec.firstEffectMs),
  };
}

export function doneRecord(rec: AnswerRecord): DoneRecord {
  return {
    ...queryAnswer(rec),
    utterance_id: rec.utteranceId,
    published_api_ids: rec.publishedApiIds,
    robot_codes: rec.robotCodes.map((c) => ({ api_id: c.apiId, code: c.code })),
  };
}

/** `CODE: message` split back into its parts (the pipeline's error field). */
export function splitError(field: string): { code: string; message: string } {
  const i = field.indexOf(':');
  return i > 0 ? { code: field.slice(0, i), message: field.slice(i + 1).trim() } : { code: 'E_INTERNAL', message: field };
}

/** True when the answer's actions include a StopMove that went out (the emergency reflex fired). */
export function stopped(rec: AnswerRecord): boolean {
  return rec.actions.some((a) => a.name === 'stop' && a.verdict === 'ok');
}

/**
 * The answer at decision (`service.reply_at: decision`, as the LlmQuery service): the
 * verdicts as decided (`ok` = accepted, not yet executed) when the plan goes to the
 * executor. Nothing is known published yet, so first_effect_ms is null; the final record is
 * the `done` event of a streamed answer.
 */
export function decisionAnswer(e: Extract<StageEvent, { stage: 'executing' }>, latencyMs: number): QueryAnswer {
  return {
    success: true,
    reply: e.reply,
    language: e.language,
    actions: e.actions.map((a) => ({ name: a.name, api_id: a.api_id, parameter: a.parameter, verdict: a.verdict })),
    source: e.source,
    latency_ms: round(latencyMs),
    error: '',
    request_id: e.requestId,
    first_effect_ms: null,
  };
}
