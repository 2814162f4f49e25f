import { expect } from 'chai';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseCommandLine } from '../../src/cli/main';
import { configFromOptions, rosArgsOf, type NodeOpts } from '../../src/cli/node-options';
import { configSource, loadConfig, packageConfigDir } from '../../src/config/load';
import { parseOllamaHost } from '../../src/config/ollama-host';

describe('OLLAMA_HOST, read as Ollama reads it (envconfig Host/ConnectableHost)', () => {
  // The cases of ollama/ollama envconfig/config_test.go TestHost; where Ollama's client would
  // dial an unspecified or empty host, the node connects to loopback (ConnectableHost).
  const cases: Array<[string, string | undefined]> = [
    ['', undefined],
    ['   ', undefined],
    ['1.2.3.4', 'http://1.2.3.4:11434'],
    [':1234', 'http://127.0.0.1:1234'],
    ['1.2.3.4:1234', 'http://1.2.3.4:1234'],
    ['example.com', 'http://example.com:11434'],
    ['example.com:1234', 'http://example.com:1234'],
    [':0', 'http://127.0.0.1:0'],
    [':65535', 'http://127.0.0.1:65535'],
    [':65536', 'http://127.0.0.1:11434'],
    [':66000', 'http://127.0.0.1:11434'],
    [':-1', 'http://127.0.0.1:11434'],
    ['[::1]', 'http://[::1]:11434'],
    ['[::]', 'http://[::1]:11434'],
    ['::1', 'http://[::1]:11434'],
    ['[::1]:1337', 'http://[::1]:1337'],
    [' 1.2.3.4 ', 'http://1.2.3.4:11434'],
    ['"1.2.3.4"', 'http://1.2.3.4:11434'],
    [' " 1.2.3.4 " ', 'http://1.2.3.4:11434'],
    ["'1.2.3.4'", 'http://1.2.3.4:11434'],
    ['http://1.2.3.4', 'http://1.2.3.4:80'],
    ['http://1.2.3.4:4321', 'http://1.2.3.4:4321'],
    ['https://1.2.3.4', 'https://1.2.3.4:443'],
    ['https://1.2.3.4:4321', 'https://1.2.3.4:4321'],
    ['https://example.com/ollama', 'https://example.com:443/ollama'],
    ['ollama.com', 'https://ollama.com:443'],
    ['0.0.0.0', 'http://127.0.0.1:11434'],
    ['0.0.0.0:11500', 'http://127.0.0.1:11500'],
    ['192.168.123.20:11434', 'http://192.168.123.20:11434'],
  ];
  for (const [value, want] of cases) {
    it(`${JSON.stringify(value)} -> ${want ?? '(unset: the default applies)'}`, () => {
      expect(parseOllamaHost(value)).to.equal(want);
    });
  }
});

