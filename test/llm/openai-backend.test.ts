import { expect } from 'chai';
import { createServer } from 'node:net';
import { probeOllama } from '../../src/cli/probe-ollama';
import { backendFactoryFor, createLlmDecider, isHostFailure, type LlmChunk } from '../../src/llm';
import { createOpenAiBackend, openaiApiKey, openaiBaseUrl, PLACEHOLDER_API_KEY } from '../../src/llm/openai-backend';
import { createOllamaSimulator, FAST_PROFILE, validatesAgainst, type OllamaSimulator } from '../../src/llm/simulator';
import { buildOutputSchema } from '../../src/prompt/output-schema';
import { createSystemClock } from '../../src/util/clock';
import type { ClaudiaError } from '../../src/util/errors';
import { createSilentLogger } from '../../src/util/logger';
import { catalogue, llmConfig, request } from './llm-fixtures';

const sig = () => new AbortController().signal;
const OPTIONS = { num_ctx: 4096, num_batch: 512, num_gpu: 999 };
const SCHEMA = buildOutputSchema(catalogue(), { actions: true, maxActions: 3 });

describe('llm/openai-backend: OpenAI-compatible servers (llama-server, vLLM) through openai@6, against the simulator', () => {
  let sim: OllamaSimulator;
  let url: string;
  beforeEach(async () => {
    sim = createOllamaSimulator({
      profile: 'fast',
      script: [
        { match: '座って', content: { a: ['sit'], r: '座ります' } },
        { match: 'long', content: 'one two three four five six seven eight nine ten eleven twelve' },
      ],
    });
    url = await sim.listen();
  });
  afterEach(async () => {
    await sim.close();
  });
  const backend = (model = 'qwen2.5:7b', host = url) => createOpenAiBackend({ host, model, apiKey: PLACEHOLDER_API_KEY });

  it('host URL without a path gets /v1; the API key comes from llm.api_key, else OPENAI_API_KEY, else a placeholder', () => {
    expect(openaiBaseUrl('http://gpu:8000')).to.equal('http://gpu:8000/v1');
    expect(openaiBaseUrl('http://gpu:8000/')).to.equal('http://gpu:8000/v1');
    expect(openaiBaseUrl('http://gpu:8000/api/v2/')).to.equal('http://gpu:8000/api/v2');
    const cfg = (key: string) => llmConfig([url], { llm: { backend: 'openai', api_key: key } });
    expect(openaiApiKey(cfg('sk-config'), { OPENAI_API_KEY: 'sk-env' })).to.equal('sk-config');
    expect(openaiApiKey(cfg(''), { OPENAI_API_KEY: 'sk-env' })).to.equal('sk-env');
    expect(openaiApiKey(cfg(''), {})).to.equal(PLACEHOLDER_API_KEY);
    const f = backendFactoryFor(cfg(''));
    expect(f.kind).to.equal('openai');
    expect(f.hosts(cfg(''))).to.deep.equal([url]);
    expect(f.model(cfg(''))).to.equal('qwen2.5:7b');
    expect(f.model(llmConfig([url], { llm: { backend: 'openai', openai_model: 'Qwen/Qwen2.5-7B-Instruct' } }))).to.equal('Qwen/Qwen2.5-7B-Instruct');
  });

  it('streams schema-constrained output (response_format json_schema), then one done chunk with usage', async () => {
    const b = backend();
    const chunks: LlmChunk[] = [];
    for await (const c of b.chatStream({ model: 'qwen2.5:7b', messages: [{ role: 'user', content: '座って' }], format: SCHEMA, options: OPTIONS }, sig())) chunks.push(c);
    const text = chunks.map((c) => c.content).join('');
    expect(text).to.equal('{"a":["sit"],"r":"座ります"}');
    expect(validatesAgainst(JSON.parse(text), SCHEMA)).to.equal(true);
    expect(chunks.length).to.be.greaterThan(3);
    expect(chunks.filter((c) => c.done)).to.have.length(1);
    const usage = chunks.at(-1)?.usage;
    expect(usage?.finishReason).to.equal('stop');
    expect(usage?.promptTokens).to.be.greaterThan(0);
    expect(usage?.outputTokens).to.be.greaterThan(0);
    expect((await b.chat({ model: 'qwen2.5:7b', messages: [{ role: 'user', content: '座って' }], format: SCHEMA, options: OPTIONS }, sig())).content).to.equal(text);
    expect(sim.stats().byEndpoint['/v1/chat/completions']).to.equal(2);
  });

  it('num_predict becomes max_tokens: the output is cut and the finish reason is length', async () => {
    const r = await backend().chat({ model: 'qwen2.5:7b', messages: [{ role: 'user', content: 'long' }], options: { ...OPTIONS, num_predict: 3 } }, sig());
    expect(r.content).to.equal('one two three');
    expect(r.usage.finishReason).to.equal('length');
  });

  it('cancellation: aborting the signal ends the stream at once with its reason, and the server sees the client go', async () => {
    await sim.close();
    // 400 tokens 5 ms apart: the server is still writing when the client goes, however loaded the machine.
    sim = createOllamaSimulator({ profile: { ...FAST_PROFILE, decodeTokPerS: 200 }, script: [{ match: 'long', content: 'word '.repeat(400) }] });
    url = await sim.listen();
    const ctl = new AbortController();
    const reason = new Error('superseded');
    const got: string[] = [];
    const err = await (async () => {
      for await (const c of backend().chatStream({ model: 'qwen2.5:7b', messages: [{ role: 'user', content: 'long' }], options: OPTIONS }, ctl.signal)) {
        got.push(c.content);
        ctl.abort(reason);
      }
    })().catch((e: unknown) => e);
    expect(err).to.equal(reason);
    expect(got).to.have.length(1);
    for (let i = 0; i < 300 && sim.stats().aborted === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(sim.stats().aborted).to.equal(1);
  });

  it('health through /v1/models: a served model passes, a missing one names the models served and the fix', async () => {
    expect((await backend().health(sig())).modelLoaded).to.equal(true);
    const err = (await backend('mistral').health(sig()).catch((e: unknown) => e)) as ClaudiaError;
    expect(err.code).to.equal('E_LLM_UNAVAILABLE');
    expect(err.message).to.include("does not serve 'mistral' (it serves: qwen2.5:7b)");
    expect(err.message).to.include('llm.openai_model');
    expect(isHostFailure(err)).to.equal(false);
    const chat = (await backend('mistral').chat({ model: 'mistral', messages: [{ role: 'user', content: 'x' }], options: OPTIONS }, sig()).catch((e: unknown) => e)) as ClaudiaError;
    expect(chat.message).to.match(/has no model 'mistral'/);
  });

  it('failures follow the same rules as Ollama: refused -> host down; 503 -> busy; no finish_reason -> bad output', async () => {
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const port = (srv.address() as { port: number }).port;
    await new Promise<void>((r) => srv.close(() => r()));
    const down = await backend('qwen2.5:7b', `http://127.0.0.1:${port}`).health(sig()).catch((e: unknown) => e);
    expect(isHostFailure(down)).to.equal(true);
    const req = { model: 'qwen2.5:7b', messages: [{ role: 'user' as const, content: 'long' }], options: OPTIONS };
    sim.setMode('http503');
    const busy = (await backend().chat(req, sig()).catch((e: unknown) => e)) as ClaudiaError;
    expect(busy.message).to.match(/busy \(503/);
    expect(isHostFailure(busy)).to.equal(false);
    sim.setMode('repeat');
    const bad = (await backend().chat(req, sig()).catch((e: unknown) => e)) as ClaudiaError;
    expect(bad.code).to.equal('E_LLM_BAD_OUTPUT');
    expect(isHostFailure(bad)).to.equal(false);
  });

  it('the start-up probe asks /v1/models for the openai backend (an OpenAI server has no /api/version)', async () => {
    expect(await probeOllama([url], 1000, 'openai')).to.deep.equal({ reachable: true, host: url, version: 'OpenAI-compatible', simulator: true });
  });

  it('the decider, fleet and parser run unchanged over llm.backend: openai', async () => {
    const llm = createLlmDecider({ config: llmConfig([url], { llm: { backend: 'openai' } }), catalogue: catalogue(), clock: createSystemClock(), logger: createSilentLogger() });
    try {
      const d = await llm.decide(request('座って'), { signal: sig() });
      expect(d.actions).to.deep.equal([{ name: 'sit' }]);
      expect(d.reply).to.equal('座ります');
      expect(sim.stats().byEndpoint['/api/chat'] ?? 0).to.equal(0);
    } finally {
      await llm.close();
    }
  });
});
