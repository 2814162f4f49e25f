import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { COMMANDS, GROUPS } from '../../src/cli/commands';
import { main } from '../../src/cli/main';
import type { CliIo } from '../../src/cli/types';
import { createOllamaSimulator, FIXED_PROFILE } from '../../src/llm/simulator';
import { dataPath } from '../helpers/repo-data';
import { prepareDdsEnv } from '../ros/dds-env';

const ROOT = path.resolve(__dirname, '..', '..');

function capture(): CliIo & { out_: string[]; err_: string[]; outText(): string; errText(): string } {
  const out_: string[] = [];
  const err_: string[] = [];
  return { out_, err_, out: (l) => void out_.push(l), err: (l) => void err_.push(l), outText: () => out_.join('\n'), errText: () => err_.join('\n') };
}

const never = () => new Promise<void>(() => undefined);

describe('cli: commander framework (help, exit codes, validation)', function () {
  this.timeout(60_000);

  const everyCommand = [[], ...Object.keys(GROUPS).map((g) => g.split(' ')), ...COMMANDS.map((c) => c.words)];

  for (const words of everyCommand) {
    it(`claudia-llm ${[...words, '--help'].join(' ')} prints a Usage: line on stdout and exits 0`, async () => {
      const c = capture();
      expect(await main([...words, '--help'], c, { untilStopped: never }), c.errText()).to.equal(0);
      expect(c.outText()).to.match(new RegExp(`^Usage: claudia-llm${words.length ? ' ' + words.join(' ') : ''} `, 'm'));
      expect(c.errText()).to.equal('');
    });
  }

  it('`help <command>` is the same as `<command> --help`', async () => {
    const a = capture();
    const b = capture();
    expect(await main(['help', 'eval', 'pairs'], a)).to.equal(0);
    expect(await main(['eval', 'pairs', '--help'], b)).to.equal(0);
    expect(a.outText()).to.equal(b.outText());
  });

  it('no command, or a group without its subcommand, shows the help on stderr and exits 2', async () => {
    for (const argv of [[], ['eval'], ['bag'], ['audit']]) {
      const c = capture();
      expect(await main(argv, c), argv.join(' ')).to.equal(2);
      expect(c.errText()).to.match(/^Usage: claudia-llm/m);
    }
  });

  it('an unknown command is named, with exit 2', async () => {
    const c = capture();
    expect(await main(['nope'], c)).to.equal(2);
    expect(c.errText()).to.contain("unknown command 'nope'");
    const c2 = capture();
    expect(await main(['eval', 'sentences'], c2)).to.equal(2);
    expect(c2.errText()).to.contain("claudia-llm eval: error: unknown command 'sentences'");
  });

  for (const entry of COMMANDS) {
    it(`claudia-llm ${entry.words.join(' ')} names an unknown flag and exits 2`, async () => {
      const c = capture();
      const argv = [...entry.words, ...(entry.words[0] === 'run' || entry.words[0] === 'sim-ollama' ? [] : ['x']), '--bogus-flag'];
      expect(await main(argv, c, { untilStopped: never }), c.errText()).to.equal(2);
      expect(c.errText()).to.contain(`claudia-llm ${entry.words.join(' ')}: error: unknown option '--bogus-flag'`);
      expect(c.errText()).to.contain(`(see: claudia-llm ${entry.words.join(' ')} --help)`);
    });
  }

  // One bad usage per command, a value that names its flag (exit 2), next to the edge value that passes.
  const badValues: Array<{ argv: string[]; message: RegExp }> = [
    { argv: ['audit', 'summary'], message: /missing required argument 'files'/ },
    { argv: ['bag', 'info', 'a', 'b'], message: /too many arguments for 'info'/ },
    { argv: ['eval', 'intents', 'f.jsonl', '--actions'], message: /option '--actions <actions.yaml>' argument missing/ },
    { argv: ['eval', 'pairs', 'f.jsonl', '--analyser', 'mecab'], message: /option '--analyser <name>' argument 'mecab' is invalid\. Allowed choices are light, kuromoji/ },
    { argv: ['query', 'x', '--language', 'xx'], message: /option '--language <lang>' argument 'xx' is invalid\. Allowed choices are ja, zh, en/ },
    { argv: ['query', 'x', '--timeout', 'abc'], message: /option '--timeout <s>' argument 'abc' is invalid\. It must be a number of seconds > 0/ },
    { argv: ['query', 'x', '--timeout', '0'], message: /option '--timeout <s>' argument '0' is invalid/ },
    { argv: ['query', 'x', '--confidence', '5'], message: /option '--confidence <c>' argument '5' is invalid\. It must be a number from 0 to 1/ },
    { argv: ['query', 'x', '--confidence', '1.01'], message: /option '--confidence <c>' argument '1.01' is invalid/ },
    { argv: ['query', 'x', '--confidence', '-0.01'], message: /option '--confidence <c>' argument '-0.01' is invalid/ },
    { argv: ['query', 'x', '--priority', '5'], message: /option '--priority <n>' argument '5' is invalid\. It must be an integer from 0 to 4/ },
    { argv: ['query', 'x', '--priority', '1.5'], message: /option '--priority <n>' argument '1.5' is invalid/ },
    { argv: ['record', 'out', '--duration', '0'], message: /option '--duration <s>' argument '0' is invalid\. It must be a number of seconds > 0/ },
    { argv: ['replay', 'bag', '--rate', '-1'], message: /option '--rate <r>' argument '-1' is invalid\. It must be a number >= 0/ },
    { argv: ['run', '--transport', 'zmq'], message: /option '--transport <kind>' argument 'zmq' is invalid\. Allowed choices are memory, dds, rclnodejs/ },
    { argv: ['run', '--metrics-port', '65536'], message: /option '--metrics-port <n>' argument '65536' is invalid\. It must be an integer from 0 to 65535/ },
    { argv: ['sim-ollama', '--port', '-1'], message: /option '--port <n>' argument '-1' is invalid/ },
  ];
  for (const { argv, message } of badValues) {
    it(`${argv.join(' ')} is a usage error (exit 2) naming the flag`, async () => {
      const c = capture();
      expect(await main(argv, c, { untilStopped: never })).to.equal(2);
      expect(c.errText()).to.match(message);
    });
  }

  it('edge values just inside the limits parse (parse only)', async () => {
    for (const argv of [
      ['query', 'x', '--confidence', '1'],
      ['query', 'x', '--confidence', '0'],
      ['query', 'x', '--timeout', '0.001'],
      ['query', 'x', '--priority', '4'],
      ['query', 'x', '--priority', '0'],
      ['record', 'out', '--duration', '0.001'],
      ['replay', 'bag', '--rate', '0'],
      ['run', '--metrics-port', '65535'],
      ['run', '--metrics-port', '0'],
      ['sim-ollama', '--port', '0'],
    ]) {
      const c = capture();
      expect(await main(argv, c, { parseOnly: true }), `${argv.join(' ')}: ${c.errText()}`).to.equal(0);
    }
  });

  it('configuration errors exit 2 and say what is wrong; a failed request exits 1', async () => {
    const c = capture();
    expect(await main(['query', 'x', '--no-llm', '-p', 'cache.no_such_key=1'], c)).to.equal(2);
    expect(c.errText()).to.match(/E_CONFIG: override 'cache.no_such_key' is unknown/);
    const c2 = capture();
    expect(await main(['query', 'x', '--no-llm', '--params', '/nonexistent/params.yaml'], c2)).to.equal(2);
    expect(c2.errText()).to.match(/cannot read params file \/nonexistent\/params\.yaml/);
    const c3 = capture();
    expect(await main(['bag', 'info', '/nonexistent/bag'], c3)).to.equal(1);
    expect(c3.errText()).to.match(/E_BAG/);
  });
});