describe('precedence of the Ollama hosts: defaults < OLLAMA_HOST < params file < -p / --ros-args -p < --ollama-host', () => {
  const env = { OLLAMA_HOST: '10.0.0.5' };
  const fromEnv = 'http://10.0.0.5:11434';
  const dir = mkdtempSync(path.join(tmpdir(), 'claudia-hosts-'));
  const withHosts = path.join(dir, 'with-hosts.yaml');
  writeFileSync(withHosts, '/**:\n  ros__parameters:\n    ollama:\n      hosts: ["http://10.0.0.6:11434"]\n');
  const withoutHosts = path.join(dir, 'without-hosts.yaml');
  writeFileSync(withoutHosts, '/**:\n  ros__parameters:\n    ollama:\n      model: other:1b\n');

  async function config(argv: string[], e: Record<string, string | undefined>) {
    const outcome = await parseCommandLine(['run', ...argv], { out: () => undefined, err: () => undefined });
    if (!('parsed' in outcome)) throw new Error(`refused: ${argv.join(' ')}`);
    return configFromOptions(outcome.parsed.opts as NodeOpts, rosArgsOf(outcome.parsed.ros), e);
  }

  it('tests never see the shell\'s OLLAMA_HOST (test/setup.ts moves it for the live suite), nor do the nodes they spawn', () => {
    expect(process.env.OLLAMA_HOST).to.equal(undefined);
  });

  it('the shipped defaults when nothing else is given', async () => {
    const c = await config([], {});
    expect(c.ollama.hosts).to.deep.equal(['http://127.0.0.1:11434']);
    expect(configSource(c, 'ollama.hosts')).to.equal('default');
  });

  it('OLLAMA_HOST over the defaults (also over the package params file named explicitly, as the launch file does)', async () => {
    for (const argv of [[], ['--params', path.join(packageConfigDir(), 'params.yaml')], ['--ros-args', '--params-file', path.join(packageConfigDir(), 'params.yaml')]]) {
      const c = await config(argv, env);
      expect(c.ollama.hosts, argv.join(' ')).to.deep.equal([fromEnv]);
      expect(configSource(c, 'ollama.hosts')).to.equal('OLLAMA_HOST');
    }
  });

  it('a blank OLLAMA_HOST is unset', async () => {
    expect((await config([], { OLLAMA_HOST: ' ' })).ollama.hosts).to.deep.equal(['http://127.0.0.1:11434']);
  });

  it('the user params file over OLLAMA_HOST when it sets the hosts; OLLAMA_HOST stays when it does not', async () => {
    const a = await config(['--params', withHosts], env);
    expect(a.ollama.hosts).to.deep.equal(['http://10.0.0.6:11434']);
    expect(configSource(a, 'ollama.hosts')).to.equal(`params file ${withHosts}`);
    const b = await config(['--ros-args', '--params-file', withoutHosts], env);
    expect(b.ollama.hosts).to.deep.equal([fromEnv]);
    expect(b.ollama.model).to.equal('other:1b');
  });

  it('-p and --ros-args -p over the params file', async () => {
    const a = await config(['--params', withHosts, '-p', 'ollama.hosts=http://10.0.0.7:11434'], env);
    expect(a.ollama.hosts).to.deep.equal(['http://10.0.0.7:11434']);
    expect(configSource(a, 'ollama.hosts')).to.equal('-p / --ros-args -p');
    const b = await config(['--ros-args', '--params-file', withHosts, '-p', 'ollama.hosts:=["http://10.0.0.8:11434"]'], env);
    expect(b.ollama.hosts).to.deep.equal(['http://10.0.0.8:11434']);
  });

  it('--ollama-host over everything', async () => {
    const c = await config(['--params', withHosts, '-p', 'ollama.hosts=http://10.0.0.7:11434', '--ollama-host', 'http://10.0.0.9:11434,http://10.0.0.10:11434'], env);
    expect(c.ollama.hosts).to.deep.equal(['http://10.0.0.9:11434', 'http://10.0.0.10:11434']);
    expect(configSource(c, 'ollama.hosts')).to.equal('--ollama-host');
  });

  it('OLLAMA_HOST applies to the Ollama backend only', async () => {
    const c = await config(['-p', 'llm.backend=openai'], env);
    expect(c.ollama.hosts).to.deep.equal(['http://127.0.0.1:11434']);
    expect(configSource(c, 'ollama.hosts')).to.equal('default');
  });

  it('a relative actions_file is relative to the file that names it', () => {
    copyFileSync(path.join(packageConfigDir(), 'actions.yaml'), path.join(dir, 'actions.yaml'));
    const file = path.join(dir, 'copy.yaml');
    writeFileSync(file, readFileSync(path.join(packageConfigDir(), 'params.yaml'), 'utf8'));
    expect(loadConfig({ paramsFile: file, env: {} }).robot.actions_file).to.equal(path.join(dir, 'actions.yaml'));
    expect(loadConfig({ paramsFile: withoutHosts, env: {} }).robot.actions_file).to.equal(path.join(packageConfigDir(), 'actions.yaml'));
  });
});
