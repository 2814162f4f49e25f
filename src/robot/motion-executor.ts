import type { Config } from '../config/types';
import type { ExecReport, ExecuteOptions, MotionExecutor, RequestRef, StopEpoch } from '../pipeline/stages';
import type { CompiledAction, Plan, PlanStep, Request } from '../pipeline/types';
import type { UnitreeRequestMsg, UnitreeResponseMsg } from '../ros/messages';
import type { Clock, TimerHandle } from '../util/clock';
import type { Logger } from '../util/logger';
import type { ComponentStatus, Telemetry } from '../util/telemetry';
import type { ActionCatalogue, ActionSpec } from './catalogue';
import type { RobotCode, RobotState } from './robot-state';
import { clampedMove, sportRequest } from './sport-request';

export interface MotionExecutorDeps {
  config: Config;
  catalogue: ActionCatalogue;
  state: RobotState;
  epoch: StopEpoch;
  clock: Clock;
  logger: Logger;
  telemetry?: Telemetry;
  /** Publishes one unitree_api/msg/Request on /api/sport/request. May throw (transport lost). */
  publish: (msg: UnitreeRequestMsg) => void;
}

export type MotionExecutorHandle = MotionExecutor & {
  onResponse(msg: UnitreeResponseMsg): void;
  status(): ComponentStatus;
  readonly component: 'motion';
  /** True while a Move stream is running (the shutdown path checks it). */
  streaming(): boolean;
};

/** Why a plan stops before its end; each becomes `dropped:<reason>` on the steps left. */
type EndReason = 'shutdown' | 'superseded_by_stop' | 'canceled' | 'superseded';
type DropReason = EndReason | 'previous_failed';

/** How a Move stream ended. `stopped`: an emergency stop already published StopMove; `handover`: a newer Move follows, no StopMove. */
type StreamEnd = 'done' | 'stopped' | 'canceled' | 'superseded' | 'handover' | 'publish_failed';

interface Job {
  plan: Plan;
  req: Request;
  report: ExecReport;
  /** Emergency-stop generation the job was accepted under. */
  gen: number;
  state: 'queued' | 'running' | 'done';
  /** Index of the step being run. */
  step: number;
  canceled: boolean;
  /** The newer job that superseded this one (its report names it once something was actually dropped). */
  supersededBy?: Job;
  /** Wakes the job's pauses (sequence pause, settle) when it must end. */
  ctl: AbortController;
  finish(): void;
}

interface Pending {
  spec: ActionSpec;
  timer: TimerHandle;
  job?: Job;
  resolve: (code: RobotCode | 'stopped' | 'canceled') => void;
}

/**
 * Publishes plans as unitree_api Requests.
 * - identity.id: unique and monotonic (wall-clock ns at start, +1 per request), matched
 *   against /api/sport/response; lease 0, priority 0; parameter is JSON.
 * - Sport actions wait for their response up to the catalogue's timeout_s; no answer in
 *   time is reported as `unknown` and the sequence goes on: a robot that did not confirm
 *   has not refused (dances often finish after the timeout). A code other than 0 / -1, or a
 *   publish that failed, ends the sequence: later actions are reported `dropped:previous_failed`.
 * - Move 1008 runs as a stream (`noreply: true`) at robot.move_rate_hz for the planned
 *   duration, after robot.settle_ms following a StandUp, and is ended by StopMove 1003.
 * - The stop epoch is checked before every step: an older request's steps are dropped.
 * - A plan that starts with StopMove (a stop decided by the grammar, cache or LLM) stops at
 *   once like emergencyStop() instead of waiting behind the running plan.
 * - emergencyStop() publishes StopMove synchronously and cancels the stream, the pending
 *   waits and every queued plan. It does not bump the epoch: the pipeline does that, so
 *   the stop epoch has one owner.
 * - A cancelled plan (ExecuteOptions.signal) drops its unpublished steps (`dropped:canceled`)
 *   and ends its own motion with StopMove; other plans are untouched.
 *
 * robot.arbitration decides what a newer plan does to older ones (one robot, so across
 * sessions). `queue`: plans run one after another in the order they were handed over.
 * `newest_wins`: plans are ordered by the arrival of their utterance (Request.receivedAt,
 * then arrivalSeq), and a plan with at least one step supersedes every older one:
 * - their unpublished steps become `dropped:superseded` (the report names the newer request),
 *   and an older plan handed over after a newer one (a slow LLM after a fast reflex) is
 *   dropped at once;
 * - StopMove steps are never dropped: they are published when their plan is superseded;
 * - a running Move stream ends at once: when the new plan starts with a Move, that Move takes
 *   over the stream (its first tick goes out right away, no StopMove in between); otherwise
 *   StopMove ends it before the new plan's first step;
 * - a running atomic action (a dance) finishes, i.e. gets its response or times out, before
 *   the new plan's first step; only a stop (a plan starting with StopMove) cuts it short;
 * - the same steps said again while they run are not run twice: the new plan's actions
 *   become `dropped:already_running` and the running plan goes on.
 */
