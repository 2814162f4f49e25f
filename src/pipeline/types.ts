import type { Analysed, Language } from '../lang/types';
import type { ActionSpec } from '../robot/catalogue';

/** Where an answer came from. */
export type Source = 'reflex' | 'cache' | 'semantic_cache' | 'llm' | 'fallback';
export type PromptType = 'dialog' | 'command' | 'technical' | 'emergency';
/** 0 auto, 1 urgent, 2 high, 3 medium, 4 low (as in LlmQuery.srv). */
export type Priority = 0 | 1 | 2 | 3 | 4;
export type Origin = 'speech_text' | 'speech' | 'service' | 'action' | 'cli' | 'replay' | 'http' | 'console';

/** What a caller hands the pipeline: one utterance, from any entry point. */
export interface QueryInput {
  text: string;
  origin: Origin;
  language?: string;
  promptType?: string;
  sessionId?: string;
  priority?: number;
  dryRun?: boolean;
  timeoutS?: number;
  utteranceId?: string;
  /** ASR confidence 0..1; negative or absent = unscored. */
  confidence?: number;
  /** Partial ASR results (false) only reach the emergency reflex. Default true. */
  isFinal?: boolean;
}

/** One utterance inside the pipeline. */
export interface Request {
  id: string;
  utteranceId: string;
  origin: Origin;
  analysed: Analysed;
  confidence: number;
  promptType: PromptType | '';
  sessionId: string;
  priority: Priority;
  dryRun: boolean;
  timeoutMs: number;
  /** Clock time the utterance arrived (ms). */
  receivedAt: number;
  /** Stop epoch current when the utterance arrived; decisions from older epochs never execute. */
  epoch: number;
  /** Arrival order among utterances that share receivedAt (the executor orders plans by arrival). */
  arrivalSeq?: number;
}

/** An action as a stage proposes it, before the safety compiler. */
export interface Proposal {
  name: string;
  params?: Record<string, number | boolean>;
}

/** What a stage decided: actions (maybe none = chat) and the reply. */
export interface Decision {
  actions: Proposal[];
  reply: string;
  language: Language;
  source: Source;
  /** False for answers that must never be stored (session history, time/state questions, failures). */
  cacheable: boolean;
  /** For the audit log and metrics: which tier, score, guard, prompt type, timings. */
  detail?: DecisionDetail;
}

export interface DecisionDetail {
  cacheTier?: 'memory' | 'redis' | 'semantic';
  score?: number;
  guard?: string;
  promptType?: PromptType;
  host?: string;
  queueMs?: number;
  ttftMs?: number;
  ttfaMs?: number;
  llmMs?: number;
  coalesced?: boolean;
  usedSession?: boolean;
  /** Why the utterance was not acted on without a decision ('no_wake_word': language.require_wake_word). */
  ignored?: 'no_wake_word';
}

/** An action after the safety compiler, as it goes out in RobotAction messages. */
export interface CompiledAction {
  name: string;
  api_id: number;
  parameter: string;
  /** ok | inserted | blocked:<reason> | dropped:<reason> */
  verdict: string;
}

/** One thing the executor does. */
export interface PlanStep {
  spec: ActionSpec;
  /** JSON parameter for the Request. */
  parameter: Record<string, unknown>;
  /** Set for Move streams: velocities and duration, already clamped. */
  move?: { vx: number; vy: number; vyaw: number; durationMs: number };
  /** Index into Plan.actions, so the executor can update the verdict it reports. */
  actionIndex: number;
}

export interface Plan {
  steps: PlanStep[];
  actions: CompiledAction[];
}

export interface Answer {
  requestId: string;
  utteranceId: string;
  text: string;
  success: boolean;
  reply: string;
  language: Language;
  actions: CompiledAction[];
  source: Source;
  latencyMs: number;
  /** `CODE: message`, empty on success. */
  error: string;
}

/** Which request, for answers that name another one (superseded by, already running in). */
export interface RequestRef {
  requestId: string;
  utteranceId: string;
}

/** Everything known about one finished request: audit log, metrics, dashboard. */
export interface AnswerRecord extends Answer {
  at: number;
  wallMs: number;
  origin: Origin;
  promptType: PromptType | '';
  proposals: Proposal[];
  publishedApiIds: number[];
  robotCodes: Array<{ apiId: number; code: number | 'unknown' }>;
  detail: DecisionDetail;
  /** ms from arrival to the first effect: first motion command published, or the reply when there is no motion. */
  firstEffectMs: number;
  dryRun: boolean;
  /** A newer request's plan superseded this one's unpublished steps (robot.arbitration newest_wins). */
  supersededBy?: RequestRef;
  /** Older requests whose plans this one superseded. */
  superseded?: RequestRef[];
  /** The running request that already does what this one asked (its actions are `dropped:already_running`). */
  alreadyRunning?: RequestRef;
}

/**
 * The stages every streamed answer goes through, always all four and in this order (a stage
 * that does not apply, e.g. `executing` for a chat answer, is still announced). The names are
 * shared by the action feedback and the HTTP server-sent events.
 * - deciding: the input was accepted; reflex, cache or LLM is deciding.
 * - decided: the actions are known and compiled (verdicts); the reply may still be streaming.
 * - executing: the decision is complete (final reply) and the plan is with the executor.
 * - done: everything finished; carries the final record.
 */
export type Stage = 'deciding' | 'decided' | 'executing' | 'done';
export const STAGES: readonly Stage[] = ['deciding', 'decided', 'executing', 'done'];

interface EventBase {
  requestId: string;
  utteranceId: string;
  /** The verdicts at this moment (a copy; empty before `decided`). */
  actions: CompiledAction[];
  /** The reply so far. */
  reply: string;
}

/** What is known once the decision is complete (from `executing` on). */
export interface DecisionOutcome {
  source: Source;
  language: Language;
  /** `CODE: message` when the request failed before anything could execute, else ''. */
  error: string;
}

export type StageEvent =
  | (EventBase & { type: 'stage'; stage: 'deciding' | 'decided' })
  | (EventBase & DecisionOutcome & { type: 'stage'; stage: 'executing' })
  | (EventBase & DecisionOutcome & { type: 'stage'; stage: 'done'; record: AnswerRecord });

/**
 * Reply text as it becomes known: deltas while the LLM streams, the whole reply at once from
 * a reflex or the cache. `replaced` marks a reply that replaces what was streamed before
 * (the model's reply was in the wrong language or broken, and a canned one is used): `delta`
 * is then the whole new reply.
 */
export interface ReplyEvent extends EventBase {
  type: 'reply';
  delta: string;
  replaced: boolean;
}

export type PipelineEvent = StageEvent | ReplyEvent;

/** Per-request options of `pipeline.handle()`. */
export interface HandleOptions {
  /** Progress events; a listener that throws is logged and ignored (the request goes on). */
  onEvent?: (event: PipelineEvent) => void;
  /**
   * Cancels the request: the LLM call is aborted, unpublished steps are reported
   * `dropped:canceled`, and a running motion of this request is ended (StopMove when moving).
   * The answer then carries E_CANCELED.
   */
  signal?: AbortSignal;
}
