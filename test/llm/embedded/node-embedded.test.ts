import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { main } from '../../../src/cli/main';
import type { CliIo } from '../../../src/cli/types';
import { findEngineEntry, INSTALL_COMMAND } from '../../../src/llm/embedded/engine-loader';
import { tinyModelGguf } from '../../../src/llm/embedded/tiny-model';
import type { PipelineEvent, QueryInput, StageEvent } from '../../../src/pipeline/types';
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

  it('a stop during a generation stops the robot, drops that answer\'s actions, and the same slot answers the next request', async () => {
    h = await startHarness({
      config: { llm: { backend: 'embedded', model_path: model, threads: 1 }, ollama: { num_ctx: 4096, num_parallel: 1, warmup: true }, robot: { initial_posture: 'standing' } },
    });
    const events: PipelineEvent[] = [];
    // Cold: ~2,400 prompt tokens to evaluate, so the stop lands while the engine is busy.
    const first = h.app.pipeline.handle(input('could you please walk over to the kitchen and look around'), { onEvent: (e) => events.push(e) });
    await waitFor(() => events.some((e) => e.type === 'stage' && e.stage === 'deciding'), 'deciding', 10_000);
    const stop = await h.app.pipeline.handle(input('stop'));
    expect(stop.source).to.match(/^reflex/);
    expect(h.go2.apiIds()).to.include(1003);
    const rec = await first;
    // The stop epoch: whatever the engine answered for the earlier request moves nothing.
    expect(rec.source).to.equal('llm');
    for (const a of rec.actions) expect(a.verdict).to.not.equal('ok');
    expect(h.go2.apiIds().filter((id) => id !== 1003)).to.deep.equal([]);
    const next = await h.app.pipeline.handle(input('what do you think about the weather in spring'), { onEvent: (e) => events.push(e) });
    expect(next.error ?? '', next.error).to.equal('');
    expect(next.source).to.equal('llm');
    expect(next.reply).to.not.equal('');
    expect(events.filter((e): e is StageEvent => e.type === 'stage').map((e) => e.stage).slice(-4)).to.deep.equal(['deciding', 'decided', 'executing', 'done']);
  });
});