export function createMotionExecutor(deps: MotionExecutorDeps): MotionExecutorHandle {
  const { config, catalogue, state, epoch, clock, logger, telemetry } = deps;
  const stopSpec = catalogue.byName('stop') as ActionSpec;
  const newestWins = config.robot.arbitration === 'newest_wins';
  let nextId = clock.wallNs();
  /** Bumped by every emergency stop and by close(): plans started under an older value stop. */
  let generation = 0;
  let closed = false;
  let chain: Promise<unknown> = Promise.resolve();
  const pending = new Map<bigint, Pending>();
  let stream: { job: Job; timer: TimerHandle | undefined; end: (reason: StreamEnd) => void } | undefined;
  /** A stream ended for a newer Move that has not ticked yet: if that Move never comes, StopMove must. */
  let handoverTo: Job | undefined;
  let lastStandUpAt = -Infinity;
  const jobs = new Set<Job>();
  let current: Job | undefined;
  /** The newest plan that superseded others (newest_wins): older plans arriving later are dropped. */
  let newest: Job | undefined;
  const counts = { published: 0, responses: 0, timeouts: 0, failures: 0, stops: 0, unmatched: 0, publishErrors: 0, superseded: 0, alreadyRunning: 0, canceled: 0 };

  /** The catalogue's timeout_s when the file sets one (dances: 25 s), else robot.response_timeout_s. */
  function timeoutOf(spec: ActionSpec): number {
    return spec.timeoutSet === false ? config.robot.response_timeout_s : spec.timeoutS;
  }

  function newId(): bigint {
    const wall = clock.wallNs();
    nextId = wall > nextId ? wall : nextId + 1n;
    return nextId;
  }

  function send(spec: ActionSpec, parameter: Record<string, unknown>, noreply: boolean): bigint | undefined {
    const id = newId();
    const msg = sportRequest(id, spec.apiId, parameter, noreply);
    try {
      deps.publish(msg);
    } catch (err) {
      counts.publishErrors++;
      logger.error('publishing a sport request failed', { api_id: spec.apiId, error: (err as Error).message });
      return undefined;
    }
    counts.published++;
    return id;
  }

  /** StopMove now; its response is matched like any other but nobody waits for it. */
  function publishStop(): boolean {
    handoverTo = undefined;
    const id = send(stopSpec, {}, false);
    if (id === undefined) return false;
    state.onCommand(stopSpec);
    telemetry?.emit({ type: 'command', action: stopSpec.name, apiId: stopSpec.apiId });
    const timer = clock.setTimeout(() => settle(id, 'unknown'), timeoutOf(stopSpec) * 1000);
    pending.set(id, { spec: stopSpec, timer, resolve: () => undefined });
    return true;
  }

  function settle(id: bigint, code: RobotCode | 'stopped' | 'canceled'): void {
    const p = pending.get(id);
    if (!p) return;
    pending.delete(id);
    clock.clearTimeout(p.timer);
    if (code !== 'stopped' && code !== 'canceled') {
      if (code === 'unknown') counts.timeouts++;
      state.onResult(p.spec, code);
      telemetry?.emit({ type: 'robot_response', apiId: p.spec.apiId, code });
    }
    p.resolve(code);
  }

  /** One request that expects an answer: resolves with the robot's code, `unknown`, `stopped` or `canceled`. */
  function request(job: Job, spec: ActionSpec, parameter: Record<string, unknown>): Promise<RobotCode | 'stopped' | 'canceled' | 'publish_failed'> {
    return new Promise((resolve) => {
      const id = send(spec, parameter, false);
      if (id === undefined) return resolve('publish_failed');
      state.onCommand(spec);
      telemetry?.emit({ type: 'command', action: spec.name, apiId: spec.apiId });
      const timeoutMs = Math.max(timeoutOf(spec), 0.05) * 1000;
      const timer = clock.setTimeout(() => settle(id, 'unknown'), timeoutMs);
      pending.set(id, { spec, timer, job, resolve });
    });
  }

  /** A Move stream: Move at a fixed rate for the duration, then StopMove (unless a newer Move takes over). */
  function runStream(job: Job, step: PlanStep, move: NonNullable<PlanStep['move']>): Promise<StreamEnd> {
    return new Promise((resolve) => {
      const { param, durationMs } = clampedMove(move, config);
      const periodMs = 1000 / config.robot.move_rate_hz;
      const endAt = clock.now() + durationMs;
      state.onCommand(step.spec);
      telemetry?.emit({ type: 'command', action: step.spec.name, apiId: step.spec.apiId });
      let finished = false;
      const end = (reason: StreamEnd) => {
        if (finished) return;
        finished = true;
        if (stream) clock.clearTimeout(stream.timer);
        stream = undefined;
        // An emergency stop already published its own StopMove; a handover leaves the
        // stream to the next Move. Every other end (done, lost publish, cancel) stops it.
        if (reason !== 'stopped' && reason !== 'handover') publishStop();
        resolve(reason);
      };
      const tick = () => {
        if (finished) return;
        if (clock.now() >= endAt) return end('done');
        if (send(step.spec, param, true) === undefined) return end('publish_failed');
        if (handoverTo === job) handoverTo = undefined;
        if (stream) stream.timer = clock.setTimeout(tick, Math.min(periodMs, Math.max(0, endAt - clock.now())));
      };
      stream = { job, timer: undefined, end };
      tick();
    });
  }

  function endReason(job: Job): EndReason | undefined {
    if (closed) return 'shutdown';
    if (job.gen !== generation || job.req.epoch < epoch.current()) return 'superseded_by_stop';
    if (job.canceled) return 'canceled';
    if (job.supersededBy) return 'superseded';
    return undefined;
  }

  const ref = (req: Request): RequestRef => ({ requestId: req.id, utteranceId: req.utteranceId });

  /**
   * The steps from `index` on will not run. StopMove steps among them are never dropped when
   * the plan is superseded or cancelled: one StopMove goes out now, and they keep `ok`.
   */
  function dropFrom(job: Job, index: number, reason: DropReason): void {
    let stopSent = false;
    for (const step of job.plan.steps.slice(index)) {
      const a = job.plan.actions[step.actionIndex];
      if (!a || (a.verdict !== 'ok' && a.verdict !== 'inserted')) continue;
      if (step.spec.kind === 'stop' && (reason === 'superseded' || reason === 'canceled')) {
        if (!stopSent) {
          publishStop();
          job.report.firstPublishAt ??= clock.now();
          job.report.publishedApiIds.push(stopSpec.apiId);
          stopSent = true;
        }
        continue;
      }
      a.verdict = `dropped:${reason}`;
    }
  }

  /** Ends a job that never ran (or is told to stop before its next step): drops what is left, resolves. */
  function finalize(job: Job, reason: EndReason): void {
    if (job.state === 'done') return;
    dropFrom(job, job.state === 'queued' ? 0 : job.step, reason);
    retire(job);
  }

  function retire(job: Job): void {
    const by = job.supersededBy;
    // Superseded means something was dropped for the newer plan: a plan that was at its last step when the newer one came ran to its end.
    if (by && job.plan.actions.some((a) => a.verdict === 'dropped:superseded')) {
      job.report.supersededBy = ref(by.req);
      (by.report.superseded ??= []).push(ref(job.req));
      counts.superseded++;
      telemetry?.emit({ type: 'superseded', requestId: job.req.id, byRequestId: by.req.id });
    }
    job.state = 'done';
    jobs.delete(job);
    if (current === job) current = undefined;
    if (handoverTo === job) {
      // The Move that was to take over the stream will not come: the next superseding Move
      // may take it, else the stream is stopped now.
      const next = [...jobs].find((j) => j.supersededBy === undefined && firstIsMove(j));
      if (next) handoverTo = next;
      else publishStop();
    }
    job.finish();
  }

  function firstIsMove(job: Job): boolean {
    return job.plan.steps[0]?.move !== undefined;
  }

  function older(a: Job, b: Job): boolean {
    if (a.req.receivedAt !== b.req.receivedAt) return a.req.receivedAt < b.req.receivedAt;
    return (a.req.arrivalSeq ?? 0) < (b.req.arrivalSeq ?? 0);
  }

  /** The steps of `job` still to run, as api id + parameter, to tell "the same command again". */
  function sameSteps(a: PlanStep[], b: PlanStep[]): boolean {
    return a.length === b.length && a.every((s, i) => s.spec.apiId === b[i]?.spec.apiId && JSON.stringify(s.parameter) === JSON.stringify(b[i]?.parameter) && JSON.stringify(s.move) === JSON.stringify(b[i]?.move));
  }

  function supersede(old: Job, by: Job): void {
    if (old.state === 'done' || endReason(old)) return;
    old.supersededBy = by;
    if (old.state === 'queued') return finalize(old, 'superseded');
    if (stream?.job === old) {
      if (firstIsMove(by)) {
        handoverTo = by;
        stream.end('handover');
      } else stream.end('superseded');
      return;
    }
    // A pause or settle wait ends now; an action waiting for its response finishes first.
    old.ctl.abort();
  }

  /**
   * newest_wins: decides what `job` does to the plans already here. Returns false when the
   * job has nothing left to run (it arrived late, or repeats what is running).
   */
  function arbitrate(job: Job): boolean {
    if (newest && newest !== job && older(job, newest)) {
      // What is left of a late stop plan (its StopMove went out already) may be nothing at all.
      if (job.plan.steps.length === 0) {
        retire(job);
        return false;
      }
      job.supersededBy = newest;
      finalize(job, 'superseded');
      return false;
    }
    const running = current && current !== job && !endReason(current) ? current : undefined;
    const repeat = running !== undefined && sameSteps(running.plan.steps.slice(running.step), job.plan.steps);
    for (const other of [...jobs]) if (other !== job && other !== (repeat ? running : undefined) && older(other, job)) supersede(other, job);
    newest = job;
    if (repeat && running) {
      for (const a of job.plan.actions) if (a.verdict === 'ok' || a.verdict === 'inserted') a.verdict = 'dropped:already_running';
      job.report.alreadyRunning = ref(running.req);
      counts.alreadyRunning++;
      retire(job);
      return false;
    }
    return true;
  }

  function cancel(job: Job): void {
    if (job.state === 'done' || job.canceled) return;
    job.canceled = true;
    counts.canceled++;
    if (job.state === 'queued') return finalize(job, 'canceled');
    job.ctl.abort();
    if (stream?.job === job) stream.end('canceled');
    for (const [id, p] of [...pending]) {
      if (p.job !== job) continue;
      // The robot is busy with this plan's action: StopMove ends what it is doing.
      settle(id, 'canceled');
      publishStop();
    }
  }

  async function steps(job: Job): Promise<void> {
    const { plan, report } = job;
    const signal = job.ctl.signal;
    for (const [i, step] of plan.steps.entries()) {
      job.step = i;
      let why = endReason(job);
      if (why) return dropFrom(job, i, why);
      if (!catalogue.apiIds().has(step.spec.apiId)) {
        // Plans only come from the safety compiler; this guards against a hand-made one.
        logger.error('refusing a plan step outside the whitelist', { api_id: step.spec.apiId });
        for (const s of plan.steps.slice(i)) {
          const a = plan.actions[s.actionIndex];
          if (a && (a.verdict === 'ok' || a.verdict === 'inserted')) a.verdict = 'dropped:unknown_action';
        }
        return;
      }
      // The compiler planned against the posture it knew; a plan queued behind another may
      // find the robot sitting now. Stand up first (never right after a StandUp).
      const stand = catalogue.byName('stand_up');
      const prev = plan.steps[i - 1];
      if (step.spec.requiresStanding && state.posture() !== 'standing' && stand?.enabled && prev?.spec.apiId !== stand.apiId) {
        try {
          if (i > 0 && config.robot.sequence_pause_ms > 0) await clock.sleep(config.robot.sequence_pause_ms, signal);
        } catch {
          /* woken: the checks below say why */
        }
        why = endReason(job);
        if (why) return dropFrom(job, i, why);
        if (handoverTo === job) publishStop();
        const inserted: CompiledAction = { name: stand.name, api_id: stand.apiId, parameter: '{}', verdict: 'inserted' };
        plan.actions.splice(step.actionIndex, 0, inserted);
        for (const later of plan.steps.slice(i)) later.actionIndex++;
        report.firstPublishAt ??= clock.now();
        report.publishedApiIds.push(stand.apiId);
        const code = await request(job, stand, {});
        if (code === 'stopped' || code === 'canceled') {
          const r = endReason(job) ?? 'superseded_by_stop';
          inserted.verdict = `dropped:${r}`;
          return dropFrom(job, i, r);
        }
        const reported: RobotCode = code === 'publish_failed' ? 'unknown' : code;
        report.robotCodes.push({ apiId: stand.apiId, code: reported });
        if (reported !== 0 && reported !== -1) {
          counts.failures++;
          return dropFrom(job, i, 'previous_failed');
        }
        lastStandUpAt = clock.now();
      }
      try {
        if ((i > 0 || report.publishedApiIds.length > 0) && config.robot.sequence_pause_ms > 0) await clock.sleep(config.robot.sequence_pause_ms, signal);
        if (step.move) {
          const wait = lastStandUpAt + config.robot.settle_ms - clock.now();
          if (wait > 0) await clock.sleep(wait, signal);
        }
      } catch {
        /* woken: the checks below say why */
      }
      why = endReason(job);
      if (why) return dropFrom(job, i, why);
      if (handoverTo === job && !step.move) publishStop();
      report.firstPublishAt ??= clock.now();
      if (step.move) {
        report.publishedApiIds.push(step.spec.apiId);
        const res = await runStream(job, step, step.move);
        if (res !== 'stopped' && res !== 'handover') report.publishedApiIds.push(stopSpec.apiId);
        // A stream cut short is reported with what cut it, like the steps that never ran.
        if (res === 'stopped' || res === 'canceled' || res === 'superseded' || res === 'handover') return dropFrom(job, i, endReason(job) ?? 'superseded_by_stop');
        if (res === 'publish_failed') {
          counts.failures++;
          report.robotCodes.push({ apiId: step.spec.apiId, code: 'unknown' });
          return dropFrom(job, i + 1, 'previous_failed');
        }
        continue;
      }
      report.publishedApiIds.push(step.spec.apiId);
      const code = await request(job, step.spec, step.parameter);
      if (code === 'stopped' || code === 'canceled') return dropFrom(job, i + 1, endReason(job) ?? 'superseded_by_stop');
      const reported: RobotCode = code === 'publish_failed' ? 'unknown' : code;
      report.robotCodes.push({ apiId: step.spec.apiId, code: reported });
      if (reported === 0 || reported === -1 || code === 'unknown') {
        if (step.spec.postureAfter === 'standing') lastStandUpAt = clock.now();
        continue;
      }
      counts.failures++;
      logger.warn('sport command failed; the rest of the sequence is dropped', { action: step.spec.name, api_id: step.spec.apiId, code: reported });
      return dropFrom(job, i + 1, 'previous_failed');
    }
    job.step = plan.steps.length;
  }

  async function run(job: Job): Promise<void> {
    if (job.state !== 'queued') return;
    job.state = 'running';
    current = job;
    try {
      await steps(job);
    } finally {
      if (handoverTo === job) publishStop();
      retire(job);
    }
  }

  const api: MotionExecutorHandle = {
    component: 'motion',
    execute(plan, req, opts: ExecuteOptions = {}) {
      const report: ExecReport = { publishedApiIds: [], robotCodes: [] };
      let steps = plan.steps;
      // A decision whose first step is StopMove (from the grammar, the cache or the LLM) must
      // not queue behind a running Move stream: it stops now, like the emergency reflex.
      if (steps[0]?.spec.kind === 'stop' && !closed && req.epoch >= epoch.current()) {
        api.emergencyStop('decision:stop');
        report.publishedApiIds.push(stopSpec.apiId);
        report.firstPublishAt = clock.now();
        steps = steps.slice(1);
      }
      const rest: Plan = steps === plan.steps ? plan : { ...plan, steps };
      let finish!: () => void;
      const done = new Promise<void>((r) => (finish = r));
      const job: Job = { plan: rest, req, report, gen: generation, state: 'queued', step: 0, canceled: false, ctl: new AbortController(), finish };
      jobs.add(job);
      const signal = opts.signal;
      if (signal?.aborted) cancel(job);
      else if (signal) {
        const onAbort = () => cancel(job);
        signal.addEventListener('abort', onAbort, { once: true });
        void done.then(() => signal.removeEventListener('abort', onAbort));
      }
      // Only a plan that moves the robot supersedes: chat-only, fully blocked and dry-run plans do not.
      const moves = rest.steps.length > 0 || rest !== plan;
      if (job.state === 'queued' && newestWins && moves && !req.dryRun) arbitrate(job);
      if (job.state === 'queued' && rest.steps.length === 0) retire(job);
      if (job.state === 'queued') {
        const started = chain.then(() => run(job));
        chain = started.catch(() => undefined);
      }
      return done.then(() => report);
    },
    emergencyStop(reason) {
      // StopMove first: nothing, not even bookkeeping, runs in front of it.
      const published = publishStop();
      counts.stops++;
      generation++;
      logger.info('emergency stop', { reason });
      stream?.end('stopped');
      for (const id of [...pending.keys()]) {
        const p = pending.get(id);
        if (p && p.spec.apiId !== stopSpec.apiId) settle(id, 'stopped');
      }
      for (const job of [...jobs]) {
        if (job.state === 'queued') finalize(job, 'superseded_by_stop');
        else job.ctl.abort();
      }
      return published;
    },
    async close() {
      if (closed) return;
      const wasStreaming = stream !== undefined || handoverTo !== undefined;
      closed = true;
      generation++;
      stream?.end('stopped');
      if (wasStreaming) publishStop();
      for (const id of [...pending.keys()]) settle(id, 'stopped');
      for (const job of [...jobs]) {
        if (job.state === 'queued') finalize(job, 'shutdown');
        else job.ctl.abort();
      }
      await chain;
    },
    onResponse(msg) {
      const id = msg?.header?.identity?.id;
      if (typeof id !== 'bigint' || !pending.has(id)) {
        counts.unmatched++;
        return;
      }
      counts.responses++;
      const code = msg.header.status?.code;
      settle(id, typeof code === 'number' ? code : 'unknown');
    },
    streaming: () => stream !== undefined,
    status() {
      const last = state.lastCode();
      const level = counts.publishErrors > 0 ? 'error' : last && last.code !== 0 && last.code !== -1 ? 'warn' : 'ok';
      return {
        level,
        message: stream ? 'move stream active' : last ? `last ${last.name}: ${last.code}` : 'idle',
        values: {
          published: counts.published,
          responses: counts.responses,
          timeouts: counts.timeouts,
          failures: counts.failures,
          emergency_stops: counts.stops,
          unmatched_responses: counts.unmatched,
          publish_errors: counts.publishErrors,
          pending: pending.size,
          streaming: stream !== undefined,
          posture: state.posture(),
          arbitration: config.robot.arbitration,
          plans_superseded: counts.superseded,
          plans_already_running: counts.alreadyRunning,
          plans_canceled: counts.canceled,
        },
      };
    },
  };
  return api;
}
