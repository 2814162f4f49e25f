import type { AnswerRecord } from '../pipeline/types';

export type Lane = 'urgent' | 'high' | 'medium' | 'low';
export type CacheTier = 'memory' | 'redis' | 'semantic';

/**
 * What components report as it happens. Metrics, the dashboard, diagnostics and the audit
 * log subscribe; components never import the monitor. Closed enums only (no free text
 * ends up in metric labels).
 */
export type TelemetryEvent =
  | { type: 'answer'; record: AnswerRecord }
  | { type: 'cache_lookup'; tier: CacheTier; hit: boolean; score?: number; guard?: string }
  | { type: 'cache_store'; tier: CacheTier }
  | {
      type: 'sched';
      event: 'enqueued' | 'dispatched' | 'done' | 'coalesced' | 'superseded' | 'rejected_busy' | 'timeout' | 'preempted';
      lane: Lane;
      host?: string;
      queueMs?: number;
    }
  | { type: 'llm_call'; host: string; ok: boolean; ttftMs?: number; ttfaMs?: number; totalMs?: number; error?: string }
  | { type: 'safety_block'; reason: string; action: string }
  | { type: 'command'; action: string; apiId: number }
  | { type: 'robot_response'; apiId: number; code: number | 'unknown' }
  | { type: 'stop'; word: string; latencyMs: number }
  /** A plan's unpublished steps were dropped for a newer command's (robot.arbitration newest_wins). */
  | { type: 'superseded'; requestId: string; byRequestId: string }
  /** A Command action goal ended (action_msgs status SUCCEEDED / CANCELED / ABORTED). */
  | { type: 'goal'; status: 'succeeded' | 'canceled' | 'aborted' }
  | { type: 'error'; component: string; code: string; message: string };

export interface Telemetry {
  emit(event: TelemetryEvent): void;
  /** Returns an unsubscribe function. */
  on(listener: (event: TelemetryEvent) => void): () => void;
}

export function createTelemetry(): Telemetry {
  const listeners = new Set<(event: TelemetryEvent) => void>();
  return {
    emit(event) {
      for (const l of listeners) {
        try {
          l(event);
        } catch {
          // A broken listener (dashboard, audit) must never break the request path.
        }
      }
    },
    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export type StatusLevel = 'ok' | 'warn' | 'error' | 'stale';

/** One component's health, as /diagnostics and the dashboard show it. */
export interface ComponentStatus {
  level: StatusLevel;
  message: string;
  values: Record<string, string | number | boolean>;
}

/** Components that report health implement this; the app hands the list to the monitor. */
export interface StatusSource {
  readonly component: 'ollama' | 'cache' | 'scheduler' | 'safety' | 'motion' | 'transport';
  status(): ComponentStatus;
}
