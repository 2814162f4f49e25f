import { expect } from 'chai';
import { createLlmDecider, createOllamaBackend, isHostFailure, type LlmChunk } from '../../src/llm';
import { createOllamaSimulator, type OllamaSimulator } from '../../src/llm/simulator';
import { buildOutputSchema } from '../../src/prompt/output-schema';
import type { ClaudiaError } from '../../src/util/errors';
import { createSystemClock } from '../../src/util/clock';
import { createSilentLogger } from '../../src/util/logger';
import { catalogue, llmConfig, request } from './llm-fixtures';

const sig = () => new AbortController().signal;
const OPTIONS = { num_ctx: 4096, num_batch: 512, num_gpu: 999 };
const SCHEMA = buildOutputSchema(catalogue(), { actions: true, maxActions: 3 });

/**
 * The simulator behaves as real Ollama does (read against ollama/ollama: server/routes.go,
 * llm/llama_server.go, api/types.go; llama.cpp common/json-schema-to-grammar.cpp), and the
 * client handles each behaviour. SIMULATOR: no model runs here.
 */
describe('llm/simulator fidelity: real-Ollama behaviour and the client answer to it', () => {
  let sim: OllamaSimulator;
  let url: string;
  const post = async (path: string, body: unknown) => {
    const r = await fetch(`${url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    return { status: r.status, text: await r.text() };
  };
  const chatBody = (extra: Record<string, unknown> = {}) => ({ model: 'qwen2.5:7b', messages: [{ role: 'user', content: 'probe' }], stream: false, ...extra });
  beforeEach(async () => {
    sim = createOllamaSimulator({
      profile: 'fast',
      models: ['qwen3:8b', 'llama3.2'],
      script: [
        { match: 'far', content: { a: [{ n: 'forward', distance_m: 99, speed: 0.01 }], r: 'ok' } },
        { match: 'extra', content: { r: 'ok', a: [{ n: 'sit', distance_m: 1, volume: 3 }], mood: 'happy' } },
        { match: 'long', content: 'one two three four five six seven eight nine ten' },
      ],
    });
    url = await sim.listen();
  });
  afterEach(async () => {
    await sim.close();
  });

  it('number bounds are not grammar: 99 m and 0.01 m/s come through (the safety compiler refuses them)', async () => {
    const r = await post('/api/chat', chatBody({ messages: [{ role: 'user', content: 'far' }], format: SCHEMA }));
    expect(JSON.parse(JSON.parse(r.text).message.content)).to.deep.equal({ a: [{ n: 'forward', distance_m: 99, speed: 0.01 }], r: 'ok' });
  });

  it('no key outside properties: the grammar keeps sit to its own keys and the top level to a and r', async () => {
    const r = await post('/api/chat', chatBody({ messages: [{ role: 'user', content: 'extra' }], format: SCHEMA }));
    expect(JSON.parse(r.text).message.content).to.equal('{"a":[{"n":"sit"}],"r":"ok"}');
  });

  it('keep_alive as Ollama parses it: Go durations and numbers pass, "300x", "-1" and "" are 400', async () => {
    for (const bad of ['300x', '-1', '', '5 m']) {
      const r = await post('/api/chat', chatBody({ keep_alive: bad }));
      expect(r.status, bad).to.equal(400);
      expect(JSON.parse(r.text).error, bad).to.match(/^time: (invalid duration|missing unit|unknown unit)/);
    }
    expect((await post('/api/chat', chatBody({ keep_alive: true }))).status).to.equal(400);
    for (const good of ['1h30m', '30m', '-1s', '0', 300, -1]) expect((await post('/api/chat', chatBody({ keep_alive: good }))).status, String(good)).to.equal(200);
    // "1h30m" keeps the model for 90 minutes (it fell back to 5 minutes before).
    await post('/api/chat', chatBody({ keep_alive: '1h30m' }));
    const ps = (await (await fetch(`${url}/api/ps`)).json()) as { models: Array<{ expires_at: string }> };
    const left = Date.parse(ps.models[0]?.expires_at ?? '') - Date.now();
    expect(left).to.be.within(89 * 60_000, 90 * 60_000 + 1000);
  });

  it('unknown model: 404 `model \'X\' not found` on /api/chat, /api/show, /api/embed and /v1; the backend names `ollama pull`', async () => {
    for (const [path, body] of [
      ['/api/chat', chatBody({ model: 'mistral:7b' })],
      ['/api/generate', { model: 'qwen2.5', prompt: 'x', stream: false }], // tag-less = qwen2.5:latest, not served
      ['/api/show', { model: 'mistral:7b' }],
      ['/api/embed', { model: 'mistral:7b', input: 'x' }],
    ] as const) {
      const r = await post(path, body);
      expect(r.status, path).to.equal(404);
      expect(JSON.parse(r.text).error).to.match(/^model '(mistral:7b|qwen2\.5)' not found$/);
    }
    const v1 = await post('/v1/chat/completions', chatBody({ model: 'mistral:7b' }));
    expect(v1.status).to.equal(404);
    expect(JSON.parse(v1.text).error.message).to.equal("model 'mistral:7b' not found");
    expect((await post('/api/chat', chatBody({ model: 'llama3.2:latest' }))).status).to.equal(200);
    const b = createOllamaBackend({ host: url, model: 'mistral:7b', logger: createSilentLogger() });
    const err = (await b.health(sig()).catch((e: unknown) => e)) as ClaudiaError;
    expect(err.message).to.include('`ollama pull mistral:7b`');
    expect(isHostFailure(err)).to.equal(false);
  });

  it('a model the server lacks: /diagnostics says `ollama pull <model>` and calls fail with E_LLM_UNAVAILABLE', async () => {
    const llm = createLlmDecider({ config: llmConfig([url], { ollama: { model: 'mistral:7b' } }), catalogue: catalogue(), clock: createSystemClock(), logger: createSilentLogger() });
    try {
      const first = (await llm.decide(request('座って'), { signal: sig() }).catch((e: unknown) => e)) as ClaudiaError;
      expect(first.code).to.equal('E_LLM_UNAVAILABLE');
      expect(first.message).to.include('`ollama pull mistral:7b`');
      for (let i = 0; i < 100 && llm.available(); i++) await new Promise((r) => setTimeout(r, 10));
      const status = llm.statusSources().find((x) => x.component === 'ollama')?.status();
      expect(status?.level).to.equal('error');
      expect(status?.message).to.include('`ollama pull mistral:7b`');
    } finally {
      await llm.close();
    }
  });

  it('/api/ps reports model:tag, so a tag-less configured model is found loaded', async () => {
    const b = createOllamaBackend({ host: url, model: 'llama3.2', logger: createSilentLogger() });
    expect((await b.health(sig())).modelLoaded).to.equal(false);
    await b.warmup({ model: 'llama3.2', options: OPTIONS }, sig());
    const ps = (await (await fetch(`${url}/api/ps`)).json()) as { models: Array<{ name: string }> };
    expect(ps.models.map((m) => m.name)).to.deep.equal(['llama3.2:latest']);
    expect((await b.health(sig())).modelLoaded).to.equal(true);
  });

  it('invalid format is 400; the bad_format fault mode refuses any format', async () => {
    const r = await post('/api/chat', chatBody({ format: 5 }));
    expect(r.status).to.equal(400);
    expect(JSON.parse(r.text).error).to.equal('invalid format: "5"; expected "json" or a valid JSON Schema object');
    expect((await post('/api/chat', chatBody({ format: 'json' }))).status).to.equal(200);
    sim.setMode('bad_format');
    expect((await post('/api/chat', chatBody({ format: SCHEMA }))).status).to.equal(400);
  });

  it('thinking models: think defaults to true (thinking first); the backend sends think: false and gets the answer at once', async () => {
    const raw = await fetch(`${url}/api/chat`, { method: 'POST', body: JSON.stringify({ model: 'qwen3:8b', messages: [{ role: 'user', content: 'long' }] }) });
    const lines = (await raw.text()).trim().split('\n').map((l) => JSON.parse(l) as { message: { content: string; thinking?: string } });
    const firstContent = lines.findIndex((l) => l.message.content !== '');
    expect(lines.slice(0, firstContent).every((l) => typeof l.message.thinking === 'string')).to.equal(true);
    expect(firstContent).to.be.greaterThan(30);
    expect((await post('/api/chat', chatBody({ think: true }))).status).to.equal(400); // qwen2.5 does not think
    const show = JSON.parse((await post('/api/show', { model: 'qwen3:8b' })).text) as { capabilities: string[] };
    expect(show.capabilities).to.include('thinking');
    const b = createOllamaBackend({ host: url, model: 'qwen3:8b', logger: createSilentLogger() });
    const chunks: LlmChunk[] = [];
    for await (const c of b.chatStream({ model: 'qwen3:8b', messages: [{ role: 'user', content: 'long' }], options: OPTIONS }, sig())) chunks.push(c);
    expect(chunks[0]?.content).to.equal('one');
    expect(chunks.map((c) => c.content).join('')).to.equal('one two three four five six seven eight nine ten');
  });

  it('token-repeat end (no done chunk): E_LLM_BAD_OUTPUT for that request, the host is not down', async () => {
    sim.setMode('repeat');
    const b = createOllamaBackend({ host: url, model: 'qwen2.5:7b', logger: createSilentLogger() });
    const seen: string[] = [];
    const err = (await (async () => {
      for await (const c of b.chatStream({ model: 'qwen2.5:7b', messages: [{ role: 'user', content: 'long' }], options: OPTIONS }, sig())) seen.push(c.content);
    })().catch((e: unknown) => e)) as ClaudiaError;
    expect(err.code).to.equal('E_LLM_BAD_OUTPUT');
    expect(isHostFailure(err)).to.equal(false);
    expect(seen.filter((t) => t === seen[3]).length).to.be.greaterThan(30);
    sim.setMode('normal');
    expect((await b.chat({ model: 'qwen2.5:7b', messages: [{ role: 'user', content: 'long' }], options: OPTIONS }, sig())).content).to.include('ten');
  });

  it('an {"error"} line mid-stream under HTTP 200: a clear E_LLM_UNAVAILABLE, not a dead host', async () => {
    sim.setMode('error_line');
    const r = await fetch(`${url}/api/chat`, { method: 'POST', body: JSON.stringify({ model: 'qwen2.5:7b', messages: [{ role: 'user', content: 'long' }] }) });
    expect(r.status).to.equal(200);
    expect((await r.text()).trim().split('\n').at(-1)).to.equal('{"error":"simulator error_line mode: an error during generation"}');
    const b = createOllamaBackend({ host: url, model: 'qwen2.5:7b', logger: createSilentLogger() });
    const err = (await (async () => {
      for await (const c of b.chatStream({ model: 'qwen2.5:7b', messages: [{ role: 'user', content: 'long' }], options: OPTIONS }, sig())) void c;
    })().catch((e: unknown) => e)) as ClaudiaError;
    expect(err.code).to.equal('E_LLM_UNAVAILABLE');
    expect(err.message).to.include('error during generation');
    expect(isHostFailure(err)).to.equal(false);
  });

  it('metric fields that are zero are omitted; prompt_eval_count is the whole prompt', async () => {
    await post('/api/chat', chatBody());
    const warm = JSON.parse((await post('/api/chat', chatBody())).text) as Record<string, unknown>;
    expect(warm['prompt_eval_count']).to.be.greaterThan(1);
    const load = JSON.parse((await post('/api/chat', chatBody({ messages: [] }))).text) as Record<string, unknown>;
    expect(load['done_reason']).to.equal('load');
    expect(load).to.not.have.property('eval_count');
    expect(load).to.not.have.property('prompt_eval_count');
    expect(load).to.have.property('total_duration');
  });
});
