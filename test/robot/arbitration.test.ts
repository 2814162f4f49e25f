import { expect } from 'chai';
import type { Config, DeepPartial } from '../../src/config';
import { createStopEpoch } from '../../src/pipeline/stages';
import type { Plan, Proposal, Request } from '../../src/pipeline/types';
import type { UnitreeRequestMsg } from '../../src/ros/messages';
import { createMotionExecutor } from '../../src/robot/motion-executor';
import { createRobotState } from '../../src/robot/robot-state';
import { createSafetyCompiler } from '../../src/robot/safety-compiler';
import { VirtualClock } from '../../src/util/clock';
import { createMemoryLogger } from '../../src/util/logger';
import { createTelemetry, type TelemetryEvent } from '../../src/util/telemetry';
import { makeRequest, testCatalogue, testConfig } from './helpers';

const MOVE = 1008;
const STOP = 1003;

/**
 * The executor on virtual time, robot standing, no pauses; the robot answers each api id
 * after `delays[apiId]` ms (default 20), and every publish is recorded with its time.
 */
function setup(opts: { config?: DeepPartial<Config>; delays?: Record<number, number | 'silent'> } = {}) {
  const config = testConfig({ ...opts.config, robot: { initial_posture: 'standing', settle_ms: 0, sequence_pause_ms: 0, move_rate_hz: 10, ...opts.config?.robot } });
  const catalogue = testCatalogue(config);
  const clock = new VirtualClock();
  const state = createRobotState({ config, clock });
  const epoch = createStopEpoch();
  const telemetry = createTelemetry();
  const events: TelemetryEvent[] = [];
  telemetry.on((e) => events.push(e));
  const sent: Array<{ at: number; apiId: number; param: string }> = [];
  const exec = createMotionExecutor({
    config, catalogue, state, epoch, clock, logger: createMemoryLogger(), telemetry,
    publish: (msg: UnitreeRequestMsg) => {
      const apiId = Number(msg.header.identity.api_id);
      sent.push({ at: clock.now(), apiId, param: msg.parameter });
      const d = opts.delays?.[apiId] ?? 20;
      if (!msg.header.policy.noreply && d !== 'silent') {
        clock.setTimeout(() => exec.onResponse({ header: { identity: { id: msg.header.identity.id, api_id: msg.header.identity.api_id }, status: { code: 0 } }, data: '', binary: [] }), d);
      }
    },
  });
  const compiler = createSafetyCompiler({ config, catalogue, state, epoch });
  let seq = 0;
  /** A request heard at `at` (virtual ms); arrival order decides who wins. */
  const req = (id: string, at = clock.now()): Request => makeRequest({ id, utteranceId: `u-${id}`, receivedAt: at, arrivalSeq: ++seq, epoch: epoch.current() });
  const plan = (proposals: Proposal[], r: Request): Plan => compiler.compile(proposals, r);
  const ids = () => sent.map((s) => s.apiId);
  const after = (t: number) => sent.filter((s) => s.at >= t);
  return { config, clock, exec, sent, events, epoch, req, plan, ids, after };
}

