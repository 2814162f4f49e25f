import { expect } from 'chai';
import { parseRosArgs } from '../../src/ros/ros-args';
import { ConfigError } from '../../src/util/errors';

describe('parseRosArgs (--ros-args as rcl reads them)', () => {
  it('reads namespace, node name, remaps, params and params files; keeps the rest', () => {
    const r = parseRosArgs(['run', '--transport', 'dds', '--ros-args', '-r', '__ns:=/dog1', '-r', '__node:=brain', '-r', 'speech_text:=/asr/text',
      '-p', 'ollama.model:=qwen2.5:3b', '-p', 'cache.ttl_s:=60', '-p', 'ollama.hosts:=[http://a:1, http://b:2]', '--params-file', '/tmp/p.yaml', '--', '--json-log']);
    expect(r.rest).to.deep.equal(['run', '--transport', 'dds', '--json-log']);
    expect(r.namespace).to.equal('/dog1');
    expect(r.nodeName).to.equal('brain');
    expect([...r.remap]).to.deep.equal([['speech_text', '/asr/text']]);
    expect(r.params).to.deep.equal([['ollama.model', 'qwen2.5:3b'], ['cache.ttl_s', 60], ['ollama.hosts', ['http://a:1', 'http://b:2']]]);
    expect(r.paramsFiles).to.deep.equal(['/tmp/p.yaml']);
    expect(r.raw[0]).to.equal('--ros-args');
  });

  it('accepts long forms, several blocks, a relative namespace and rcl logging flags', () => {
    const r = parseRosArgs(['--ros-args', '--remap', '__ns:=claudia', '--log-level', 'debug', '--disable-rosout-logs', '--', 'x', '--ros-args', '--param', 'robot.settle_ms:=0']);
    expect(r.namespace).to.equal('/claudia');
    expect(r.rest).to.deep.equal(['x']);
    expect(r.params).to.deep.equal([['robot.settle_ms', 0]]);
  });

  it("applies node-specific rules only for this node ('claudia_llm:' prefix)", () => {
    const r = parseRosArgs(['--ros-args', '-r', 'claudia_llm:speech:=/a', '-r', 'other_node:speech:=/b', '-p', 'claudia_llm:cache.ttl_s:=5', '-p', 'other_node:cache.ttl_s:=9']);
    expect([...r.remap]).to.deep.equal([['speech', '/a']]);
    expect(r.params).to.deep.equal([['cache.ttl_s', 5]]);
  });

  it('refuses unknown flags, missing values and malformed rules with a ConfigError saying what to write', () => {
    expect(() => parseRosArgs(['--ros-args', '--bogus'])).to.throw(ConfigError, /unknown argument '--bogus'/);
    expect(() => parseRosArgs(['--ros-args', '-r'])).to.throw(ConfigError, /needs a value/);
    expect(() => parseRosArgs(['--ros-args', '-p', '--'])).to.throw(ConfigError, /needs a value/);
    expect(() => parseRosArgs(['--ros-args', '-r', 'nocolon'])).to.throw(ConfigError, /from:=to/);
    expect(() => parseRosArgs(['--ros-args', '-p', 'bad name'])).to.throw(ConfigError, /name:=value/);
    expect(() => parseRosArgs(['--ros-args', '-r', '__node:=bad-name'])).to.throw(ConfigError, /node name/);
  });

  it('leaves argv without --ros-args untouched', () => {
    const r = parseRosArgs(['query', '座って']);
    expect(r.rest).to.deep.equal(['query', '座って']);
    expect(r.namespace).to.equal(undefined);
    expect(r.remap.size).to.equal(0);
  });
});
