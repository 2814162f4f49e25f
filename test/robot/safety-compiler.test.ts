import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { parseCatalogue } from '../../src/robot/catalogue';
import type { Config, DeepPartial, Posture } from '../../src/config';
import { createStopEpoch } from '../../src/pipeline/stages';
import type { Proposal } from '../../src/pipeline/types';
import { createRobotState } from '../../src/robot/robot-state';
import { createSafetyCompiler } from '../../src/robot/safety-compiler';
import { VirtualClock } from '../../src/util/clock';
import { createTelemetry, type TelemetryEvent } from '../../src/util/telemetry';
import { makeRequest, testCatalogue, testConfig } from './helpers';

function setup(over: DeepPartial<Config> = {}, posture: Posture = 'standing', battery?: number) {
  const config = testConfig({ ...over, robot: { initial_posture: posture, ...over.robot } });
  const catalogue = testCatalogue(config);
  const state = createRobotState({ config, clock: new VirtualClock() });
  if (battery !== undefined) state.onBattery(battery);
  const epoch = createStopEpoch();
  const telemetry = createTelemetry();
  const events: TelemetryEvent[] = [];
  telemetry.on((e) => events.push(e));
  const compiler = createSafetyCompiler({ config, catalogue, state, epoch, telemetry });
  const compile = (proposals: Proposal[], req = makeRequest()) => compiler.compile(proposals, req);
  return { config, catalogue, state, epoch, compiler, compile, events };
}
const verdicts = (plan: { actions: Array<{ name: string; verdict: string }> }) => plan.actions.map((a) => `${a.name}:${a.verdict}`);

