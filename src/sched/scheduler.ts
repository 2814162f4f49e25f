import type { Clock, TimerHandle } from '../util/clock';
import { ClaudiaError } from '../util/errors';
import type { Logger } from '../util/logger';
import type { ComponentStatus, Lane, Telemetry } from '../util/telemetry';
import type { HostPool, HostState } from './host-pool';
import { LANES, LANE_RANK, type RunContext, type SchedResult, type SchedTask, type SubmitOptions } from './types';

export interface SchedulerLimits {
  laneMax: Record<Lane, number>;
  /** Preempt running low-priority work for urgent/high when no slot is free (1-slot hosts). */
  preempt: boolean;
  coalesce: boolean;
}

export interface SchedulerStats {
  submitted: number;
  dispatched: number;
  coalesced: number;
  superseded: number;
  rejectedBusy: number;
  evicted: number;
  timeouts: number;
  preempted: number;
  retried: number;
  failed: number;
}

export interface Scheduler<T, C, P> {
  submit(task: SchedTask<T, C, P>, opts?: SubmitOptions<P>): Promise<SchedResult<T>>;
  /** Queued jobs per lane (coalesced callers share one job). */
  depth(): Record<Lane, number>;
  running(): number;
  stats(): SchedulerStats;
  status(): ComponentStatus;
  /** Rejects everything pending with E_ABORTED and aborts running calls. */
  close(): Promise<void>;
}

interface Waiter<T, P> {
  resolve(r: SchedResult<T>): void;
  reject(e: unknown): void;
  lane: Lane;
  sessionId: string;
  supersedes: boolean;
  submittedAt: number;
  timer?: TimerHandle;
  signal?: AbortSignal;
  onAbort?: () => void;
  onProgress?: (p: P) => void;
  /** The leading caller gets progress (streamed actions) and coalesced=false; joiners coalesced=true. */
  leader: boolean;
}

interface Job<T, C, P> {
  id: number;
  lane: Lane;
  task: SchedTask<T, C, P>;
  key?: string;
  waiters: Array<Waiter<T, P>>;
  state: 'queued' | 'running' | 'done';
  enqueuedAt: number;
  startedAt: number;
  host?: HostState<C>;
  ctl?: AbortController;
  progress?: P;
  /** The caller that received the progress and acts on it; nobody else may act on this run (one decision, one execution). */
  owner?: Waiter<T, P>;
  preempting: boolean;
  preemptions: number;
  attempts: number;
}

/** The abort reason of a call whose host another call found gone (see hostLost). */
class HostLost extends ClaudiaError {
  constructor(host: string, reason: string) {
    super('E_LLM_UNAVAILABLE', `LLM host ${host} went away during the call (${reason})`);
  }
}

/**
 * Priority scheduler in front of the Ollama fleet: lanes urgent > high > medium > low with
 * bounded queues (low/medium answer "busy" at once; urgent/high never do: they evict queued
 * low/medium work instead and wait within their deadline), N slots per host, coalescing of
 * identical in-flight requests, supersede per session, per-caller deadlines, preemption of
 * low-priority work when urgent/high finds no slot, retry on another host when a host dies
 * before any output, and E_ABORTED for everything pending at shutdown.
 */
