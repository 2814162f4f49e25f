import { expect } from 'chai';
import * as path from 'node:path';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { DEFAULT_CONFIG } from '../../src/config/defaults';
import { applyParams, configWith, loadConfig, parseParamAssignment, parseParamsYaml, readParamsFile } from '../../src/config/load';
import { ConfigError } from '../../src/util/errors';

const PARAMS = path.join(__dirname, '..', '..', 'config', 'params.yaml');

describe('config: params.yaml and overrides', () => {
  it('config/params.yaml lists every parameter with its default value', () => {
    const params = readParamsFile(PARAMS);
    const flat = new Map<string, unknown>();
    for (const [section, values] of Object.entries(DEFAULT_CONFIG)) {
      for (const [k, v] of Object.entries(values as Record<string, unknown>)) flat.set(`${section}.${k}`, v);
    }
    expect([...params.keys()].sort()).to.deep.equal([...flat.keys()].sort());
    for (const [k, v] of flat) expect(params.get(k), k).to.deep.equal(v);
  });

  it('loads the package params file into a frozen config with the catalogue path resolved', () => {
    const cfg = loadConfig();
    expect(cfg.node.namespace).to.equal('/claudia');
    expect(path.isAbsolute(cfg.robot.actions_file)).to.equal(true);
    expect(Object.isFrozen(cfg.ollama)).to.equal(true);
  });

  it('applies ROS-style overrides with the default type', () => {
    const cfg = loadConfig({ overrides: [parseParamAssignment('ollama.model:=llama3'), parseParamAssignment('metrics.port:=9100'), parseParamAssignment('safety.enable_high_risk:=true'), parseParamAssignment('ollama.hosts:=[http://a:1, http://b:2]')] });
    expect(cfg.ollama.model).to.equal('llama3');
    expect(cfg.metrics.port).to.equal(9100);
    expect(cfg.safety.enable_high_risk).to.equal(true);
    expect(cfg.ollama.hosts).to.deep.equal(['http://a:1', 'http://b:2']);
  });

  it('accepts the node name, a namespaced node name and the wildcard as the params block', () => {
    for (const key of ['claudia_llm', '/claudia/claudia_llm', '/**']) {
      const m = parseParamsYaml(`${key}:\n  ros__parameters:\n    ollama:\n      model: x\n`);
      expect(m.get('ollama.model')).to.equal('x');
    }
  });

  it('refuses unknown parameters, wrong types and out-of-range values with the parameter name', () => {
    expect(() => applyParams(DEFAULT_CONFIG, new Map([['ollama.modle', 'x']]))).to.throw(ConfigError, /ollama\.modle/);
    expect(() => applyParams(DEFAULT_CONFIG, new Map([['metrics.port', 'eighty']]))).to.throw(ConfigError, /'metrics\.port' must be a number/);
    expect(() => configWith({ ollama: { num_parallel: 0 } })).to.throw(ConfigError, /ollama\.num_parallel must be >= 1/);
    expect(() => configWith({ transport: { kind: 'zmq' as never } })).to.throw(ConfigError, /transport\.kind/);
    expect(() => parseParamAssignment('no-equals')).to.throw(ConfigError);
  });

  it('validates ollama.keep_alive as Ollama parses it: seconds or a Go duration, else E_CONFIG naming the key', () => {
    for (const ok of ['30m', '1h30m', '-1', '0', '300', '2.5s']) expect(configWith({ ollama: { keep_alive: ok } }).ollama.keep_alive).to.equal(ok);
    for (const bad of ['300x', 'forever', '', '1d', '5 m']) {
      expect(() => configWith({ ollama: { keep_alive: bad } }), bad).to.throw(ConfigError, /ollama\.keep_alive must be a number of seconds .* or a Go duration/);
    }
    // YAML numbers arrive as numbers: -1 (forever) from a params file is fine.
    expect(applyParams(DEFAULT_CONFIG, new Map([['ollama.keep_alive', -1]])).ollama.keep_alive).to.equal('-1');
  });

  it('llm.backend is one of ollama, openai, embedded', () => {
    expect(configWith({ llm: { backend: 'openai' } }).llm.backend).to.equal('openai');
    expect(() => configWith({ llm: { backend: 'vllm' as never } })).to.throw(ConfigError, /llm\.backend must be one of ollama, openai, embedded/);
  });

  it('names the file and problem for a broken params file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'claudia-cfg-'));
    const bad = path.join(dir, 'bad.yaml');
    writeFileSync(bad, 'claudia_llm:\n  ros__parameters: [1, 2\n');
    expect(() => loadConfig({ paramsFile: bad })).to.throw(ConfigError, /bad\.yaml/);
    const other = path.join(dir, 'other.yaml');
    writeFileSync(other, 'some_other_node:\n  ros__parameters:\n    a: 1\n');
    expect(() => loadConfig({ paramsFile: other })).to.throw(ConfigError, /no 'ros__parameters' block/);
  });
});
