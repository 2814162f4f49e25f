import type { Lane } from '../util/telemetry';

export const LANES: Lane[] = ['urgent', 'high', 'medium', 'low'];
export const LANE_RANK: Record<Lane, number> = { urgent: 0, high: 1, medium: 2, low: 3 };

/** A host as the scheduler sees it; `client` is whatever the task needs to call it. */
export interface HostHandle<C = unknown> {
  readonly url: string;
  readonly client: C;
}

export interface RunContext<C, P> {
  host: HostHandle<C>;
  /** Aborted on supersede, deadline (when no waiter is left), preemption and shutdown. */
  signal: AbortSignal;
  /** Partial result (e.g. the streamed action list): delivered to the leading waiter at once. */
  progress(p: P): void;
}

export interface SchedTask<T, C, P> {
  lane: Lane;
  /** Identical in-flight tasks share one run; undefined = never shared (session-memory requests). */
  coalesceKey?: string;
  /** '' or undefined = no session (nothing to supersede). */
  sessionId?: string;
  /** A newer superseding task of the same session cancels this one (robot commands). */
  supersedes?: boolean;
  /** Relative deadline for this caller (ms). */
  deadlineMs: number;
  run(ctx: RunContext<C, P>): Promise<T>;
}

export interface SubmitOptions<P> {
  signal?: AbortSignal;
  onProgress?(p: P): void;
}

export interface SchedResult<T> {
  value: T;
  host: string;
  /** ms from submit to dispatch (of the run that produced the value). */
  queueMs: number;
  /** True for callers that joined another caller's run (they did not lead it). */
  coalesced: boolean;
  /** How often the run was preempted by higher-priority work and restarted. */
  preemptions: number;
}
