import { expect } from 'chai';
import type { Config, DeepPartial, Posture } from '../../src/config';
import { createStopEpoch } from '../../src/pipeline/stages';
import type { Plan, Proposal } from '../../src/pipeline/types';
import type { UnitreeRequestMsg } from '../../src/ros/messages';
import { createMotionExecutor } from '../../src/robot/motion-executor';
import { createRobotState } from '../../src/robot/robot-state';
import { createSafetyCompiler } from '../../src/robot/safety-compiler';
import { VirtualClock } from '../../src/util/clock';
import { createMemoryLogger } from '../../src/util/logger';
import { createTelemetry, type TelemetryEvent } from '../../src/util/telemetry';
import { makeRequest, testCatalogue, testConfig } from './helpers';

/**
 * The executor on virtual time with a publish callback that records every Request, and an
 * optional robot responder that answers on /api/sport/response through onResponse.
 */
function setup(opts: { config?: DeepPartial<Config>; posture?: Posture; codes?: Record<number, number | 'silent'>; publishThrows?: () => boolean } = {}) {
  const config = testConfig({ ...opts.config, robot: { initial_posture: opts.posture ?? 'standing', ...opts.config?.robot } });
  const catalogue = testCatalogue(config);
  const clock = new VirtualClock();
  const state = createRobotState({ config, clock });
  const epoch = createStopEpoch();
  const telemetry = createTelemetry();
  const events: TelemetryEvent[] = [];
  telemetry.on((e) => events.push(e));
  const sent: UnitreeRequestMsg[] = [];
  const logger = createMemoryLogger();
  const exec = createMotionExecutor({
    config,
    catalogue,
    state,
    epoch,
    clock,
    logger,
    telemetry,
    publish: (msg) => {
      if (opts.publishThrows?.()) throw new Error('transport lost');
      sent.push(msg);
      const apiId = Number(msg.header.identity.api_id);
      const code = opts.codes?.[apiId] ?? 0;
      // The robot answers every request that wants an answer, 20 ms later.
      if (!msg.header.policy.noreply && code !== 'silent') {
        clock.setTimeout(() => exec.onResponse({ header: { identity: { id: msg.header.identity.id, api_id: msg.header.identity.api_id }, status: { code } }, data: '', binary: [] }), 20);
      }
    },
  });
  const compiler = createSafetyCompiler({ config, catalogue, state, epoch });
  const plan = (proposals: Proposal[], req = makeRequest({ epoch: epoch.current() })): Plan => compiler.compile(proposals, req);
  const apiIds = () => sent.map((m) => Number(m.header.identity.api_id));
  return { config, catalogue, clock, state, epoch, exec, sent, events, plan, apiIds, logger };
}

