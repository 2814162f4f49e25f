import type { Analysed } from '../lang/types';
import type { Decision, Plan, Proposal, Request, RequestRef } from './types';

export type { RequestRef };

/**
 * The seams of the pipeline. Each stage is a small interface plus a factory elsewhere
 * (`createXxx(deps)`); the pipeline only knows these shapes.
 */

/** L0: stop and danger words. Must be cheap and synchronous; runs on the raw text first. */
export interface EmergencyReflex {
  match(raw: string, normalised?: string): StopHit | undefined;
  /** Compiles the long-text path ahead of the first long utterance (the node, at start). */
  warmUp?(): void;
}

export interface StopHit {
  /** The word that fired (for the audit log). */
  word: string;
  /** stop: a stop word (reply from the catalogue). danger: danger without a stop word (help!, 危ない): stop, then the emergency template writes the reply. */
  kind: 'stop' | 'danger';
}

/** L1: whole-utterance grammar for short unambiguous commands; undefined = defer. */
export interface ReflexGrammar {
  match(analysed: Analysed): Decision | undefined;
}

export interface CacheLookup {
  decision?: Decision;
  tier?: 'memory' | 'redis' | 'semantic';
  /** Similarity score of the best candidate (semantic tier), 1 for exact. */
  score?: number;
  /** The guard that refused the best semantic candidate, if any (negation, direction, number, ...). */
  guard?: string;
}

/** L2 + L3: exact (memory -> Redis) and guarded semantic cache. */
export interface DecisionCache {
  lookup(req: Request): Promise<CacheLookup>;
  /** Only called for cacheable decisions that passed safety with nothing blocked. */
  store(req: Request, decision: Decision): Promise<void>;
  close(): Promise<void>;
}

export interface LlmDecideOptions {
  signal: AbortSignal;
  /** Called once, as soon as the streamed output's action list is complete (before the reply is). */
  onActions?: (actions: Proposal[]) => void;
  /** Called as the streamed reply grows, with the reply text so far (best effort: the caller that started the call). */
  onReply?: (replySoFar: string) => void;
}

/** The LLM path: prompt builder, scheduler, Ollama client, output parser. */
export interface LlmDecider {
  decide(req: Request, opts: LlmDecideOptions): Promise<Decision>;
  /** Reply for an emergency (danger word): short, urgent lane; may reject when no LLM. */
  emergencyReply?(req: Request, opts: { signal: AbortSignal }): Promise<string>;
  /** True when at least one LLM host (server or engine) is believed reachable. */
  available(): boolean;
  /** Why the LLM is unavailable, naming the backend and its hosts (for the record's error). */
  unavailableReason?(): string;
  close(): Promise<void>;
}

/** Validates proposals from any source and turns them into an executable plan. */
export interface SafetyCompiler {
  compile(proposals: Proposal[], req: Request): Plan;
}

export interface ExecReport {
  publishedApiIds: number[];
  robotCodes: Array<{ apiId: number; code: number | 'unknown' }>;
  /** Clock time of the first Request published (undefined when nothing was). */
  firstPublishAt?: number;
  /** The newer request whose plan superseded this one (its unpublished steps are `dropped:superseded`). */
  supersededBy?: RequestRef;
  /** Older requests whose plans this one superseded. */
  superseded?: RequestRef[];
  /** The running request that already does what this plan asks (its actions are `dropped:already_running`). */
  alreadyRunning?: RequestRef;
}

export interface ExecuteOptions {
  /** Cancels this plan only: unpublished steps become `dropped:canceled`; its Move stream or pending action is ended with StopMove. */
  signal?: AbortSignal;
}

/** Publishes plans to /api/sport/request; owns Move streams and the stop. */
export interface MotionExecutor {
  /** Runs the plan in order; verdicts in plan.actions may be updated (e.g. dropped:superseded_by_stop). */
  execute(plan: Plan, req: Request, opts?: ExecuteOptions): Promise<ExecReport>;
  /**
   * Publishes StopMove now, cancels any Move stream and queued motion. Synchronous: nothing
   * waits in front of it. Returns whether StopMove went out (false only when the executor is
   * closed or the publish failed), so the answer's published_api_ids can say so.
   */
  emergencyStop(reason: string): boolean;
  close(): Promise<void>;
}

/** Stop epochs: every emergency stop starts a new one; decisions from older epochs never execute. */
export interface StopEpoch {
  current(): number;
  bump(): number;
}

export function createStopEpoch(): StopEpoch {
  let epoch = 0;
  return { current: () => epoch, bump: () => ++epoch };
}