describe('robot: safety compiler', () => {
  it('passes a whitelisted action with its api id and JSON parameter', () => {
    const { compile } = setup();
    const plan = compile([{ name: 'hello' }]);
    expect(plan.actions).to.deep.equal([{ name: 'hello', api_id: 1016, parameter: '{}', verdict: 'ok' }]);
    expect(plan.steps.map((s) => s.spec.apiId)).to.deep.equal([1016]);
    expect(plan.steps[0]?.actionIndex).to.equal(0);
  });

  it('rejects unknown names and hallucinated ids (1018) and emits safety_block telemetry', () => {
    const { compile, events } = setup();
    const plan = compile([{ name: '1018' }, { name: 'moonwalk' }, { name: 'hello' }]);
    expect(verdicts(plan)).to.deep.equal(['1018:blocked:unknown_action', 'moonwalk:blocked:unknown_action', 'hello:ok']);
    expect(plan.actions[0]?.api_id).to.equal(0);
    expect(plan.steps.map((s) => s.spec.apiId)).to.deep.equal([1016]);
    expect(events.filter((e) => e.type === 'safety_block')).to.deep.equal([
      { type: 'safety_block', reason: 'unknown_action', action: 'unknown' },
      { type: 'safety_block', reason: 'unknown_action', action: 'unknown' },
    ]);
  });

  it('refuses actions disabled in the catalogue (firmware answers 3203)', () => {
    const { compile } = setup();
    expect(verdicts(compile([{ name: 'wiggle_hips' }]))).to.deep.equal(['wiggle_hips:blocked:not_supported']);
  });

  it('chat proposals produce no action; garbage never throws', () => {
    const { compile } = setup();
    expect(compile([{ name: 'chat' }])).to.deep.equal({ steps: [], actions: [] });
    expect(compile(null as never)).to.deep.equal({ steps: [], actions: [] });
    const odd = compile([null as never, { name: 1016 as never }, { name: 'hello', params: 'x' as never }]);
    expect(verdicts(odd)).to.deep.equal(['1016:blocked:unknown_action', 'hello:ok']);
  });

  describe('high-risk gate', () => {
    const HIGH = ['front_flip', 'front_jump', 'front_pounce', 'left_flip', 'back_flip', 'hand_stand'];

    it('blocks every high-risk action while safety.enable_high_risk is off, whatever the confidence', () => {
      const { compile } = setup();
      for (const name of HIGH) {
        const plan = compile([{ name }], makeRequest({ confidence: 0.99 }));
        expect(verdicts(plan), name).to.deep.equal([`${name}:blocked:high_risk_disabled`]);
        expect(plan.steps).to.deep.equal([]);
      }
    });

    it('prompt injection: an LLM answer asking for a front flip publishes nothing while high risk is off', () => {
      const { compile } = setup();
      const plan = compile([{ name: 'front_flip' }, { name: 'back_flip' }], makeRequest({ confidence: -1 }));
      expect(plan.steps).to.deep.equal([]);
      expect(plan.actions.every((a) => a.verdict === 'blocked:high_risk_disabled')).to.equal(true);
    });

    it('when enabled: allows a confident request, blocks low confidence and unscored input', () => {
      const { compile } = setup({ safety: { enable_high_risk: true } });
      expect(verdicts(compile([{ name: 'front_flip' }], makeRequest({ confidence: 0.9 })))).to.deep.equal(['front_flip:ok']);
      expect(verdicts(compile([{ name: 'front_flip' }], makeRequest({ confidence: 0.5 })))).to.deep.equal(['front_flip:blocked:low_confidence']);
      expect(verdicts(compile([{ name: 'front_flip' }], makeRequest({ confidence: -1 })))).to.deep.equal(['front_flip:blocked:unscored_input']);
    });

    it('a confidence that is not a number counts as unscored', () => {
      const { compile } = setup({ safety: { enable_high_risk: true } });
      expect(verdicts(compile([{ name: 'front_flip' }], makeRequest({ confidence: Number.NaN })))).to.deep.equal(['front_flip:blocked:unscored_input']);
    });

    it('unscored input asking for a flip passes only with safety.trust_unscored_input', () => {
      const { compile } = setup({ safety: { enable_high_risk: true, trust_unscored_input: true } });
      expect(verdicts(compile([{ name: 'back_flip' }], makeRequest({ confidence: -1 })))).to.deep.equal(['back_flip:ok']);
      // A scored but unsure request is still blocked.
      expect(verdicts(compile([{ name: 'back_flip' }], makeRequest({ confidence: 0.2 })))).to.deep.equal(['back_flip:blocked:low_confidence']);
    });
  });

  describe('posture prerequisites', () => {
    it('every catalogue action: StandUp 1004 is inserted exactly when it needs standing and the robot is not standing', () => {
      const base = setup();
      const req = makeRequest({ confidence: 0.95 });
      let checked = 0;
      for (const spec of base.catalogue.actions.values()) {
        if (!spec.enabled) continue;
        for (const posture of ['standing', 'sitting', 'lying', 'damp', 'unknown'] as Posture[]) {
          const plan = setup({ safety: { enable_high_risk: true } }, posture).compile([{ name: spec.name }], req);
          const expected = spec.requiresStanding && posture !== 'standing' ? ['stand_up:inserted', `${spec.name}:ok`] : [`${spec.name}:ok`];
          expect(verdicts(plan), `${spec.name} from ${posture}`).to.deep.equal(expected);
          expect(plan.steps.map((st) => st.spec.apiId), `${spec.name} from ${posture}`).to.deep.equal(
            expected.length === 2 ? [1004, spec.apiId] : [spec.apiId],
          );
          expect(plan.steps.at(-1)?.actionIndex).to.equal(expected.length - 1);
          checked++;
        }
      }
      expect(checked).to.be.at.least(5 * 25);
    });

    it('high-risk actions (when enabled) follow the catalogue prerequisite too', () => {
      const { compile } = setup({ safety: { enable_high_risk: true } }, 'sitting');
      expect(verdicts(compile([{ name: 'front_jump' }], makeRequest({ confidence: 0.95 })))).to.deep.equal(['stand_up:inserted', 'front_jump:ok']);
    });

    it('actions without the prerequisite never get a StandUp', () => {
      for (const name of ['stop', 'damp', 'balance_stand', 'stand_up', 'recovery_stand', 'rise_sit', 'speed_level', 'content', 'pose']) {
        expect(verdicts(setup({}, 'lying').compile([{ name }])), name).to.deep.equal([`${name}:ok`]);
      }
    });

    it('simulates posture along the plan and never inserts StandUp twice in a row', () => {
      const s = setup({}, 'sitting');
      // Standing after the explicit stand_up: no insertion before hello.
      expect(verdicts(s.compile([{ name: 'stand_up' }, { name: 'hello' }]))).to.deep.equal(['stand_up:ok', 'hello:ok']);
      // sit leaves the robot sitting, so hello needs a new StandUp.
      expect(verdicts(setup({}, 'standing').compile([{ name: 'sit' }, { name: 'hello' }]))).to.deep.equal(['sit:ok', 'stand_up:inserted', 'hello:ok']);
      // Two actions needing standing: one StandUp only.
      expect(verdicts(s.compile([{ name: 'hello' }, { name: 'heart' }]))).to.deep.equal(['stand_up:inserted', 'hello:ok', 'heart:ok']);
      // A step right after a StandUp never gets another one, even if the simulation disagrees.
      const plan = s.compile([{ name: 'stand_up' }, { name: 'lie_down' }, { name: 'sit' }]);
      expect(verdicts(plan)).to.deep.equal(['stand_up:ok', 'lie_down:ok', 'stand_up:inserted', 'sit:ok']);
      for (let i = 1; i < plan.steps.length; i++) {
        expect(plan.steps[i]?.spec.apiId === 1004 && plan.steps[i - 1]?.spec.apiId === 1004).to.equal(false);
      }
    });

    it('reads the posture the robot reports', () => {
      const s = setup({}, 'unknown');
      s.state.onSportModeState({ mode: 1 });
      expect(verdicts(s.compile([{ name: 'hello' }]))).to.deep.equal(['hello:ok']);
    });
  });

  describe('battery gate', () => {
    it('low battery allows only stop and posture changes', () => {
      const { compile } = setup({}, 'standing', 15);
      expect(verdicts(compile([{ name: 'dance1' }, { name: 'forward' }, { name: 'hello' }]))).to.deep.equal([
        'dance1:blocked:battery_low',
        'forward:blocked:battery_low',
        'hello:blocked:battery_low',
      ]);
      expect(verdicts(compile([{ name: 'sit' }, { name: 'stand_up' }, { name: 'stop' }]))).to.deep.equal(['sit:ok', 'stand_up:ok', 'stop:ok']);
    });

    it('critical battery allows only stop and resting postures, and no StandUp to reach them', () => {
      const standing = setup({}, 'standing', 5);
      expect(verdicts(standing.compile([{ name: 'lie_down' }, { name: 'stop' }]))).to.deep.equal(['lie_down:ok', 'stop:ok']);
      expect(verdicts(standing.compile([{ name: 'stand_up' }]))).to.deep.equal(['stand_up:blocked:battery_critical']);
      const sitting = setup({}, 'sitting', 5);
      expect(verdicts(sitting.compile([{ name: 'lie_down' }]))).to.deep.equal(['lie_down:blocked:posture_prerequisite']);
    });

    it('no battery reading means no gate; thresholds come from config', () => {
      expect(verdicts(setup({}, 'standing').compile([{ name: 'dance1' }]))).to.deep.equal(['dance1:ok']);
      expect(verdicts(setup({ safety: { battery_low_percent: 50 } }, 'standing', 40).compile([{ name: 'dance1' }]))).to.deep.equal(['dance1:blocked:battery_low']);
    });
  });

  it('unknown robot state allows only safe postures when safety.unknown_state_safe_only', () => {
    const { compile } = setup({ safety: { unknown_state_safe_only: true } }, 'unknown');
    expect(verdicts(compile([{ name: 'dance1' }, { name: 'stand_up' }, { name: 'stop' }]))).to.deep.equal([
      'dance1:blocked:unknown_state',
      'stand_up:ok',
      'stop:ok',
    ]);
  });

  it('caps the number of actions per request', () => {
    const { compile } = setup({ safety: { max_actions_per_request: 2 } });
    const plan = compile([{ name: 'hello' }, { name: 'heart' }, { name: 'stretch' }, { name: 'scrape' }]);
    expect(verdicts(plan)).to.deep.equal(['hello:ok', 'heart:ok', 'stretch:blocked:max_actions', 'scrape:blocked:max_actions']);
    expect(plan.steps).to.have.length(2);
  });

  it('validates parameters against the catalogue: out of range is refused, integers rounded', () => {
    const { compile } = setup();
    expect(verdicts(compile([{ name: 'speed_level', params: { data: 5 } }]))).to.deep.equal(['speed_level:blocked:param_out_of_range']);
    expect(verdicts(compile([{ name: 'speed_level', params: { data: 2 } }]))).to.deep.equal(['speed_level:blocked:param_out_of_range']);
    expect(compile([{ name: 'speed_level', params: { data: 1 } }]).actions[0]?.parameter).to.equal('{"data":1}');
    expect(compile([{ name: 'speed_level', params: { data: 0.6 } }]).actions[0]?.parameter).to.equal('{"data":1}');
    expect(compile([{ name: 'euler', params: { x: 0.75, y: -0.75 } }]).actions[0]?.parameter).to.equal('{"x":0.75,"y":-0.75,"z":0}');
    expect(verdicts(compile([{ name: 'euler', params: { x: 0.7501 } }]))).to.deep.equal(['euler:blocked:param_out_of_range']);
    expect(verdicts(compile([{ name: 'euler', params: { y: -0.7501 } }]))).to.deep.equal(['euler:blocked:param_out_of_range']);
    expect(compile([{ name: 'pose' }]).actions[0]?.parameter).to.equal('{"data":true}');
    expect(verdicts(compile([{ name: 'pose', params: { data: 1 } }]))).to.deep.equal(['pose:blocked:bad_param']);
    expect(verdicts(compile([{ name: 'forward', params: { distance_m: Number.NaN } }]))).to.deep.equal(['forward:blocked:bad_param']);
    // Unknown parameter names are ignored: the defaults apply.
    expect(compile([{ name: 'hello', params: { volume: 11 } }]).actions[0]?.parameter).to.equal('{}');
  });

  describe('Move bounds: refused out of range, only speed clamped', () => {
    it('refuses a distance, angle or duration outside the catalogue range, at its edges', () => {
      const { compile } = setup();
      const v = (params: Record<string, number>, name = 'forward') => verdicts(compile([{ name, params }]))[0];
      expect(v({ distance_m: 5 })).to.equal('forward:ok');
      expect(v({ distance_m: 4.999 })).to.equal('forward:ok');
      expect(v({ distance_m: 5.001 })).to.equal('forward:blocked:param_out_of_range');
      expect(v({ distance_m: 99 })).to.equal('forward:blocked:param_out_of_range');
      expect(v({ distance_m: 0 })).to.equal('forward:ok');
      expect(v({ angle_deg: 360 }, 'turn_left')).to.equal('turn_left:ok');
      expect(v({ angle_deg: 360.5 }, 'turn_left')).to.equal('turn_left:blocked:param_out_of_range');
      expect(v({ duration_s: 0.1 })).to.equal('forward:ok');
      expect(v({ duration_s: 0.099 })).to.equal('forward:blocked:param_out_of_range');
      expect(v({ duration_s: 10.01 })).to.equal('forward:blocked:param_out_of_range');
    });

    it('never reinterprets a negative distance, angle or duration as the other direction', () => {
      const { compile } = setup();
      for (const [name, params] of [['forward', { distance_m: -1 }], ['forward', { distance_m: -0.001 }], ['turn_left', { angle_deg: -90 }], ['backward', { duration_s: -2 }]] as const) {
        const plan = compile([{ name, params }]);
        expect(verdicts(plan)).to.deep.equal([`${name}:blocked:param_out_of_range`]);
        expect(plan.steps).to.deep.equal([]);
      }
      // Even in a catalogue that sets no lower bound.
      const { config, state, epoch } = setup();
      const text = readFileSync(config.robot.actions_file, 'utf8').replace('distance_m: { type: number, min: 0, max: 5 }', 'distance_m: { type: number, max: 5 }');
      expect(text).to.not.include('min: 0, max: 5 }');
      const open = createSafetyCompiler({ config, catalogue: parseCatalogue(text), state, epoch });
      expect(verdicts(open.compile([{ name: 'forward', params: { distance_m: -1 } }], makeRequest()))).to.deep.equal(['forward:blocked:param_out_of_range']);
      expect(verdicts(open.compile([{ name: 'forward', params: { distance_m: 1 } }], makeRequest()))).to.deep.equal(['forward:ok']);
    });

    it('clamps only the speed into its range, at its edges', () => {
      const { compile } = setup();
      const move = (speed: number) => compile([{ name: 'turn_left', params: { speed, duration_s: 1 } }]).steps[0]?.move?.vyaw;
      expect(move(0.05)).to.equal(0.05);
      expect(move(0.049)).to.equal(0.05);
      expect(move(0.3)).to.equal(0.3);
      expect(verdicts(compile([{ name: 'forward', params: { speed: 1.01 } }]))).to.deep.equal(['forward:ok']);
      expect(verdicts(compile([{ name: 'forward', params: { speed: -3 } }]))).to.deep.equal(['forward:ok']);
      expect(compile([{ name: 'forward', params: { speed: -3 } }]).steps[0]?.move?.vx).to.equal(0.05);
    });
  });

  describe('Move clamping', () => {
    it('gives Move steps velocities and a duration within robot.move_*', () => {
      const { compile, config } = setup();
      const fwd = compile([{ name: 'forward', params: { distance_m: 1 } }]).steps[0];
      expect(fwd?.move).to.deep.equal({ vx: 0.3, vy: 0, vyaw: 0, durationMs: 3333 });
      expect(fwd?.parameter).to.deep.equal({ x: 0.3, y: 0, z: 0 });
      // Too fast: catalogue max 1.0, then robot.move_max_vx 0.8.
      expect(compile([{ name: 'forward', params: { speed: 5 } }]).steps[0]?.move).to.deep.include({ vx: config.robot.move_max_vx });
      // Sideways is limited by move_max_vy and keeps its sign.
      expect(compile([{ name: 'right', params: { speed: 1 } }]).steps[0]?.move).to.deep.include({ vy: -config.robot.move_max_vy });
      // Far: 5 m is the catalogue's limit, and the duration is then cut to move_max_duration_s.
      expect(compile([{ name: 'backward', params: { distance_m: 5 } }]).steps[0]?.move).to.deep.equal({ vx: -0.3, vy: 0, vyaw: 0, durationMs: 10000 });
      expect(compile([{ name: 'forward', params: { duration_s: 10 } }]).steps[0]?.move?.durationMs).to.equal(10000);
      // Turns: angle over yaw rate.
      expect(compile([{ name: 'turn_left', params: { angle_deg: 90 } }]).steps[0]?.move).to.deep.equal({ vx: 0, vy: 0, vyaw: 0.3, durationMs: 5236 });
      // A turn with nothing else is a quarter turn; a walk with nothing else lasts move_default_duration_s.
      expect(compile([{ name: 'turn_right' }]).steps[0]?.move).to.deep.equal({ vx: 0, vy: 0, vyaw: -0.3, durationMs: 5236 });
      expect(compile([{ name: 'turn_right', params: { duration_s: 1 } }]).steps[0]?.move?.durationMs).to.equal(1000);
      expect(compile([{ name: 'left' }]).steps[0]?.move).to.deep.equal({ vx: 0, vy: 0.3, vyaw: 0, durationMs: config.robot.move_default_duration_s * 1000 });
    });

    it('reports the clamped command in the action parameter', () => {
      const { compile } = setup();
      expect(JSON.parse(compile([{ name: 'forward', params: { speed: 5, distance_m: 2 } }]).actions[0]?.parameter ?? '')).to.deep.equal({ x: 0.8, y: 0, z: 0, duration_s: 2.5 });
    });
  });

  it('stop epoch: a decision for an utterance heard before the latest stop executes nothing', () => {
    const { compile, epoch } = setup();
    const req = makeRequest({ epoch: epoch.current() });
    epoch.bump(); // an emergency stop while the LLM was thinking
    const plan = compile([{ name: 'hello' }, { name: 'forward' }, { name: '1018' }, { name: 'chat' }], req);
    expect(plan.steps).to.deep.equal([]);
    expect(verdicts(plan)).to.deep.equal(['hello:dropped:superseded_by_stop', 'forward:dropped:superseded_by_stop', '1018:dropped:superseded_by_stop']);
    // A request from the new epoch runs.
    expect(compile([{ name: 'hello' }], makeRequest({ epoch: epoch.current() })).steps).to.have.length(1);
  });

  it('reports counts and the battery state through status()', () => {
    const { compiler, compile } = setup({}, 'standing', 12);
    compile([{ name: 'dance1' }]);
    const st = compiler.status();
    expect(st.level).to.equal('warn');
    expect(st.values['blocked_battery_low']).to.equal(1);
    expect(st.values['compiled']).to.equal(1);
  });
});
