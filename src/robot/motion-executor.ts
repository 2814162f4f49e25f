import type { Config } from '../config/types';
import type { ExecReport, MotionExecutor, StopEpoch } from '../pipeline/stages';
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

interface Pending {
  spec: ActionSpec;
  timer: TimerHandle;
  resolve: (code: RobotCode | 'stopped') => void;
}

/**
 * Publishes plans as unitree_api Requests, one plan at a time, in order.
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
 */
export function createMotionExecutor(deps: MotionExecutorDeps): MotionExecutorHandle {
  const { config, catalogue, state, epoch, clock, logger, telemetry } = deps;
  const stopSpec = catalogue.byName('stop') as ActionSpec;
  let nextId = clock.wallNs();
  /** Bumped by every emergency stop and by close(): plans started under an older value stop. */
  let generation = 0;
  let closed = false;
  let chain: Promise<unknown> = Promise.resolve();
  const pending = new Map<bigint, Pending>();
  let stream: { timer: TimerHandle | undefined; end: (reason: 'done' | 'stopped') => void } | undefined;
  let lastStandUpAt = -Infinity;
  const counts = { published: 0, responses: 0, timeouts: 0, failures: 0, stops: 0, unmatched: 0, publishErrors: 0 };
  let runAbort = new AbortController();

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
  function publishStop(): void {
    const id = send(stopSpec, {}, false);
    if (id === undefined) return;
    state.onCommand(stopSpec);
    telemetry?.emit({ type: 'command', action: stopSpec.name, apiId: stopSpec.apiId });
    const timer = clock.setTimeout(() => settle(id, 'unknown'), timeoutOf(stopSpec) * 1000);
    pending.set(id, { spec: stopSpec, timer, resolve: () => undefined });
  }

  function settle(id: bigint, code: RobotCode | 'stopped'): void {
    const p = pending.get(id);
    if (!p) return;
    pending.delete(id);
    clock.clearTimeout(p.timer);
    if (code !== 'stopped') {
      if (code === 'unknown') counts.timeouts++;
      state.onResult(p.spec, code);
      telemetry?.emit({ type: 'robot_response', apiId: p.spec.apiId, code });
    }
    p.resolve(code);
  }

  /** One request that expects an answer: resolves with the robot's code, `unknown`, or `stopped`. */
  function request(spec: ActionSpec, parameter: Record<string, unknown>): Promise<RobotCode | 'stopped' | 'publish_failed'> {
    return new Promise((resolve) => {
      const id = send(spec, parameter, false);
      if (id === undefined) return resolve('publish_failed');
      state.onCommand(spec);
      telemetry?.emit({ type: 'command', action: spec.name, apiId: spec.apiId });
      const timeoutMs = Math.max(timeoutOf(spec), 0.05) * 1000;
      const timer = clock.setTimeout(() => settle(id, 'unknown'), timeoutMs);
      pending.set(id, { spec, timer, resolve });
    });
  }

  /** A Move stream: Move at a fixed rate for the duration, then StopMove. */
  function runStream(step: PlanStep, move: NonNullable<PlanStep['move']>): Promise<'done' | 'stopped' | 'publish_failed'> {
    return new Promise((resolve) => {
      const { param, durationMs } = clampedMove(move, config);
      const periodMs = 1000 / config.robot.move_rate_hz;
      const endAt = clock.now() + durationMs;
      state.onCommand(step.spec);
      telemetry?.emit({ type: 'command', action: step.spec.name, apiId: step.spec.apiId });
      let finished = false;
      const end = (reason: 'done' | 'stopped' | 'publish_failed') => {
        if (finished) return;
        finished = true;
        if (stream) clock.clearTimeout(stream.timer);
        stream = undefined;
        // A normal end and a lost publish both close the stream with StopMove; an
        // emergency stop already published its own.
        if (reason !== 'stopped') publishStop();
        resolve(reason);
      };
      const tick = () => {
        if (finished) return;
        if (clock.now() >= endAt) return end('done');
        if (send(step.spec, param, true) === undefined) return end('publish_failed');
        if (stream) stream.timer = clock.setTimeout(tick, Math.min(periodMs, Math.max(0, endAt - clock.now())));
      };
      stream = { timer: undefined, end: (reason) => end(reason) };
      tick();
    });
  }

  async function run(plan: Plan, req: Request, gen: number, report: ExecReport): Promise<void> {
    const signal = runAbort.signal;
    const live = () => !closed && gen === generation && req.epoch >= epoch.current();
    const dropFrom = (index: number, reason: string) => {
      for (const step of plan.steps.slice(index)) {
        const a = plan.actions[step.actionIndex];
        if (a && (a.verdict === 'ok' || a.verdict === 'inserted')) a.verdict = `dropped:${reason}`;
      }
    };
    for (const [i, step] of plan.steps.entries()) {
      if (!live()) return dropFrom(i, closed ? 'shutdown' : 'superseded_by_stop');
      if (!catalogue.apiIds().has(step.spec.apiId)) {
        // Plans only come from the safety compiler; this guards against a hand-made one.
        logger.error('refusing a plan step outside the whitelist', { api_id: step.spec.apiId });
        return dropFrom(i, 'unknown_action');
      }
      // The compiler planned against the posture it knew; a plan queued behind another may
      // find the robot sitting now. Stand up first (never right after a StandUp).
      const stand = catalogue.byName('stand_up');
      const prev = plan.steps[i - 1];
      if (step.spec.requiresStanding && state.posture() !== 'standing' && stand?.enabled && prev?.spec.apiId !== stand.apiId) {
        try {
          if (i > 0 && config.robot.sequence_pause_ms > 0) await clock.sleep(config.robot.sequence_pause_ms, signal);
        } catch {
          return dropFrom(i, closed ? 'shutdown' : 'superseded_by_stop');
        }
        if (!live()) return dropFrom(i, closed ? 'shutdown' : 'superseded_by_stop');
        const inserted: CompiledAction = { name: stand.name, api_id: stand.apiId, parameter: '{}', verdict: 'inserted' };
        plan.actions.splice(step.actionIndex, 0, inserted);
        for (const later of plan.steps.slice(i)) later.actionIndex++;
        report.firstPublishAt ??= clock.now();
        report.publishedApiIds.push(stand.apiId);
        const code = await request(stand, {});
        if (code === 'stopped') {
          inserted.verdict = `dropped:${closed ? 'shutdown' : 'superseded_by_stop'}`;
          return dropFrom(i, closed ? 'shutdown' : 'superseded_by_stop');
        }
        const reported: RobotCode = code === 'publish_failed' ? 'unknown' : code;
        report.robotCodes.push({ apiId: stand.apiId, code: reported });
        if (reported !== 0 && reported !== -1) {
          counts.failures++;
          return dropFrom(i, 'previous_failed');
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
        return dropFrom(i, closed ? 'shutdown' : 'superseded_by_stop');
      }
      if (!live()) return dropFrom(i, closed ? 'shutdown' : 'superseded_by_stop');
      report.firstPublishAt ??= clock.now();
      if (step.move) {
        report.publishedApiIds.push(step.spec.apiId);
        const res = await runStream(step, step.move);
        if (res !== 'stopped') report.publishedApiIds.push(stopSpec.apiId);
        if (res === 'stopped') return dropFrom(i, closed ? 'shutdown' : 'superseded_by_stop');
        if (res === 'publish_failed') {
          counts.failures++;
          report.robotCodes.push({ apiId: step.spec.apiId, code: 'unknown' });
          return dropFrom(i + 1, 'previous_failed');
        }
        continue;
      }
      report.publishedApiIds.push(step.spec.apiId);
      const code = await request(step.spec, step.parameter);
      if (code === 'stopped') return dropFrom(i + 1, closed ? 'shutdown' : 'superseded_by_stop');
      const reported: RobotCode = code === 'publish_failed' ? 'unknown' : code;
      report.robotCodes.push({ apiId: step.spec.apiId, code: reported });
      if (reported === 0 || reported === -1 || code === 'unknown') {
        if (step.spec.postureAfter === 'standing') lastStandUpAt = clock.now();
        continue;
      }
      counts.failures++;
      logger.warn('sport command failed; the rest of the sequence is dropped', { action: step.spec.name, api_id: step.spec.apiId, code: reported });
      return dropFrom(i + 1, 'previous_failed');
    }
  }

  const api: MotionExecutorHandle = {
    component: 'motion',
    execute(plan, req) {
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
      const gen = generation;
      const rest: Plan = steps === plan.steps ? plan : { ...plan, steps };
      const job = chain.then(() => run(rest, req, gen, report)).then(() => report);
      chain = job.catch(() => undefined);
      return job;
    },
    emergencyStop(reason) {
      // StopMove first: nothing, not even bookkeeping, runs in front of it.
      publishStop();
      counts.stops++;
      generation++;
      runAbort.abort();
      runAbort = new AbortController();
      logger.info('emergency stop', { reason });
      stream?.end('stopped');
      for (const id of [...pending.keys()]) {
        const p = pending.get(id);
        if (p && p.spec.apiId !== stopSpec.apiId) settle(id, 'stopped');
      }
    },
    async close() {
      if (closed) return;
      const wasStreaming = stream !== undefined;
      closed = true;
      generation++;
      runAbort.abort();
      stream?.end('stopped');
      if (wasStreaming) publishStop();
      for (const id of [...pending.keys()]) settle(id, 'stopped');
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
        },
      };
    },
  };
  return api;
}