describe('robot: arbitration newest_wins (virtual clock)', () => {
  it('dance then sit: the dance finishes (its response), then sit; no StopMove; the dance plan\'s rest is dropped:superseded', async () => {
    const t = setup({ delays: { 1022: 3000 } });
    const r1 = t.req('dance');
    const p1 = t.plan([{ name: 'dance1' }, { name: 'hello' }], r1);
    const d1 = t.exec.execute(p1, r1);
    await t.clock.advance(1000);
    const r2 = t.req('sit');
    const p2 = t.plan([{ name: 'sit' }], r2);
    const d2 = t.exec.execute(p2, r2);
    await t.clock.advance(1999);
    expect(t.ids()).to.deep.equal([1022]); // sit waits for the dance's answer
    await t.clock.advance(1);
    expect(t.ids()).to.deep.equal([1022, 1009]);
    expect(t.sent[1]?.at).to.equal(3000);
    await t.clock.runAll();
    const [rep1, rep2] = await Promise.all([d1, d2]);
    expect(p1.actions.map((a) => a.verdict)).to.deep.equal(['ok', 'dropped:superseded']);
    expect(rep1.supersededBy).to.deep.equal({ requestId: 'sit', utteranceId: 'u-sit' });
    expect(rep2.superseded).to.deep.equal([{ requestId: 'dance', utteranceId: 'u-dance' }]);
    expect(p2.actions.map((a) => a.verdict)).to.deep.equal(['ok']);
    expect(t.ids()).to.deep.equal([1022, 1009]); // hello never ran
    expect(t.events).to.deep.include({ type: 'superseded', requestId: 'dance', byRequestId: 'sit' });
    expect(t.exec.status().values['plans_superseded']).to.equal(1);
  });

  it('a dance that never answers holds the next plan until its timeout (25 s), not longer', async () => {
    const t = setup({ delays: { 1022: 'silent' } });
    const r1 = t.req('dance');
    void t.exec.execute(t.plan([{ name: 'dance1' }], r1), r1);
    await t.clock.advance(100);
    const r2 = t.req('sit');
    const d2 = t.exec.execute(t.plan([{ name: 'sit' }], r2), r2);
    const timeoutMs = testCatalogue(t.config).byName('dance1')!.timeoutS * 1000;
    await t.clock.advance(timeoutMs - 101);
    expect(t.ids()).to.deep.equal([1022]);
    await t.clock.advance(1);
    expect(t.ids()).to.deep.equal([1022, 1009]);
    await t.clock.runAll();
    expect((await d2).publishedApiIds).to.deep.equal([1009]);
  });

  it('walk then turn: the turn takes over the stream within one Move period, with no StopMove between', async () => {
    const t = setup();
    const r1 = t.req('walk');
    const p1 = t.plan([{ name: 'forward', params: { duration_s: 5 } }], r1);
    const d1 = t.exec.execute(p1, r1);
    await t.clock.advance(1050);
    const lastWalk = t.sent.filter((s) => s.apiId === MOVE).at(-1)!;
    const r2 = t.req('turn');
    const p2 = t.plan([{ name: 'turn_left', params: { angle_deg: 30 } }], r2);
    const d2 = t.exec.execute(p2, r2);
    await t.clock.advance(0);
    const tail = t.after(lastWalk.at).slice(1);
    expect(tail[0]?.apiId).to.equal(MOVE);
    expect(JSON.parse(tail[0]!.param)).to.deep.include({ x: 0, y: 0 });
    expect(JSON.parse(tail[0]!.param).z).to.be.greaterThan(0); // the turn's velocity
    expect(tail[0]!.at - lastWalk.at).to.be.at.most(1000 / t.config.robot.move_rate_hz);
    await t.clock.runAll();
    await Promise.all([d1, d2]);
    const fromHandover = t.after(lastWalk.at).slice(1).map((s) => s.apiId);
    expect(fromHandover.slice(0, -1).every((a) => a === MOVE)).to.equal(true); // no StopMove until the turn ends
    expect(fromHandover.at(-1)).to.equal(STOP);
    expect(t.sent.filter((s) => s.apiId === MOVE && JSON.parse(s.param).x > 0).every((s) => s.at <= lastWalk.at)).to.equal(true); // no walking after
    expect(p1.actions[0]?.verdict).to.equal('dropped:superseded');
    expect(p2.actions[0]?.verdict).to.equal('ok');
  });

  it('walk then turn with the default pauses (settle 1.5 s after StandUp, 300 ms between steps): still one Move period', async () => {
    const t = setup({ config: { robot: { initial_posture: 'sitting', settle_ms: 1500, sequence_pause_ms: 300 } } });
    const r1 = t.req('walk');
    const p1 = t.plan([{ name: 'forward', params: { duration_s: 5 } }], r1);
    expect(p1.actions.map((a) => a.name)).to.deep.equal(['stand_up', 'forward']);
    void t.exec.execute(p1, r1);
    await t.clock.advance(2500);
    const lastWalk = t.sent.filter((s) => s.apiId === MOVE).at(-1)!;
    const r2 = t.req('turn');
    void t.exec.execute(t.plan([{ name: 'turn_left', params: { angle_deg: 30 } }], r2), r2);
    await t.clock.advance(0);
    const next = t.after(lastWalk.at).slice(1)[0]!;
    expect(next.apiId).to.equal(MOVE);
    expect(JSON.parse(next.param).z).to.be.greaterThan(0);
    expect(next.at - lastWalk.at).to.be.at.most(1000 / t.config.robot.move_rate_hz);
    await t.clock.runAll();
  });

  it('walk then sit: StopMove ends the walk first, then sit', async () => {
    const t = setup();
    const r1 = t.req('walk');
    void t.exec.execute(t.plan([{ name: 'forward', params: { duration_s: 5 } }], r1), r1);
    await t.clock.advance(500);
    const n = t.sent.length;
    const r2 = t.req('sit');
    const d2 = t.exec.execute(t.plan([{ name: 'sit' }], r2), r2);
    expect(t.ids().slice(n)).to.deep.equal([STOP]); // synchronous: the stream is ended at once
    await t.clock.runAll();
    await d2;
    expect(t.ids().slice(n)).to.deep.equal([STOP, 1009]);
  });

  it('walk then stop: StopMove at once, no Move afterwards', async () => {
    const t = setup();
    const r1 = t.req('walk');
    const p1 = t.plan([{ name: 'forward', params: { duration_s: 5 } }], r1);
    const d1 = t.exec.execute(p1, r1);
    await t.clock.advance(500);
    const n = t.sent.length;
    const r2 = t.req('stop');
    const d2 = t.exec.execute(t.plan([{ name: 'stop' }], r2), r2);
    expect(t.ids().slice(n)).to.deep.equal([STOP]);
    await t.clock.runAll();
    await Promise.all([d1, d2]);
    expect(t.ids().slice(n)).to.deep.equal([STOP]);
    expect(p1.actions[0]?.verdict).to.equal('dropped:superseded_by_stop');
  });

  it('a stop cuts a running dance short (only a stop does)', async () => {
    const t = setup({ delays: { 1022: 3000 } });
    const r1 = t.req('dance');
    const p1 = t.plan([{ name: 'dance1' }, { name: 'hello' }], r1);
    const d1 = t.exec.execute(p1, r1);
    await t.clock.advance(1000);
    const r2 = t.req('stop');
    void t.exec.execute(t.plan([{ name: 'stop' }], r2), r2);
    expect(t.ids()).to.deep.equal([1022, STOP]);
    await t.clock.runAll();
    await d1;
    expect(p1.actions.map((a) => a.verdict)).to.deep.equal(['ok', 'dropped:superseded_by_stop']);
  });

  it('the same command again while it runs does not run twice (dance, and a walk)', async () => {
    const t = setup({ delays: { 1022: 3000 } });
    const r1 = t.req('dance-1');
    const d1 = t.exec.execute(t.plan([{ name: 'dance1' }], r1), r1);
    await t.clock.advance(500);
    const r2 = t.req('dance-2');
    const p2 = t.plan([{ name: 'dance1' }], r2);
    const rep2 = await t.exec.execute(p2, r2);
    expect(p2.actions.map((a) => a.verdict)).to.deep.equal(['dropped:already_running']);
    expect(rep2.alreadyRunning).to.deep.equal({ requestId: 'dance-1', utteranceId: 'u-dance-1' });
    await t.clock.runAll();
    expect((await d1).robotCodes).to.deep.equal([{ apiId: 1022, code: 0 }]);
    expect(t.ids()).to.deep.equal([1022]);

    const w1 = t.req('walk-1');
    const walk = t.exec.execute(t.plan([{ name: 'forward', params: { duration_s: 2 } }], w1), w1);
    await t.clock.advance(1000);
    const w2 = t.req('walk-2');
    const again = t.plan([{ name: 'forward', params: { duration_s: 2 } }], w2);
    await t.exec.execute(again, w2);
    expect(again.actions[0]?.verdict).to.equal('dropped:already_running');
    await t.clock.runAll();
    await walk;
    const moves = t.sent.filter((s) => s.apiId === MOVE);
    expect(moves.at(-1)!.at - moves[0]!.at).to.be.lessThan(2000); // one 2 s stream, not restarted
    expect(t.ids().filter((a) => a === STOP)).to.have.length(1);
  });

  it('a different walk during a walk is not a repeat: it takes over', async () => {
    const t = setup();
    const r1 = t.req('walk-1');
    const p1 = t.plan([{ name: 'forward', params: { duration_s: 2 } }], r1);
    void t.exec.execute(p1, r1);
    await t.clock.advance(500);
    const r2 = t.req('walk-2');
    const p2 = t.plan([{ name: 'forward', params: { duration_s: 3 } }], r2);
    const d2 = t.exec.execute(p2, r2);
    await t.clock.runAll();
    await d2;
    expect(p1.actions[0]?.verdict).to.equal('dropped:superseded');
    expect(p2.actions[0]?.verdict).to.equal('ok');
    const moves = t.sent.filter((s) => s.apiId === MOVE);
    expect(moves.at(-1)!.at).to.be.at.least(3400); // the second stream ran its 3 s from t=500
  });

  it('a late older plan (a slow LLM answer after a fast reflex) is dropped when it arrives', async () => {
    const t = setup();
    const older = t.req('llm', 0); // heard first, decided last
    await t.clock.advance(100);
    const newer = t.req('reflex', 100);
    const d2 = t.exec.execute(t.plan([{ name: 'sit' }], newer), newer);
    await t.clock.advance(2000);
    const late = t.plan([{ name: 'dance1' }, { name: 'stop' }], older);
    const rep = await t.exec.execute(late, older);
    expect(late.actions.map((a) => [a.name, a.verdict])).to.deep.equal([['stand_up', 'dropped:superseded'], ['dance1', 'dropped:superseded'], ['stop', 'ok']]); // StopMove is never dropped
    expect(rep.supersededBy).to.deep.equal({ requestId: 'reflex', utteranceId: 'u-reflex' });
    expect(rep.publishedApiIds).to.deep.equal([STOP]);
    await t.clock.runAll();
    expect(t.ids()).to.deep.equal([1009, STOP]);
    expect((await d2).superseded).to.deep.equal([{ requestId: 'llm', utteranceId: 'u-llm' }]);
  });

  it('a superseded plan\'s StopMove step still goes out, before the new plan\'s first step', async () => {
    const t = setup({ delays: { 1016: 1000 } });
    const r1 = t.req('a');
    const p1 = t.plan([{ name: 'hello' }, { name: 'heart' }, { name: 'stop' }], r1);
    const d1 = t.exec.execute(p1, r1);
    await t.clock.advance(100);
    const r2 = t.req('b');
    void t.exec.execute(t.plan([{ name: 'sit' }], r2), r2);
    await t.clock.runAll();
    await d1;
    expect(p1.actions.map((a) => a.verdict)).to.deep.equal(['ok', 'dropped:superseded', 'ok']);
    expect(t.ids()).to.deep.equal([1016, STOP, 1009]);
  });

  it('plans without a motion supersede nothing (chat-only or fully blocked plans never reach the executor\'s queue)', async () => {
    const t = setup();
    const r1 = t.req('walk');
    const p1 = t.plan([{ name: 'forward', params: { duration_s: 1 } }], r1);
    const d1 = t.exec.execute(p1, r1);
    await t.clock.advance(300);
    const r2 = t.req('blocked');
    const blocked = t.plan([{ name: 'front_flip' }], r2); // high risk, disabled
    expect(blocked.steps).to.have.length(0);
    await t.exec.execute(blocked, r2);
    await t.clock.runAll();
    await d1;
    expect(p1.actions[0]?.verdict).to.equal('ok');
    expect(t.sent.filter((s) => s.apiId === MOVE).at(-1)!.at).to.be.at.least(900);
  });

  it('superseding never leaves a Move stream without StopMove: the Move that was to take over is cancelled before its first tick', async () => {
    const t = setup();
    const r1 = t.req('walk');
    void t.exec.execute(t.plan([{ name: 'forward', params: { duration_s: 5 } }], r1), r1);
    await t.clock.advance(500);
    const ctl = new AbortController();
    const r2 = t.req('turn');
    const p2 = t.plan([{ name: 'turn_left' }], r2);
    const d2 = t.exec.execute(p2, r2, { signal: ctl.signal });
    ctl.abort(); // before the chain reaches the turn
    await t.clock.runAll();
    await d2;
    expect(t.ids().at(-1)).to.equal(STOP);
    expect(p2.actions[0]?.verdict).to.equal('dropped:canceled');
    const stopAt = t.sent.at(-1)!.at;
    expect(t.sent.filter((s) => s.apiId === MOVE).every((s) => s.at <= stopAt)).to.equal(true);
  });

  it('cancel of one plan leaves the others alone', async () => {
    const t = setup({ config: { robot: { arbitration: 'queue' } } });
    const ctl = new AbortController();
    const r1 = t.req('a');
    const p1 = t.plan([{ name: 'hello' }], r1);
    const d1 = t.exec.execute(p1, r1);
    const r2 = t.req('b');
    const p2 = t.plan([{ name: 'heart' }], r2);
    const d2 = t.exec.execute(p2, r2, { signal: ctl.signal });
    ctl.abort();
    await t.clock.runAll();
    await Promise.all([d1, d2]);
    expect(p1.actions[0]?.verdict).to.equal('ok');
    expect(p2.actions[0]?.verdict).to.equal('dropped:canceled');
    expect(t.ids()).to.deep.equal([1016]);
  });
});

