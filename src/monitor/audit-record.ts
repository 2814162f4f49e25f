import type { AnswerRecord } from '../pipeline/types';
import { excerpt } from '../util/logger';

/** Audit line format version; bump when a field changes meaning. */
export const AUDIT_VERSION = 1;
const MAX_INPUT_CHARS = 200;
const MAX_ACTIONS = 20;

/** One JSONL line of the audit log: everything needed to explain what the robot did and why. */
export interface AuditLine {
  v: number;
  id: string;
  utterance_id: string;
  time: string;
  wall_ms: number;
  origin: string;
  input: string;
  input_chars: number;
  language: string;
  source: string;
  prompt_type: string;
  success: boolean;
  error: string;
  dry_run: boolean;
  reply: string;
  proposed: Array<{ name: string; params?: Record<string, number | boolean> }>;
  actions: Array<{ name: string; api_id: number; parameter: string; verdict: string; reason?: string }>;
  verdict: 'ok' | 'blocked' | 'dropped' | 'partial' | 'none';
  published_api_ids: number[];
  robot_codes: Array<{ api_id: number; code: number | 'unknown' }>;
  latency_ms: {
    total: number;
    first_effect: number;
    queue?: number;
    ttft?: number;
    ttfa?: number;
    llm?: number;
  };
  cache_tier?: string;
  score?: number;
  host?: string;
  coalesced?: boolean;
  /** robot.arbitration newest_wins: the newer request that superseded this one's motion, the older ones this one superseded, the running one that already did it. */
  superseded_by?: { request_id: string; utterance_id: string };
  superseded?: Array<{ request_id: string; utterance_id: string }>;
  already_running?: { request_id: string; utterance_id: string };
}

export function toAuditLine(rec: AnswerRecord): AuditLine {
  const d = rec.detail ?? {};
  const actions = rec.actions.slice(0, MAX_ACTIONS).map((a) => {
    const verdict = String(a.verdict);
    const m = /^(blocked|dropped):(.*)$/s.exec(verdict);
    return { name: excerpt(String(a.name), 40), api_id: Number(a.api_id), parameter: excerpt(String(a.parameter), 200), verdict: excerpt(verdict, 120), ...(m ? { reason: excerpt(m[2] ?? '', 100) } : {}) };
  });
  const refused = actions.filter((a) => a.reason !== undefined).length;
  const verdict: AuditLine['verdict'] =
    actions.length === 0
      ? 'none'
      : refused === 0
        ? 'ok'
        : refused < actions.length
          ? 'partial'
          : actions.every((a) => a.verdict.startsWith('dropped'))
            ? 'dropped'
            : 'blocked';
  const round = (ms: number | undefined) => (typeof ms === 'number' && Number.isFinite(ms) ? Math.round(ms * 1000) / 1000 : undefined);
  const latency: AuditLine['latency_ms'] = { total: round(rec.latencyMs) ?? 0, first_effect: round(rec.firstEffectMs) ?? 0 };
  if (round(d.queueMs) !== undefined) latency.queue = round(d.queueMs);
  if (round(d.ttftMs) !== undefined) latency.ttft = round(d.ttftMs);
  if (round(d.ttfaMs) !== undefined) latency.ttfa = round(d.ttfaMs);
  if (round(d.llmMs) !== undefined) latency.llm = round(d.llmMs);
  const line: AuditLine = {
    v: AUDIT_VERSION,
    id: rec.requestId,
    utterance_id: rec.utteranceId,
    time: new Date(rec.wallMs).toISOString(),
    wall_ms: rec.wallMs,
    origin: rec.origin,
    input: excerpt(rec.text, MAX_INPUT_CHARS),
    input_chars: Array.from(rec.text).length,
    language: rec.language,
    source: rec.source,
    prompt_type: rec.promptType,
    success: rec.success,
    error: excerpt(rec.error, 300),
    dry_run: rec.dryRun,
    reply: excerpt(rec.reply, MAX_INPUT_CHARS),
    proposed: rec.proposals.slice(0, MAX_ACTIONS).map((p) => ({ name: excerpt(String(p.name), 40), ...(p.params ? { params: p.params } : {}) })),
    actions,
    verdict,
    published_api_ids: rec.publishedApiIds.slice(0, 100),
    robot_codes: rec.robotCodes.slice(0, 100).map((c) => ({ api_id: c.apiId, code: c.code })),
    latency_ms: latency,
  };
  if (d.cacheTier) line.cache_tier = d.cacheTier;
  if (typeof d.score === 'number') line.score = Math.round(d.score * 1e4) / 1e4;
  if (d.host) line.host = excerpt(d.host, 100);
  if (d.coalesced) line.coalesced = true;
  const ref = (r: { requestId: string; utteranceId: string }) => ({ request_id: excerpt(r.requestId, 64), utterance_id: excerpt(r.utteranceId, 128) });
  if (rec.supersededBy) line.superseded_by = ref(rec.supersededBy);
  if (rec.superseded?.length) line.superseded = rec.superseded.slice(0, MAX_ACTIONS).map(ref);
  if (rec.alreadyRunning) line.already_running = ref(rec.alreadyRunning);
  return line;
}
