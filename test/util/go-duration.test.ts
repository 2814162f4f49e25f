import { expect } from 'chai';
import { keepAliveForOllama, parseGoDuration } from '../../src/util/go-duration';

describe('util/go-duration: Go time.ParseDuration, as Ollama parses keep_alive', () => {
  it('parses Go durations to nanoseconds, compound and fractional ones included', () => {
    expect(parseGoDuration('30m')).to.equal(30 * 60e9);
    expect(parseGoDuration('1h30m')).to.equal(90 * 60e9);
    expect(parseGoDuration('1.5h')).to.equal(90 * 60e9);
    expect(parseGoDuration('300ms')).to.equal(300e6);
    expect(parseGoDuration('2h45m10.5s')).to.equal((2 * 3600 + 45 * 60 + 10.5) * 1e9);
    expect(parseGoDuration('-5m')).to.equal(-5 * 60e9);
    expect(parseGoDuration('+1s')).to.equal(1e9);
    expect(parseGoDuration('0')).to.equal(0);
    expect(parseGoDuration('.5s')).to.equal(0.5e9);
    expect(parseGoDuration('1µs')).to.equal(1e3);
  });

  it('refuses what Go refuses, with Go\'s messages', () => {
    expect(() => parseGoDuration('300x')).to.throw('time: unknown unit "x" in duration "300x"');
    expect(() => parseGoDuration('-1')).to.throw('time: missing unit in duration "-1"');
    expect(() => parseGoDuration('300')).to.throw('time: missing unit in duration "300"');
    expect(() => parseGoDuration('')).to.throw('time: invalid duration ""');
    expect(() => parseGoDuration('m')).to.throw('time: invalid duration "m"');
    expect(() => parseGoDuration('.s')).to.throw('time: invalid duration ".s"');
    expect(() => parseGoDuration('1d')).to.throw(/unknown unit "d"/);
    expect(() => parseGoDuration('5 m')).to.throw(/unknown unit " m"/);
  });

  it('keep_alive: a number of seconds (numeric strings too) becomes a number; a duration stays a string', () => {
    expect(keepAliveForOllama('-1')).to.equal(-1);
    expect(keepAliveForOllama('300')).to.equal(300);
    expect(keepAliveForOllama('0')).to.equal(0);
    expect(keepAliveForOllama(' 2.5 ')).to.equal(2.5);
    expect(keepAliveForOllama(600)).to.equal(600);
    expect(keepAliveForOllama('1h30m')).to.equal('1h30m');
    expect(() => keepAliveForOllama('300x')).to.throw(/unknown unit/);
    expect(() => keepAliveForOllama('forever')).to.throw(/time: /);
  });
});