describe('cli: query input, progress and closed pipes', function () {
  this.timeout(60_000);

  it('query - reads the utterance from stdin; a 1 MB utterance arrives whole', async () => {
    const c = capture();
    expect(await main(['query', '-', '--json', '--no-llm', '--dry-run'], c, { stdin: Readable.from([Buffer.from('お手\n')]) }), c.errText()).to.equal(0);
    expect(JSON.parse(c.outText())).to.deep.include({ success: true, source: 'reflex' });
    const big = 'あ'.repeat(1024 * 1024);
    const c2 = capture();
    const chunks = [Buffer.from(big.slice(0, 300_000)), Buffer.from(big.slice(300_000)), Buffer.from('\n')];
    expect(await main(['query', '-', '--json', '--no-llm', '--dry-run'], c2, { stdin: Readable.from(chunks) })).to.equal(1);
    // Refused by the pipeline's length limit, which proves all 1,048,576 characters came through.
    expect(JSON.parse(c2.outText()).error).to.equal(`E_BAD_INPUT: text is ${1024 * 1024} characters; the limit is 2000 (language.max_input_chars)`);
  });

  it('query --file reads the utterance from a file; text and --file together, or neither, are usage errors', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'claudia-query-'));
    const file = path.join(dir, 'u.txt');
    writeFileSync(file, '座って\n');
    const c = capture();
    expect(await main(['query', '--file', file, '--json', '--no-llm', '--dry-run'], c), c.errText()).to.equal(0);
    expect(JSON.parse(c.outText()).actions.map((a: { name: string }) => a.name)).to.deep.equal(['stand_up', 'sit']);
    const c2 = capture();
    expect(await main(['query', 'x', '--file', file, '--no-llm'], c2)).to.equal(2);
    expect(c2.errText()).to.contain('either as an argument or with --file, not both');
    const c3 = capture();
    expect(await main(['query', '--no-llm'], c3)).to.equal(2);
    expect(c3.errText()).to.contain('no text');
    const c4 = capture();
    expect(await main(['query', '--file', path.join(dir, 'missing.txt'), '--no-llm'], c4)).to.equal(2);
    expect(c4.errText()).to.match(/cannot read .*missing\.txt/);
  });

  it('query says on stderr what it waits for while the LLM takes more than a second (the LLM here is the simulator)', async () => {
    const sim = createOllamaSimulator({ profile: { ...FIXED_PROFILE, name: 'slow', fixedServiceMs: 2300 }, script: [{ match: '', content: { a: [], r: 'Hello there.' } }] });
    const url = await sim.listen(0, '127.0.0.1');
    try {
      const c = capture();
      const code = await main(['query', 'tell me about the weather on mars please', '--language', 'en', '--ollama-host', url, '-p', 'ollama.warmup=false', '--redis', 'off'], c);
      expect(code, c.errText() + c.outText()).to.equal(0);
      expect(c.errText()).to.match(/^claudia-llm query: waiting for the LLM at http:\/\/127\.0\.0\.1:\d+ \(1 s so far\)$/m);
      expect(c.outText()).to.contain('source:  llm');
    } finally {
      await sim.close();
    }
  });

  it('eval pairs | head: no EPIPE stack when the reader goes away, exit 0', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/entry.ts', 'eval', 'pairs', dataPath('pairs.dev.jsonl')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy(); // what `head -1` does once it has its line
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    expect(err).to.not.match(/EPIPE|Error/);
    expect(code).to.equal(0);
  });
});

