import { expect } from 'chai';
import { createLabelGuard, hostLabel, normaliseSafetyReason, robotCodeLabel, SAFETY_REASONS } from '../../src/monitor/labels';

describe('monitor label sets', () => {
  it('normalises safety reasons to the closed enum', () => {
    const cases: Array<[string, string]> = [
      ['high_risk_disabled', 'high_risk_disabled'],
      ['blocked:high_risk_disabled', 'high_risk_disabled'],
      ['confidence 0.42 < 0.8', 'low_confidence'],
      ['unscored input (no ASR confidence)', 'unscored_input'],
      ['unknown action', 'unknown_action'],
      ['hallucinated api id 9999', 'unknown_action'],
      ['bad parameter: x out of range', 'bad_parameter'],
      ['battery 8% below critical', 'battery'],
      ['too many actions (7 > 5)', 'too_many_actions'],
      ['superseded_by_stop', 'stop_epoch'],
      ['needs standing', 'posture'],
      ['velocity limit', 'limits'],
      ['the moon is in the wrong phase', 'other'],
    ];
    for (const [input, want] of cases) expect(normaliseSafetyReason(input), input).to.equal(want);
    for (const r of SAFETY_REASONS) expect(normaliseSafetyReason(r)).to.equal(r);
  });

  it('keeps robot codes, hosts and open-ended labels bounded', () => {
    expect(robotCodeLabel(0)).to.equal('0');
    expect(robotCodeLabel(3205)).to.equal('3205');
    expect(robotCodeLabel('unknown')).to.equal('unknown');
    expect(robotCodeLabel(77)).to.equal('other');
    expect(hostLabel('http://127.0.0.1:11434/', ['127.0.0.1:11434'])).to.equal('127.0.0.1:11434');
    expect(hostLabel('http://10.0.0.9:11434', ['127.0.0.1:11434'])).to.equal('other');
    expect(hostLabel(undefined, [])).to.equal('none');
    const guard = createLabelGuard(3, /^[a-z_]+$/);
    expect(['sit', 'sit', 'stand_up', 'Sit Down!', 'hello', 'dance1', 'wiggle'].map(guard)).to.deep.equal(['sit', 'sit', 'stand_up', 'other', 'hello', 'other', 'other']);
    expect(guard.size).to.equal(3);
  });
});