describe('robot: motion executor', () => {
  it('publishes a well-formed unitree_api Request and reports the robot code', async () => {
    const t = setup();
    const p = t.plan([{ name: 'hello' }]);
    const done = t.exec.execute(p, makeRequest());
    await t.clock.runAll();
    const report = await done;
    expect(t.sent).to.have.length(1);
    const msg = t.sent[0]!;
    expect(typeof msg.header.identity.id).to.equal('bigint');
    expect(msg.header.identity.api_id).to.equal(1016n);
    expect(msg.header.lease.id).to.equal(0n);
    expect(msg.header.policy).to.deep.equal({ priority: 0, noreply: false });
    expect(msg.parameter).to.equal('{}');
    expect(report.publishedApiIds).to.deep.equal([1016]);
    expect(report.robotCodes).to.deep.equal([{ apiId: 1016, code: 0 }]);
    expect(report.firstPublishAt).to.equal(0);
    expect(t.events).to.deep.include({ type: 'command', action: 'hello', apiId: 1016 });
    expect(t.events).to.deep.include({ type: 'robot_response', apiId: 1016, code: 0 });
  });

  it('gives every request a unique, increasing identity.id and matches responses on it', async () => {
    const t = setup({ posture: 'sitting' });
    const done = t.exec.execute(t.plan([{ name: 'hello' }, { name: 'heart' }, { name: 'scrape' }]), makeRequest());
    await t.clock.runAll();
    await done;
    const ids = t.sent.map((m) => m.header.identity.id);
    expect(ids).to.have.length(4);
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).to.equal(true);
    // A response for an id nobody waits for is counted, not matched.
    t.exec.onResponse({ header: { identity: { id: 1n, api_id: 1016n }, status: { code: 0 } }, data: '', binary: [] });
    expect(t.exec.status().values['unmatched_responses']).to.equal(1);
  });

  it('updates the posture from the codes: StandUp then Sit leaves the robot sitting', async () => {
    const t = setup({ posture: 'lying' });
    const done = t.exec.execute(t.plan([{ name: 'sit' }]), makeRequest());
    await t.clock.runAll();
    const report = await done;
    expect(t.apiIds()).to.deep.equal([1004, 1009]);
    expect(report.robotCodes).to.deep.equal([{ apiId: 1004, code: 0 }, { apiId: 1009, code: 0 }]);
    expect(t.state.posture()).to.equal('sitting');
  });

  it('waits robot.sequence_pause_ms between the steps of a sequence', async () => {
    const t = setup({ config: { robot: { sequence_pause_ms: 300 } } });
    const done = t.exec.execute(t.plan([{ name: 'hello' }, { name: 'heart' }]), makeRequest());
    await t.clock.advance(20 + 299); // response after 20 ms, pause not over
    expect(t.apiIds()).to.deep.equal([1016]);
    await t.clock.advance(1);
    expect(t.apiIds()).to.deep.equal([1016, 1036]);
    await t.clock.runAll();
    await done;
  });

  it('reports unknown when the robot does not answer within the action timeout, and goes on', async () => {
    const t = setup({ codes: { 1022: 'silent' } });
    const p = t.plan([{ name: 'dance1' }, { name: 'sit' }]);
    const done = t.exec.execute(p, makeRequest());
    await t.clock.advance(24_999);
    expect(t.apiIds()).to.deep.equal([1022]);
    await t.clock.advance(1); // dance1 timeout_s: 25
    await t.clock.runAll();
    const report = await done;
    // Not confirmed is not refused: the sequence goes on.
    expect(report.robotCodes).to.deep.equal([{ apiId: 1022, code: 'unknown' }, { apiId: 1009, code: 0 }]);
    expect(p.actions.map((a) => a.verdict)).to.deep.equal(['ok', 'ok']);
    expect(t.apiIds()).to.deep.equal([1022, 1009]);
    expect(t.events).to.deep.include({ type: 'robot_response', apiId: 1022, code: 'unknown' });
  });

  it('cuts a sequence at the first failure (3203) and reports the rest as dropped:previous_failed', async () => {
    const t = setup({ codes: { 1036: 3203 } });
    const p = t.plan([{ name: 'hello' }, { name: 'heart' }, { name: 'sit' }, { name: 'forward' }]);
    const done = t.exec.execute(p, makeRequest());
    await t.clock.runAll();
    const report = await done;
    expect(t.apiIds()).to.deep.equal([1016, 1036]);
    expect(report.robotCodes).to.deep.equal([{ apiId: 1016, code: 0 }, { apiId: 1036, code: 3203 }]);
    expect(p.actions.map((a) => `${a.name}:${a.verdict}`)).to.deep.equal(['hello:ok', 'heart:ok', 'sit:dropped:previous_failed', 'stand_up:dropped:previous_failed', 'forward:dropped:previous_failed']);
  });

  it('uses robot.response_timeout_s for actions whose catalogue entry sets no timeout_s', async () => {
    const t = setup({ codes: { 1009: 'silent' }, config: { robot: { response_timeout_s: 0.5 } } });
    const done = t.exec.execute(t.plan([{ name: 'sit' }]), makeRequest());
    await t.clock.advance(499);
    expect(t.state.lastCode()).to.equal(undefined);
    await t.clock.advance(1);
    expect((await done).robotCodes).to.deep.equal([{ apiId: 1009, code: 'unknown' }]);
    expect(t.state.posture()).to.equal('unknown');
  });

  it('stands up at run time when a plan queued behind another finds the robot no longer standing', async () => {
    const t = setup();
    const sitPlan = t.plan([{ name: 'sit' }]);
    const helloPlan = t.plan([{ name: 'hello' }, { name: 'heart' }]); // compiled while standing: no StandUp
    expect(helloPlan.actions.map((a) => a.name)).to.deep.equal(['hello', 'heart']);
    const a = t.exec.execute(sitPlan, makeRequest());
    const b = t.exec.execute(helloPlan, makeRequest());
    await t.clock.runAll();
    await a;
    const report = await b;
    expect(t.apiIds()).to.deep.equal([1009, 1004, 1016, 1036]);
    expect(helloPlan.actions.map((x) => `${x.name}:${x.verdict}`)).to.deep.equal(['stand_up:inserted', 'hello:ok', 'heart:ok']);
    expect(helloPlan.steps.map((st) => st.actionIndex)).to.deep.equal([1, 2]);
    expect(report.robotCodes.map((c) => c.apiId)).to.deep.equal([1004, 1016, 1036]);
  });

  it('a failed run-time StandUp drops the action that needed it', async () => {
    const t = setup({ codes: { 1004: 3205 } });
    const hello = t.plan([{ name: 'hello' }]); // compiled while standing
    expect(hello.actions.map((x) => x.name)).to.deep.equal(['hello']);
    t.state.onSportModeState({ mode: 10 }); // the robot reports it sat down meanwhile
    const done = t.exec.execute(hello, makeRequest());
    await t.clock.runAll();
    expect((await done).robotCodes).to.deep.equal([{ apiId: 1004, code: 3205 }]);
    expect(hello.actions.map((x) => `${x.name}:${x.verdict}`)).to.deep.equal(['stand_up:inserted', 'hello:dropped:previous_failed']);
    expect(t.apiIds()).to.deep.equal([1004]);
  });

  it('treats -1 (already in that state) as success', async () => {
    const t = setup({ codes: { 1004: -1 } });
    const done = t.exec.execute(t.plan([{ name: 'stand_up' }, { name: 'hello' }]), makeRequest());
    await t.clock.runAll();
    expect((await done).robotCodes).to.deep.equal([{ apiId: 1004, code: -1 }, { apiId: 1016, code: 0 }]);
  });

  it('runs Move as a noreply stream at robot.move_rate_hz after the settle time, ended by StopMove', async () => {
    const t = setup({ posture: 'sitting', config: { robot: { settle_ms: 1500, move_rate_hz: 10 } } });
    const p = t.plan([{ name: 'forward', params: { distance_m: 0.6 } }]); // 0.3 m/s -> 2 s
    const done = t.exec.execute(p, makeRequest());
    await t.clock.advance(20); // StandUp answered
    expect(t.apiIds()).to.deep.equal([1004]);
    await t.clock.advance(1499); // settling
    expect(t.apiIds()).to.deep.equal([1004]);
    await t.clock.advance(1);
    expect(t.apiIds()).to.deep.equal([1004, 1008]);
    await t.clock.runAll();
    const report = await done;
    const moves = t.sent.filter((m) => m.header.identity.api_id === 1008n);
    expect(moves).to.have.length(20); // 2 s at 10 Hz
    for (const m of moves) {
      expect(m.header.policy.noreply).to.equal(true);
      expect(JSON.parse(m.parameter)).to.deep.equal({ x: 0.3, y: 0, z: 0 });
    }
    expect(t.apiIds().at(-1)).to.equal(1003);
    expect(report.publishedApiIds).to.deep.equal([1004, 1008, 1003]);
    expect(t.exec.streaming()).to.equal(false);
  });

  it('clamps a Move plan that exceeds the limits even when it did not come from the compiler', async () => {
    const t = setup();
    const p = t.plan([{ name: 'forward' }]);
    p.steps[0]!.move = { vx: 9, vy: -9, vyaw: 9, durationMs: 3_600_000 };
    const done = t.exec.execute(p, makeRequest());
    await t.clock.runAll();
    await done;
    const moves = t.sent.filter((m) => m.header.identity.api_id === 1008n);
    expect(JSON.parse(moves[0]!.parameter)).to.deep.equal({ x: t.config.robot.move_max_vx, y: -t.config.robot.move_max_vy, z: t.config.robot.move_max_vyaw });
    expect(moves.length).to.equal(t.config.robot.move_max_duration_s * t.config.robot.move_rate_hz);
  });

  it('emergencyStop publishes StopMove synchronously and cancels the Move stream and the queued steps', async () => {
    const t = setup();
    const p = t.plan([{ name: 'forward', params: { duration_s: 5 } }, { name: 'hello' }]);
    const done = t.exec.execute(p, makeRequest());
    await t.clock.advance(1000);
    expect(t.exec.streaming()).to.equal(true);
    const before = t.sent.length;
    t.exec.emergencyStop('reflex:stop');
    // Synchronous: StopMove is out before emergencyStop returns.
    expect(t.sent.length).to.equal(before + 1);
    expect(t.sent.at(-1)?.header.identity.api_id).to.equal(1003n);
    expect(t.exec.streaming()).to.equal(false);
    await t.clock.runAll();
    await done;
    expect(t.apiIds().slice(before)).to.deep.equal([1003]); // no Move after the stop, hello never sent
    expect(p.actions.map((a) => a.verdict)).to.deep.equal(['dropped:superseded_by_stop', 'dropped:superseded_by_stop']);
  });

  it('a decided stop (plan starting with StopMove) does not wait behind a running Move stream', async () => {
    const t = setup();
    const move = t.plan([{ name: 'forward', params: { duration_s: 5 } }]);
    const moving = t.exec.execute(move, makeRequest());
    await t.clock.advance(500);
    expect(t.exec.streaming()).to.equal(true);
    const before = t.sent.length;
    const stopping = t.exec.execute(t.plan([{ name: 'stop' }, { name: 'sit' }]), makeRequest());
    expect(t.sent.length).to.equal(before + 1);
    expect(t.sent.at(-1)?.header.identity.api_id).to.equal(1003n);
    expect(t.exec.streaming()).to.equal(false);
    await t.clock.runAll();
    await moving;
    const report = await stopping;
    expect(move.actions[0]?.verdict).to.equal('dropped:superseded_by_stop');
    expect(report.publishedApiIds).to.deep.equal([1003, 1009]);
    expect(t.apiIds().slice(before)).to.deep.equal([1003, 1009]);
  });

  it('stop epoch: a plan for an utterance heard before the stop publishes nothing', async () => {
    const t = setup();
    const req = makeRequest({ epoch: t.epoch.current() });
    const p = t.plan([{ name: 'hello' }], req);
    t.epoch.bump();
    t.exec.emergencyStop('reflex:止まって');
    const sentAfterStop = t.sent.length;
    const done = t.exec.execute(p, req);
    await t.clock.runAll();
    const report = await done;
    expect(t.sent.length).to.equal(sentAfterStop);
    expect(report.publishedApiIds).to.deep.equal([]);
    expect(p.actions[0]?.verdict).to.equal('dropped:superseded_by_stop');
  });

  it('a queued plan behind a running one is dropped by a stop; a new plan afterwards runs', async () => {
    const t = setup({ codes: { 1022: 'silent' } });
    const first = t.exec.execute(t.plan([{ name: 'dance1' }]), makeRequest());
    const queuedPlan = t.plan([{ name: 'heart' }]);
    const queued = t.exec.execute(queuedPlan, makeRequest());
    await t.clock.advance(1000);
    t.epoch.bump();
    t.exec.emergencyStop('reflex:stop');
    await t.clock.advance(100);
    await first;
    await queued;
    expect(t.apiIds()).to.deep.equal([1022, 1003]);
    expect(queuedPlan.actions[0]?.verdict).to.equal('dropped:superseded_by_stop');
    const next = t.exec.execute(t.plan([{ name: 'hello' }]), makeRequest({ epoch: t.epoch.current() }));
    await t.clock.runAll();
    expect((await next).publishedApiIds).to.deep.equal([1016]);
  });

  it('close() during a Move stream publishes StopMove and ends the stream', async () => {
    const t = setup();
    const p = t.plan([{ name: 'turn_left', params: { angle_deg: 180 } }]);
    const done = t.exec.execute(p, makeRequest());
    await t.clock.advance(500);
    expect(t.exec.streaming()).to.equal(true);
    const closing = t.exec.close();
    expect(t.sent.at(-1)?.header.identity.api_id).to.equal(1003n);
    await t.clock.runAll();
    await closing;
    await done;
    const afterClose = t.sent.length;
    await t.clock.advance(5000);
    expect(t.sent.length).to.equal(afterClose);
    expect(p.actions[0]?.verdict).to.equal('dropped:shutdown');
  });

  it('close() with no stream publishes nothing', async () => {
    const t = setup();
    await t.exec.close();
    expect(t.sent).to.deep.equal([]);
  });

  it('a lost transport fails the step, reports unknown and shows in status()', async () => {
    const t = setup({ publishThrows: () => true });
    const p = t.plan([{ name: 'hello' }, { name: 'heart' }]);
    const done = t.exec.execute(p, makeRequest());
    await t.clock.runAll();
    const report = await done;
    expect(report.robotCodes).to.deep.equal([{ apiId: 1016, code: 'unknown' }]);
    expect(p.actions[1]?.verdict).to.equal('dropped:previous_failed');
    expect(t.exec.status().level).to.equal('error');
  });

  it('refuses a hand-made plan step outside the whitelist', async () => {
    const t = setup();
    const p = t.plan([{ name: 'hello' }]);
    p.steps[0]!.spec = { ...p.steps[0]!.spec, apiId: 1018 };
    const done = t.exec.execute(p, makeRequest());
    await t.clock.runAll();
    await done;
    expect(t.sent).to.deep.equal([]);
    expect(p.actions[0]?.verdict).to.equal('dropped:unknown_action');
  });
});
