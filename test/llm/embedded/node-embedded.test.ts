import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { main } from '../../../src/cli/main';
import type { CliIo } from '../../../src/cli/types';
import { findEngineEntry, INSTALL_COMMAND } from '../../../src/llm/embedded/engine-loader';
import { tinyModelGguf } from '../../../src/llm/embedded/tiny-model';
import type { AnswerRecord, PipelineEvent, QueryInput, StageEvent } from '../../../src/pipeline/types';
import { createMemoryLogger } from '../../../src/util/logger';
import { startHarness, waitFor, type Harness } from '../../helpers/app-harness';

function capture(): CliIo & { outText(): string; errText(): string } {
  const out: string[] = [];
  const err: string[] = [];
  return { out: (l) => void out.push(l), err: (l) => void err.push(l), outText: () => out.join('\n'), errText: () => err.join('\n') };
}

const input = (text: string): QueryInput => ({ text, origin: 'cli', confidence: 0.9 });

describe('claudia-llm tiny-model', () => {
  it('writes the deterministic tiny model and says what it is (and is not)', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'claudia-tiny-')), 'm.gguf');
    const c = capture();
    expect(await main(['tiny-model', file], c), c.errText()).to.equal(0);
    const bytes = readFileSync(file);
    expect(bytes.equals(tinyModelGguf())).to.equal(true);
    expect(c.outText()).to.contain(`${bytes.length} bytes, sha256 ${createHash('sha256').update(bytes).digest('hex')}`);
    expect(c.outText()).to.contain('not a model of anything');
  });

  it('without a file, or with two, is a usage error (exit 2)', async () => {
    const c = capture();
    expect(await main(['tiny-model'], c)).to.equal(2);
    expect(c.errText()).to.contain("missing required argument 'file.gguf'");
    const c2 = capture();
    expect(await main(['tiny-model', 'a.gguf', 'b.gguf'], c2)).to.equal(2);
    expect(c2.errText()).to.contain("too many arguments for 'tiny-model'");
  });

  it('a file that cannot be written fails with exit 1 and the reason', async () => {
    const c = capture();
    expect(await main(['tiny-model', '/nonexistent-dir/m.gguf'], c)).to.equal(1);
    expect(c.errText()).to.match(/claudia-llm tiny-model: E_BAD_INPUT: .*ENOENT/);
  });
});

