import { expect } from 'chai';
import { createRobotState } from '../../src/robot/robot-state';
import { VirtualClock } from '../../src/util/clock';
import { testCatalogue, testConfig } from './helpers';

describe('robot: robot state', () => {
  const config = testConfig();
  const cat = testCatalogue(config);
  const spec = (n: string) => cat.byName(n)!;

  it('starts from robot.initial_posture', () => {
    expect(createRobotState({ config, clock: new VirtualClock() }).posture()).to.equal('unknown');
    const standing = createRobotState({ config: testConfig({ robot: { initial_posture: 'standing' } }), clock: new VirtualClock() });
    expect(standing.posture()).to.equal('standing');
    expect(standing.postureSource()).to.equal('config');
  });

  it('follows executed commands: 0 and -1 set the posture after, failures keep it, no answer makes it unknown', () => {
    const s = createRobotState({ config: testConfig({ robot: { initial_posture: 'lying' } }), clock: new VirtualClock() });
    s.onResult(spec('stand_up'), 0);
    expect(s.posture()).to.equal('standing');
    s.onResult(spec('sit'), 3204);
    expect(s.posture()).to.equal('standing');
    s.onResult(spec('sit'), -1);
    expect(s.posture()).to.equal('sitting');
    s.onResult(spec('hello'), 0); // no posture_after: unchanged
    expect(s.posture()).to.equal('sitting');
    s.onResult(spec('damp'), 'unknown');
    expect(s.posture()).to.equal('unknown');
    expect(s.lastCode()).to.deep.include({ name: 'damp', code: 'unknown' });
  });

  it('reads /lf/sportmodestate modes and body height', () => {
    const clock = new VirtualClock(5);
    const s = createRobotState({ config, clock });
    s.onSportModeState({ mode: 10 });
    expect(s.posture()).to.equal('sitting');
    expect(s.postureSource()).to.equal('sportmodestate');
    expect(s.lastStateAt()).to.equal(5);
    s.onSportModeState({ mode: 7 });
    expect(s.posture()).to.equal('damp');
    s.onSportModeState({ mode: 0, body_height: 0.32 });
    expect(s.posture()).to.equal('standing');
    s.onSportModeState({ mode: 0, body_height: 0.08 });
    expect(s.posture()).to.equal('lying');
    s.onSportModeState({ mode: 11 }); // a flip in progress: keep what we had
    expect(s.posture()).to.equal('lying');
  });

  it('keeps battery percent within 0..100 and ignores garbage', () => {
    const s = createRobotState({ config, clock: new VirtualClock() });
    expect(s.battery()).to.equal(undefined);
    s.onBattery(55);
    expect(s.battery()).to.equal(55);
    s.onBattery(Number.NaN);
    expect(s.battery()).to.equal(55);
    s.onBattery(140);
    expect(s.battery()).to.equal(100);
  });

  it('remembers the last command', () => {
    const clock = new VirtualClock(42);
    const s = createRobotState({ config, clock });
    s.onCommand(spec('hello'));
    expect(s.lastCommand()).to.deep.equal({ name: 'hello', apiId: 1016, at: 42 });
  });
});