export function createScheduler<T, C, P>(deps: {
  pool: HostPool<C>;
  clock: Clock;
  logger: Logger;
  telemetry?: Telemetry;
  limits: SchedulerLimits;
  /** True when an error means the host is gone (take it out, maybe retry elsewhere). */
  isHostFailure(err: unknown): boolean;
  /** What a host is called in errors (the backend's name for it); default 'LLM host'. */
  hostNoun?: string;
}): Scheduler<T, C, P> {
  const { pool, clock, telemetry, limits } = deps;
  const queues: Record<Lane, Array<Job<T, C, P>>> = { urgent: [], high: [], medium: [], low: [] };
  const byKey = new Map<string, Job<T, C, P>>();
  const active = new Set<Job<T, C, P>>();
  let seq = 0;
  let closed = false;
  let pendingPreempts = 0;
  let finishing: Job<T, C, P> | undefined;
  const st: SchedulerStats = { submitted: 0, dispatched: 0, coalesced: 0, superseded: 0, rejectedBusy: 0, evicted: 0, timeouts: 0, preempted: 0, retried: 0, failed: 0 };

  pool.onChange(() => pump());
  pool.onLost((host, reason) => hostLost(host, reason));

  /**
   * A call found its host gone (socket error, refused connection): the host's other
   * running calls would only learn it at their deadline when the server vanished without
   * resetting their connections, so they are aborted now and move like the first one (to
   * another host when nothing has streamed yet, else they fail); when no host is left,
   * queued work fails at once with E_LLM_UNAVAILABLE instead of waiting for a slot.
   */
  function hostLost(host: HostState<C>, reason: string): void {
    const err = new HostLost(host.url, reason);
    for (const j of [...active]) if (j.state === 'running' && j.host === host && j !== finishing) j.ctl?.abort(err);
    if (pool.anyUsable() || closed) return;
    const none = new ClaudiaError('E_LLM_UNAVAILABLE', `no LLM host is reachable (${pool.hosts.map((h) => h.url).join(', ')}): ${reason}; they are probed every ollama.health_interval_s`);
    for (const lane of LANES) {
      for (const job of [...queues[lane]]) {
        removeFromQueue(job);
        settle(job, { error: none });
      }
    }
  }

  /** A caller's progress callback must never break the call it listens to. */
  function deliver(w: Waiter<T, P>, p: P): void {
    try {
      w.onProgress?.(p);
    } catch (err) {
      deps.logger.warn('progress callback failed', { error: err instanceof Error ? err.message : String(err) });
    }
  }

  const emit = (event: 'enqueued' | 'dispatched' | 'done' | 'coalesced' | 'superseded' | 'rejected_busy' | 'timeout' | 'preempted', lane: Lane, extra: { host?: string; queueMs?: number } = {}) =>
    telemetry?.emit({ type: 'sched', event, lane, ...extra });

  function removeFromQueue(job: Job<T, C, P>): void {
    const q = queues[job.lane];
    const i = q.indexOf(job);
    if (i >= 0) q.splice(i, 1);
  }

  function forget(job: Job<T, C, P>): void {
    job.state = 'done';
    active.delete(job);
    if (job.key !== undefined && byKey.get(job.key) === job) byKey.delete(job.key);
  }

  function detach(w: Waiter<T, P>): void {
    if (w.timer) clock.clearTimeout(w.timer);
    if (w.signal && w.onAbort) w.signal.removeEventListener('abort', w.onAbort);
  }

  /** Removes one caller; a job nobody waits for any more is cancelled (its HTTP call aborted). */
  function dropWaiter(job: Job<T, C, P>, w: Waiter<T, P>, err: unknown): void {
    const i = job.waiters.indexOf(w);
    if (i < 0) return;
    job.waiters.splice(i, 1);
    detach(w);
    w.reject(err);
    if (job.waiters.length === 0) {
      if (job.state === 'queued') {
        removeFromQueue(job);
        forget(job);
      } else if (job.state === 'running') {
        // Nobody may join a call that is being cancelled.
        if (job.key !== undefined && byKey.get(job.key) === job) byKey.delete(job.key);
        job.ctl?.abort(err instanceof Error ? err : new ClaudiaError('E_ABORTED', 'no caller left'));
      }
    } else if (w.leader) {
      // The next caller leads. What streamed was already handed to the caller that left and
      // acted on it: it is never handed out again (the robot would do it twice).
      const next = job.waiters[0] as Waiter<T, P>;
      next.leader = true;
    }
  }

  function settle(job: Job<T, C, P>, outcome: { value: T } | { error: unknown }): void {
    const queueMs = job.startedAt - job.enqueuedAt;
    const waiters = job.waiters.splice(0);
    forget(job);
    for (const w of waiters) {
      detach(w);
      // Once a caller has acted on the streamed progress, every other caller is a follower, even one that leads now.
      const coalesced = job.owner ? job.owner !== w : !w.leader;
      if ('value' in outcome) w.resolve({ value: outcome.value, host: job.host?.url ?? '', queueMs: Math.max(0, job.startedAt - w.submittedAt), coalesced, preemptions: job.preemptions });
      else w.reject(outcome.error);
    }
    if ('error' in outcome) st.failed++;
    emit('done', job.lane, { host: job.host?.url, queueMs });
  }

  function requeueFront(job: Job<T, C, P>): void {
    job.state = 'queued';
    job.host = undefined;
    job.ctl = undefined;
    queues[job.lane].unshift(job);
  }

  function start(job: Job<T, C, P>, host: HostState<C>): void {
    removeFromQueue(job);
    job.state = 'running';
    job.host = host;
    job.startedAt = clock.now();
    job.attempts++;
    const ctl = new AbortController();
    job.ctl = ctl;
    host.running++;
    st.dispatched++;
    emit('dispatched', job.lane, { host: host.url, queueMs: job.startedAt - job.enqueuedAt });
    const ctx: RunContext<C, P> = {
      host,
      signal: ctl.signal,
      progress(p) {
        if (job.ctl !== ctl || job.progress !== undefined) return;
        job.progress = p;
        // A run restarted after preemption streams again: its first stream was already acted on.
        if (job.owner) return;
        const lead = job.waiters.find((w) => w.leader);
        if (lead) {
          job.owner = lead;
          deliver(lead, p);
        }
      },
    };
    let run: Promise<T>;
    try {
      run = job.task.run(ctx);
    } catch (err) {
      run = Promise.reject(err);
    }
    run.then(
      (value) => finishRun(job, host, ctl, { value }),
      (error: unknown) => finishRun(job, host, ctl, { error }),
    );
  }

  function finishRun(job: Job<T, C, P>, host: HostState<C>, ctl: AbortController, outcome: { value: T } | { error: unknown }): void {
    host.running--;
    if (job.preempting) {
      job.preempting = false;
      pendingPreempts = Math.max(0, pendingPreempts - 1);
      if ('error' in outcome && job.waiters.length > 0 && !closed) {
        // Preempted work restarts from scratch once a slot is free again (a run that
        // finished anyway, racing the abort, is simply delivered below).
        job.progress = undefined;
        requeueFront(job);
        pump();
        return;
      }
    }
    if (job.state !== 'running' || job.ctl !== ctl) return pump();
    if ('error' in outcome && (outcome.error instanceof HostLost || deps.isHostFailure(outcome.error))) {
      if (!(outcome.error instanceof HostLost)) {
        finishing = job; // this call already ended: hostLost leaves it alone
        pool.markDown(host, outcome.error instanceof Error ? outcome.error.message : String(outcome.error));
        finishing = undefined;
      }
      // Retry on another host only when nothing has streamed yet (actions may have been acted on).
      if (job.progress === undefined && job.waiters.length > 0 && pool.anyUsable() && job.attempts < pool.hosts.length + 1 && !closed) {
        st.retried++;
        requeueFront(job);
        pump();
        return;
      }
    }
    settle(job, outcome);
    pump();
  }

  /** Aborts the youngest running job of a lower lane so `lane` gets its slot (1-slot hosts). */
  function preemptFor(lane: Lane): boolean {
    const victimLanes: Lane[] = lane === 'urgent' ? ['low', 'medium'] : lane === 'high' ? ['low'] : [];
    for (const vl of victimLanes) {
      let victim: Job<T, C, P> | undefined;
      for (const j of active) {
        if (j.state === 'running' && j.lane === vl && !j.preempting && (!victim || j.startedAt > victim.startedAt)) victim = j;
      }
      if (victim) {
        victim.preempting = true;
        victim.preemptions++;
        pendingPreempts++;
        st.preempted++;
        emit('preempted', victim.lane, { host: victim.host?.url });
        deps.logger.debug('preempting low-priority LLM call for higher-priority work', { lane: victim.lane, for: lane });
        victim.ctl?.abort(new ClaudiaError('E_ABORTED', `preempted by ${lane}-lane work`));
        return true;
      }
    }
    return false;
  }

  function pump(): void {
    if (closed) return;
    for (const lane of LANES) {
      const q = queues[lane];
      while (q.length > 0) {
        const job = q[0] as Job<T, C, P>;
        const host = pool.pick(lane);
        if (!host) {
          if (limits.preempt && (lane === 'urgent' || lane === 'high')) {
            const waitingHigh = queues.urgent.length + queues.high.length;
            if (waitingHigh > pendingPreempts) preemptFor(lane);
          }
          // Lower lanes may not take a slot this lane could not get.
          return;
        }
        start(job, host);
      }
    }
  }

  function reject(lane: Lane, code: 'E_QUEUE_FULL', message: string): never {
    st.rejectedBusy++;
    emit('rejected_busy', lane);
    throw new ClaudiaError(code, message);
  }

  /** Makes room for urgent/high by evicting the newest queued low (then medium) job. */
  function evictLower(): boolean {
    for (const l of ['low', 'medium'] as Lane[]) {
      const victim = queues[l].at(-1);
      if (!victim) continue;
      st.evicted++;
      const err = new ClaudiaError('E_QUEUE_FULL', `evicted from the ${l} lane by higher-priority work; retry later or raise sched.lane_max_${l}`);
      for (const w of [...victim.waiters]) dropWaiter(victim, w, err);
      return true;
    }
    return false;
  }

  return {
    submit(task, opts = {}) {
      return new Promise<SchedResult<T>>((resolve, reject_) => {
        try {
          if (closed) throw new ClaudiaError('E_ABORTED', 'scheduler is shut down');
          opts.signal?.throwIfAborted();
          if (!pool.anyUsable()) throw new ClaudiaError('E_LLM_UNAVAILABLE', `no ${deps.hostNoun ?? 'LLM host'} is reachable (${pool.hosts.map((h) => h.url).join(', ')}); it is probed every ollama.health_interval_s`);
          st.submitted++;
          const lane = task.lane;
          const sessionId = task.sessionId ?? '';
          const supersedes = task.supersedes === true && sessionId !== '';
          const now = clock.now();
          const w: Waiter<T, P> = { resolve, reject: reject_, lane, sessionId, supersedes, submittedAt: now, onProgress: opts.onProgress, leader: true, signal: opts.signal };

          // Supersede: the session's older commands (queued or running) give way to this one.
          if (supersedes) {
            const err = new ClaudiaError('E_SUPERSEDED', 'superseded by a newer command from the same session');
            for (const j of [...active]) {
              if (task.coalesceKey !== undefined && j.key === task.coalesceKey) continue;
              for (const old of [...j.waiters]) {
                if (old.supersedes && old.sessionId === sessionId) {
                  st.superseded++;
                  emit('superseded', j.lane, { host: j.host?.url });
                  dropWaiter(j, old, err);
                }
              }
            }
          }

          const existing = limits.coalesce && task.coalesceKey !== undefined ? byKey.get(task.coalesceKey) : undefined;
          let job: Job<T, C, P>;
          if (existing && existing.state !== 'done') {
            job = existing;
            w.leader = false;
            st.coalesced++;
            emit('coalesced', lane, { host: job.host?.url });
            // A more urgent caller lifts a queued shared job into its lane.
            if (job.state === 'queued' && LANE_RANK[lane] < LANE_RANK[job.lane]) {
              removeFromQueue(job);
              job.lane = lane;
              queues[lane].push(job);
            }
          } else {
            const q = queues[lane];
            if (q.length >= limits.laneMax[lane]) {
              if (lane === 'low' || lane === 'medium') {
                reject(lane, 'E_QUEUE_FULL', `the ${lane} lane is full (${q.length} queued); busy, retry later or raise sched.lane_max_${lane}`);
              }
              // Urgent/high are never turned away: make room below, then queue within the deadline.
              evictLower();
            }
            job = { id: ++seq, lane, task, key: task.coalesceKey, waiters: [], state: 'queued', enqueuedAt: now, startedAt: now, preempting: false, preemptions: 0, attempts: 0 };
            active.add(job);
            if (job.key !== undefined && limits.coalesce) byKey.set(job.key, job);
            q.push(job);
            emit('enqueued', lane);
          }
          job.waiters.push(w);
          w.timer = clock.setTimeout(() => {
            st.timeouts++;
            emit('timeout', lane, { host: job.host?.url });
            dropWaiter(job, w, new ClaudiaError('E_LLM_TIMEOUT', `no LLM answer within ${task.deadlineMs} ms in the ${lane} lane; raise sched.deadline_${lane}_s or the request's timeout_s`));
          }, task.deadlineMs);
          if (opts.signal) {
            const sig = opts.signal;
            w.onAbort = () => dropWaiter(job, w, sig.reason instanceof Error ? sig.reason : new ClaudiaError('E_ABORTED', 'request aborted'));
            sig.addEventListener('abort', w.onAbort, { once: true });
          }
          pump();
        } catch (err) {
          reject_(err);
        }
      });
    },
    depth: () => ({ urgent: queues.urgent.length, high: queues.high.length, medium: queues.medium.length, low: queues.low.length }),
    running: () => pool.hosts.reduce((n, h) => n + h.running, 0),
    stats: () => ({ ...st }),
    status() {
      const d = { urgent: queues.urgent.length, high: queues.high.length, medium: queues.medium.length, low: queues.low.length };
      const slots = pool.hosts.reduce((n, h) => n + (h.health === 'down' ? 0 : h.slots), 0);
      const running = pool.hosts.reduce((n, h) => n + h.running, 0);
      const full = LANES.filter((l) => d[l] >= limits.laneMax[l]);
      return {
        level: closed ? 'stale' : full.length > 0 ? 'warn' : 'ok',
        message: closed ? 'shut down' : full.length > 0 ? `lane(s) full: ${full.join(', ')}` : `${running}/${slots} slots busy`,
        values: {
          queue_urgent: d.urgent,
          queue_high: d.high,
          queue_medium: d.medium,
          queue_low: d.low,
          running,
          slots,
          coalesced_total: st.coalesced,
          superseded_total: st.superseded,
          rejected_busy_total: st.rejectedBusy,
          timeouts_total: st.timeouts,
          preempted_total: st.preempted,
        },
      };
    },
    async close() {
      if (closed) return;
      closed = true;
      const err = new ClaudiaError('E_ABORTED', 'the node is shutting down');
      for (const job of [...active]) {
        const waiters = job.waiters.splice(0);
        for (const w of waiters) {
          detach(w);
          w.reject(err);
        }
        job.ctl?.abort(err);
        forget(job);
      }
      for (const l of LANES) queues[l].length = 0;
    },
  };
}