describe('the node on the embedded engine (real llama.cpp, tiny random model)', function () {
  this.timeout(30_000);
  let model = '';
  let h: Harness | undefined;

  before(() => {
    if (!findEngineEntry()) throw new Error(`node-llama-cpp is not installed, so the real-engine tests cannot run: run \`${INSTALL_COMMAND}\` (.ci/run does)`);
    model = path.join(mkdtempSync(path.join(tmpdir(), 'claudia-node-engine-')), 'tiny.gguf');
    const c = capture();
    return main(['tiny-model', model], c).then((code) => expect(code, c.errText()).to.equal(0));
  });
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('`query -p llm.backend=embedded -p llm.model_path=<file>` answers through the engine (source llm)', async () => {
    const c = capture();
    const code = await main(['query', 'tell me about your day', '--json', '--dry-run', '-p', 'llm.backend=embedded', '-p', `llm.model_path=${model}`, '-p', 'llm.threads=1', '-p', 'ollama.num_ctx=4096'], c);
    expect(code, c.errText()).to.equal(0);
    const rec = JSON.parse(c.outText()) as { source: string; reply: string; error?: string };
    expect(rec.source).to.equal('llm');
    expect(rec.reply).to.be.a('string').and.not.equal('');
  });

  it('a stop during a generation aborts it within a token or so, and the same sequence answers the next request', async () => {
    const logger = createMemoryLogger();
    h = await startHarness({
      logger,
      config: { llm: { backend: 'embedded', model_path: model, threads: 1 }, ollama: { num_ctx: 4096, num_parallel: 1, warmup: true }, robot: { initial_posture: 'standing' } },
    });
    const calls: Array<{ ok: boolean; error?: string }> = [];
    h.app.telemetry.on((e) => {
      if (e.type === 'llm_call') calls.push({ ok: e.ok, error: e.error });
    });
    const events: PipelineEvent[] = [];
    // Wait until the engine is generating (reply text has streamed), then stop. Dry run: the
    // random model's actions stream before its reply, and must not move the robot here.
    let stop: AnswerRecord | undefined;
    let streamedAtStop = 0;
    const hh = h;
    const first = h.app.pipeline.handle({ ...input('tell me a long story about your day in the park'), dryRun: true }, {
      onEvent: (e) => {
        events.push(e);
        if (e.type !== 'stage' || e.stage !== 'decided' || stop) return;
        streamedAtStop = events.filter((x) => x.type === 'reply').length;
        stop = hh.app.pipeline.stop({ origin: 'cli', text: '' });
      },
    });
    await waitFor(() => stop !== undefined, 'the engine to stream reply text', 20_000);
    expect(stop?.source).to.equal('reflex');
    const rec = await first;
    await waitFor(() => h!.go2.apiIds().includes(1003), 'StopMove on the wire');
    // The generation was aborted (not run to its end): a token or two may still have been on their way.
    expect(rec.error).to.match(/^E_ABORTED: the LLM call was aborted by an emergency stop/);
    const streamedAfterStop = events.filter((e) => e.type === 'reply' && !e.replaced).length - streamedAtStop;
    expect(streamedAfterStop).to.be.at.most(2);
    expect(rec.reply).to.equal("I was told to stop, so I won't do that.");
    // The answer does not wait for the engine; the engine's call ends (aborted) just after.
    await waitFor(() => calls.length > 0, 'the engine call to end', 5_000);
    expect(calls).to.deep.equal([{ ok: false, error: 'E_ABORTED' }]);
    for (const a of rec.actions) expect(a.verdict).to.not.equal('ok');
    expect(h.go2.apiIds().filter((id) => id !== 1003)).to.deep.equal([]);
    const next = await h.app.pipeline.handle(input('what do you think about the weather in spring'), { onEvent: (e) => events.push(e) });
    expect(next.error ?? '', next.error).to.equal('');
    expect(next.source).to.equal('llm');
    expect(next.reply).to.not.equal('');
    expect(events.filter((e): e is StageEvent => e.type === 'stage').map((e) => e.stage).slice(-4)).to.deep.equal(['deciding', 'decided', 'executing', 'done']);
    // The engine stopped after the abort, so its sequence was kept (not replaced by a fresh one).
    expect(logger.lines.filter((l) => /replacing its sequence/.test(l.msg))).to.deep.equal([]);
  });

  it('status texts name the embedded engine, not an Ollama host (/diagnostics, the record\'s error)', async () => {
    // A file that exists but is no GGUF: accepted at start, the engine cannot load it, the probe takes it out.
    const bad = path.join(mkdtempSync(path.join(tmpdir(), 'claudia-bad-model-')), 'broken.gguf');
    writeFileSync(bad, 'not a model');
    h = await startHarness({ config: { llm: { backend: 'embedded', model_path: bad, threads: 1 }, ollama: { warmup: false, health_interval_s: 0.2 } } });
    const llm = h.app.statusSources.find((s) => s.component === 'ollama');
    expect(llm?.status().values?.backend).to.equal('embedded');
    await waitFor(() => llm?.status().level === 'error', 'the engine to be taken out', 10_000);
    expect(llm?.status().message).to.match(/^no embedded llama\.cpp engine can serve \(embedded:broken\.gguf\): .*cannot load .*broken\.gguf/);
    const rec = await h.app.pipeline.handle(input('tell me about your day'));
    expect(rec.error).to.match(/^E_LLM_UNAVAILABLE: no embedded llama\.cpp engine can serve \(embedded:broken\.gguf\): .*; answering from reflexes and cache only$/);
    expect(rec.error).to.not.match(/ollama/i);
  });
});

describe('a missing engine or an invalid llm.model_path is a configuration error (exit 2)', () => {
  for (const command of ['query', 'run'] as const) {
    for (const [what, modelPath, message] of [
      ['a model file that does not exist', '/nonexistent/tiny.gguf', /E_CONFIG: llm\.model_path '\/nonexistent\/tiny\.gguf' does not exist/],
      ['an empty llm.model_path', '', /E_CONFIG: llm\.backend is embedded but llm\.model_path is empty/],
    ] as const) {
      it(`${command} with ${what}: exit 2 and the fix`, async () => {
        const c = capture();
        const argv = command === 'query' ? ['query', 'hello', '--json', '--dry-run'] : ['run', '--transport', 'memory', '--no-console', '--metrics-port', '0'];
        const code = await main([...argv, '-p', 'llm.backend=embedded', '-p', `llm.model_path=${modelPath}`], c);
        expect(code, c.errText() + c.outText()).to.equal(2);
        expect(c.errText() + c.outText()).to.match(message);
      });
    }
  }

  it('--no-llm does not check the embedded backend (the LLM is off): query answers from the reflexes', async () => {
    const c = capture();
    expect(await main(['query', '座って', '--json', '--dry-run', '--no-llm', '-p', 'llm.backend=embedded', '-p', 'llm.model_path=/nonexistent/tiny.gguf'], c), c.errText()).to.equal(0);
  });
});