describe('robot: arbitration queue (today\'s behaviour)', () => {
  it('walk then turn: the turn waits for the walk to end with StopMove', async () => {
    const t = setup({ config: { robot: { arbitration: 'queue' } } });
    const r1 = t.req('walk');
    const p1 = t.plan([{ name: 'forward', params: { duration_s: 2 } }], r1);
    const d1 = t.exec.execute(p1, r1);
    await t.clock.advance(500);
    const r2 = t.req('turn');
    const d2 = t.exec.execute(t.plan([{ name: 'turn_left', params: { angle_deg: 30 } }], r2), r2);
    await t.clock.runAll();
    const [rep1, rep2] = await Promise.all([d1, d2]);
    expect(p1.actions[0]?.verdict).to.equal('ok');
    expect(rep1.supersededBy).to.equal(undefined);
    expect(rep2.firstPublishAt).to.be.at.least(2000);
    const firstTurn = t.sent.findIndex((s) => s.apiId === MOVE && JSON.parse(s.param).z > 0);
    expect(t.sent[firstTurn - 1]?.apiId).to.equal(STOP);
  });

  it('a late older plan still runs, after the newer one', async () => {
    const t = setup({ config: { robot: { arbitration: 'queue' } } });
    const older = t.req('llm', 0);
    await t.clock.advance(100);
    const newer = t.req('reflex', 100);
    void t.exec.execute(t.plan([{ name: 'sit' }], newer), newer);
    await t.clock.advance(500);
    const late = t.plan([{ name: 'hello' }], older);
    const d = t.exec.execute(late, older);
    await t.clock.runAll();
    await d;
    expect(t.ids()).to.deep.equal([1009, 1004, 1016]); // hello needs standing: StandUp first
    expect(late.actions.map((a) => a.verdict)).to.deep.equal(['inserted', 'ok']);
  });
});
