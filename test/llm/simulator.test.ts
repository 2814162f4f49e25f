import { expect } from 'chai';
import { Ollama } from 'ollama';
import { createOllamaSimulator, DEFAULT_REPLIES, JETSON_PROFILE, validatesAgainst, type OllamaSimulator } from '../../src/llm/simulator';
import { VirtualClock } from '../../src/util/clock';

const SCHEMA = {
  type: 'object',
  properties: {
    a: { type: 'array', items: { type: 'object', properties: { n: { type: 'string', enum: ['sit', 'stand_up', 'forward'] }, distance_m: { type: 'number', minimum: 0, maximum: 5 } }, required: ['n'] } },
    r: { type: 'string' },
  },
  required: ['a', 'r'],
};

/** Runs virtual time forward until the promise settles (the HTTP side runs on the real loop). */
async function drive<T>(clock: VirtualClock, p: Promise<T>, stepMs = 10): Promise<T> {
  let settled = false;
  p.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let i = 0; i < 100_000 && !settled; i++) await clock.advance(stepMs);
  return p;
}

describe('llm/simulator: Ollama-compatible simulator over real HTTP', () => {
  let sim: OllamaSimulator;
  let url: string;
  let client: Ollama;

  beforeEach(async () => {
    sim = createOllamaSimulator({
      profile: 'fast',
      script: [
        { match: '座って', content: { a: [{ n: 'sit' }], r: '座ります' } },
        { regex: '^go (\\d+)', content: { a: [{ n: 'forward', distance_m: 2 }, { n: 'fly' }], r: 'going' } },
        { match: 'plain', content: 'just text' },
        { match: 'ignore-schema', content: { a: [{ n: 'fly' }], r: 'x' }, raw: true },
      ],
    });
    url = await sim.listen();
    client = new Ollama({ host: url });
  });
  afterEach(async () => {
    await sim.close();
  });

  it('labels itself a simulator in /api/version, /api/tags and /api/show', async () => {
    const v = await client.version();
    expect(v.version).to.contain('simulator');
    const tags = await client.list();
    expect(tags.models[0]?.details.family).to.contain('simulator');
    const show = await client.show({ model: 'qwen2.5:7b' });
    expect(show.details.format).to.equal('simulator');
  });

  it('answers a scripted utterance and honours the JSON schema (keys in schema order)', async () => {
    const r = await client.chat({ model: 'qwen2.5:7b', messages: [{ role: 'system', content: 'sys' }, { role: 'user', content: '座って' }], format: SCHEMA });
    expect(r.message.content).to.equal('{"a":[{"n":"sit"}],"r":"座ります"}');
    expect(r.eval_count).to.be.greaterThan(0);
    for (const k of ['total_duration', 'load_duration', 'prompt_eval_count', 'prompt_eval_duration', 'eval_count', 'eval_duration'] as const) {
      expect(r[k], k).to.be.a('number');
    }
  });

  it('never emits an enum value the schema does not allow (regex script with an unknown action)', async () => {
    const r = await client.chat({ model: 'qwen2.5:7b', messages: [{ role: 'user', content: 'go 2 meters' }], format: SCHEMA });
    const parsed = JSON.parse(r.message.content) as { a: Array<{ n: string }> };
    expect(validatesAgainst(parsed, SCHEMA)).to.equal(true);
    expect(parsed.a.map((x) => x.n)).to.deep.equal(['forward']);
  });

  it('raw script entries can violate the schema on purpose (a model ignoring format)', async () => {
    const r = await client.chat({ model: 'qwen2.5:7b', messages: [{ role: 'user', content: 'ignore-schema' }], format: SCHEMA });
    expect(validatesAgainst(JSON.parse(r.message.content), SCHEMA)).to.equal(false);
  });

  it('default answer: no actions, says it is the simulator, in the utterance language', async () => {
    for (const [text, lang] of [['今日はいい天気だね', 'ja'], ['你好', 'zh'], ['what is up', 'en']] as const) {
      const r = await client.chat({ model: 'qwen2.5:7b', messages: [{ role: 'user', content: text }], format: SCHEMA });
      expect(JSON.parse(r.message.content)).to.deep.equal({ a: [], r: DEFAULT_REPLIES[lang] });
    }
    const plain = await client.generate({ model: 'qwen2.5:7b', prompt: 'hello' });
    expect(plain.response).to.equal(DEFAULT_REPLIES.en);
  });

  it('streams NDJSON chunks whose concatenation is the answer, last one with timings', async () => {
    const it = await client.chat({ model: 'qwen2.5:7b', messages: [{ role: 'user', content: '座って' }], format: SCHEMA, stream: true });
    const parts: string[] = [];
    let last: { done: boolean; eval_count: number } | undefined;
    for await (const p of it) {
      parts.push(p.message.content);
      last = p;
    }
    expect(parts.length).to.be.greaterThan(5);
    expect(parts.join('')).to.equal('{"a":[{"n":"sit"}],"r":"座ります"}');
    expect(last?.done).to.equal(true);
    expect(last?.eval_count).to.equal(parts.length - 1);
    expect(sim.stats().chat).to.equal(1);
    expect(sim.stats().completed).to.equal(1);
  });

  it('counts prefix reuse: the second prompt sharing the system prompt reuses it', async () => {
    const system = 'You are a robot dog. '.repeat(20);
    await client.chat({ model: 'qwen2.5:7b', messages: [{ role: 'system', content: system }, { role: 'user', content: 'sit down' }] });
    const first = sim.stats();
    expect(first.sharedPrefixChars).to.equal(0);
    await client.chat({ model: 'qwen2.5:7b', messages: [{ role: 'system', content: system }, { role: 'user', content: 'stand up' }] });
    const s = sim.stats();
    expect(s.sharedPrefixChars).to.be.greaterThan(system.length);
    expect(s.prefillTokens).to.be.lessThan(s.promptTokens);
    expect(s.prefixReuse).to.be.greaterThan(0.4);
  });

  it('reloads the model when runner options change, not when sampling options do', async () => {
    const ask = (options: Record<string, number>) => client.chat({ model: 'qwen2.5:7b', messages: [{ role: 'user', content: 'x' }], options });
    await ask({ num_ctx: 4096, temperature: 0.1 });
    await ask({ num_ctx: 4096, temperature: 0.9, num_predict: 10 });
    expect(sim.stats().loads).to.equal(1);
    await ask({ num_ctx: 2048 });
    expect(sim.stats().loads).to.equal(2);
    expect(sim.stats().reloadsForOptions).to.equal(1);
  });

  it('reports the loaded model in /api/ps and forgets it on eviction', async () => {
    expect((await client.ps()).models).to.have.length(0);
    await client.chat({ model: 'qwen2.5:7b', messages: [] }); // Ollama's load-only request
    const ps = await client.ps();
    expect(ps.models.map((m) => m.name)).to.deep.equal(['qwen2.5:7b']);
    sim.evict();
    expect((await client.ps()).models).to.have.length(0);
  });

  it('cuts the output at num_predict (done_reason length), as a real model does', async () => {
    const r = await client.chat({ model: 'qwen2.5:7b', messages: [{ role: 'user', content: '座って' }], format: SCHEMA, options: { num_predict: 4 } });
    expect(r.done_reason).to.equal('length');
    expect(() => JSON.parse(r.message.content)).to.throw();
  });

  it('fault modes: http503, garbage, drop, stall', async () => {
    sim.setMode('http503');
    const e503 = await client.chat({ model: 'qwen2.5:7b', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect((e503 as { status_code?: number }).status_code).to.equal(503);
    sim.setMode('garbage');
    const g = await client.chat({ model: 'qwen2.5:7b', messages: [{ role: 'user', content: '座って' }], format: SCHEMA });
    expect(() => JSON.parse(g.message.content)).to.throw();
    sim.setMode('drop');
    const dropped = await (async () => {
      const it = await client.chat({ model: 'qwen2.5:7b', messages: [{ role: 'user', content: '座って' }], stream: true });
      for await (const _ of it) void _;
    })().catch((e: unknown) => e);
    expect(dropped).to.be.instanceOf(Error);
    sim.setMode('stall');
    const ctl = new AbortController();
    const stalled = client.generate({ model: 'qwen2.5:7b', prompt: 'x', stream: true });
    setTimeout(() => ctl.abort(), 50);
    const it = await stalled;
    ctl.signal.addEventListener('abort', () => it.abort());
    const res = await (async () => {
      for await (const _ of it) void _;
    })().catch((e: unknown) => e);
    expect(res).to.be.instanceOf(Error);
    sim.setMode('normal');
    const ok = await client.chat({ model: 'qwen2.5:7b', messages: [{ role: 'user', content: '座って' }], format: SCHEMA });
    expect(JSON.parse(ok.message.content).r).to.equal('座ります');
  });

  it('answers 503 at once when every slot is busy and the queue is full', async () => {
    await sim.close();
    sim = createOllamaSimulator({ profile: { ...JETSON_PROFILE, loadMs: 0, decodeTokPerS: 200 }, slots: 1, queueMax: 1 });
    url = await sim.listen();
    client = new Ollama({ host: url });
    const ask = () => client.chat({ model: 'qwen2.5:7b', messages: [{ role: 'user', content: 'hello there' }] }).then(() => 'ok', (e: { status_code?: number }) => e.status_code);
    const results = await Promise.all([ask(), ask(), ask(), ask()]);
    expect(results.filter((r) => r === 'ok')).to.have.length(2);
    expect(results.filter((r) => r === 503)).to.have.length(2);
    expect(sim.stats().rejected503).to.equal(2);
  });

  it('latency model on a virtual clock: cold load, prefill of the unshared suffix, per-token decode', async () => {
    await sim.close();
    const clock = new VirtualClock();
    sim = createOllamaSimulator({ clock, profile: 'jetson' });
    url = await sim.listen();
    client = new Ollama({ host: url });
    const first = await drive(clock, client.chat({ model: 'qwen2.5:7b', messages: [{ role: 'user', content: '座って' }], format: SCHEMA }), 100);
    expect(first.load_duration / 1e6).to.be.closeTo(JETSON_PROFILE.loadMs, 100);
    const decodeMs = first.eval_duration / 1e6;
    expect(decodeMs).to.be.closeTo((first.eval_count * 1000) / JETSON_PROFILE.decodeTokPerS, 100);
    const second = await drive(clock, client.chat({ model: 'qwen2.5:7b', messages: [{ role: 'user', content: '座って' }], format: SCHEMA }), 10);
    expect(second.load_duration).to.equal(undefined); // zero, so omitted as Ollama's omitempty does
    // prompt_eval_count counts the whole prompt, cached part included; the time shows the reuse.
    expect(second.prompt_eval_count).to.equal(first.prompt_eval_count);
    expect(second.prompt_eval_duration / 1e6).to.be.below(first.prompt_eval_duration / 1e6 / 5);
  });
});