describe('cli: record tells the user how to end it and what it has recorded', function () {
  this.timeout(60_000);

  it('memory: says to end with Ctrl-D or Ctrl-C', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'claudia-rec-'));
    const c = capture();
    const code = await main(['record', path.join(dir, 'bag'), '--no-llm', '--tail', '0'], c, { stdin: Readable.from(['座って\n']), untilStopped: never });
    expect(code, c.errText()).to.equal(0);
    expect(c.errText()).to.contain('End with Ctrl-D (end of input) or Ctrl-C.');
    expect(c.outText()).to.match(/> 座って -> reflex/);
  });

  it('dds: says how to end it, then how many messages it has recorded so far', async function () {
    const env = prepareDdsEnv();
    if (env.skip) {
      console.warn(`      skipped: ${env.skip}`);
      this.skip();
    }
    const dir = mkdtempSync(path.join(tmpdir(), 'claudia-rec-'));
    const c = capture();
    const code = await main(['record', path.join(dir, 'bag'), '--transport', 'dds', '--duration', '3.5', '-p', `transport.dds_domain_id=${env.domainId}`], c, { untilStopped: never });
    expect(code, c.errText()).to.equal(0);
    expect(c.errText()).to.contain('stops after 3.5 s, or Ctrl-C');
    // The first progress line is due 3 s after recording starts (--duration counts from then too, so it
    // comes before the end); it says the seconds elapsed when it ran, 4 if a loaded machine ran it late.
    expect(c.errText()).to.match(/claudia-llm record: 0 message\(s\) recorded in [34] s \(nothing heard yet: is the node running, on the same DDS domain\?\); Ctrl-C ends it/);
  });
});
