import Ajv from 'ajv';
import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { configWith } from '../../../src/config/load';
import { validateConfig } from '../../../src/config/validate';
import type { LlmChunk, LlmRequest, LlmUsage } from '../../../src/llm/backend';
import { createEmbeddedBackend, embeddedBackendFactory, type EmbeddedBackend } from '../../../src/llm/embedded/embedded-backend';
import { findEngineEntry, INSTALL_COMMAND } from '../../../src/llm/embedded/engine-loader';
import { tinyModelGguf } from '../../../src/llm/embedded/tiny-model';
import { createOutputParser } from '../../../src/llm/output-parser';
import { createPromptBuilder, PROMPT_TYPES, type ChatMessage } from '../../../src/prompt';
import { createSilentLogger } from '../../../src/util/logger';
import { catalogue as testCatalogue, request as llmRequest } from '../llm-fixtures';

/** Every engine call in these tests has its own bound: a generation that never settles fails the test, never hangs it. */
function bounded<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<never>((_, rej) => (t = setTimeout(() => rej(new Error(`${what}: no answer within ${ms} ms`)), ms)))]).finally(() => clearTimeout(t));
}

async function collect(stream: AsyncGenerator<LlmChunk>, onChunk?: (c: LlmChunk, i: number) => void): Promise<{ chunks: LlmChunk[]; text: string; usage?: LlmUsage }> {
  const chunks: LlmChunk[] = [];
  for await (const c of stream) {
    onChunk?.(c, chunks.length);
    chunks.push(c);
  }
  return { chunks, text: chunks.map((c) => c.content).join(''), usage: chunks.at(-1)?.usage };
}

/** The schema as the grammar enforces it: numeric bounds are the safety compiler's (see gbnf-schema.ts). */
function withoutBounds(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(withoutBounds);
  if (!s || typeof s !== 'object') return s;
  return Object.fromEntries(Object.entries(s).filter(([k]) => k !== 'minimum' && k !== 'maximum').map(([k, v]) => [k, withoutBounds(v)]));
}

describe('embedded engine: real llama.cpp (node-llama-cpp 3.21.1) on the tiny random model', function () {
  this.timeout(20_000);
  const catalogue = testCatalogue();
  const config = configWith({ ollama: { num_ctx: 4096 } });
  const builder = createPromptBuilder({ config, catalogue });
  let dir = '';
  let modelPath = '';
  let backend: EmbeddedBackend;

  const request = (type: (typeof PROMPT_TYPES)[number], user: string, over: Partial<LlmRequest> = {}): LlmRequest => {
    const t = builder.build(llmRequest(user, { language: 'en', promptType: type }));
    const messages: ChatMessage[] = [{ role: 'system', content: builder.systemPrompt(type) }, { role: 'user', content: user }];
    return { model: 'tiny', messages, format: builder.schema(type), options: { ...t.options, num_predict: 256 }, ...over };
  };

  before(async function () {
    this.timeout(60_000);
    if (!findEngineEntry()) throw new Error(`node-llama-cpp is not installed, so the real-engine tests cannot run: run \`${INSTALL_COMMAND}\` (.ci/run does)`);
    dir = mkdtempSync(path.join(tmpdir(), 'claudia-engine-'));
    modelPath = path.join(dir, 'tiny.gguf');
    writeFileSync(modelPath, tinyModelGguf());
    backend = createEmbeddedBackend({ modelPath, contextSize: 4096, sequences: 1, threads: 1, gpuLayers: 0, batchSize: 512, logger: createSilentLogger(), callTimeoutMs: 15_000 });
    // The health probe does not wait for the load (seconds): up but cold, as Ollama loading a model.
    const t0 = Date.now();
    expect((await backend.health(AbortSignal.timeout(2000))).modelLoaded).to.equal(false);
    expect(Date.now() - t0).to.be.below(500);
    await bounded(backend.warmup({ model: 'tiny', options: request('command', 'x').options }, AbortSignal.timeout(50_000)), 55_000, 'engine load');
    const h = await backend.health(AbortSignal.timeout(2000));
    expect(h.modelLoaded).to.equal(true);
    expect(h.version).to.match(/^node-llama-cpp 3\.21\.1/);
  });
  after(async () => {
    await backend?.close();
  });

  it("every branch of the per-action schema, and each template's whole schema, goes through llama.cpp's grammar builder", async () => {
    const seen = new Set<string>();
    for (const type of PROMPT_TYPES) {
      const schema = builder.schema(type);
      await bounded(backend.compileGrammar(schema, AbortSignal.timeout(5000)), 6000, `${type} schema`);
      const items = (schema['properties'] as { a?: { items: { anyOf: unknown[] } } }).a?.items.anyOf ?? [];
      for (const branch of items) {
        const key = JSON.stringify(branch);
        if (seen.has(key)) continue;
        seen.add(key);
        await bounded(backend.compileGrammar({ type: 'object', properties: { a: { type: 'array', items: branch } }, required: ['a'] }, AbortSignal.timeout(5000)), 6000, key);
      }
    }
    // One branch per action plus the bare-name branch.
    expect(seen.size).to.equal(catalogue.names().length + 1);
  });

  it('answers a command with schema-valid JSON, "a" before "r", the actions complete before the reply ends', async () => {
    const req = request('command', 'please sit down');
    const parser = createOutputParser();
    let actionsAt = -1;
    const out = await bounded(
      collect(backend.chatStream(req, AbortSignal.timeout(15_000)), (c, i) => {
        if (parser.push(c.content) && actionsAt < 0) actionsAt = i;
      }),
      16_000,
      'command',
    );
    const value = JSON.parse(out.text) as { a: unknown[]; r: string };
    const validate = new Ajv({ strict: false }).compile(withoutBounds(req.format) as object);
    expect(validate(value), JSON.stringify(validate.errors)).to.equal(true);
    expect(Object.keys(value)).to.deep.equal(['a', 'r']);
    expect(out.text.indexOf('"a"')).to.be.lessThan(out.text.indexOf('"r"'));
    // The parser had the whole action list while the reply was still streaming.
    const lastContent = out.chunks.map((c) => c.content !== '').lastIndexOf(true);
    expect(actionsAt).to.be.within(0, lastContent - 1);
    expect(parser.finish().reply).to.equal(value.r);
    expect(out.usage?.finishReason).to.equal('stop');
    expect(out.usage?.outputTokens).to.be.above(5).and.at.most(256);
    expect(out.usage?.promptTokens).to.be.above(1000);
  });

  it('a second request with the same system prompt evaluates only its own new tokens (engine token meter)', async () => {
    // A system prompt no earlier test used, so the first call is cold.
    const system = `Run ${Date.now()}.\n${builder.systemPrompt('dialog')}`;
    const ask = (user: string) => {
      const req = request('dialog', user);
      req.messages[0] = { role: 'system', content: system };
      return bounded(collect(backend.chatStream(req, AbortSignal.timeout(15_000))), 16_000, user);
    };
    const cold = (await ask('hello there')).usage as LlmUsage;
    const warm = (await ask('what a nice day it is')).usage as LlmUsage;
    const evaluated = (u: LlmUsage) => (u.promptTokens as number) - (u.cachedPromptTokens as number);
    expect(cold.promptTokens).to.be.above(1000);
    // Cold: all but the ChatML header the slot's previous prompt also began with.
    expect(evaluated(cold)).to.be.above((cold.promptTokens as number) - 30);
    // Only the new user turn (~20 byte-level tokens of text plus the ChatML markers) is evaluated.
    expect(evaluated(warm)).to.be.within(1, 60);
    expect(warm.cachedPromptTokens).to.be.at.least((warm.promptTokens as number) - 60);
  });

  it('an abort stops a generation in flight within moments, and the sequence serves the next request', async () => {
    const ctl = new AbortController();
    const req = request('dialog', 'tell me a long story', { format: undefined, options: { ...request('dialog', 'x').options, num_predict: 4096 } });
    let abortedAt = 0;
    const run = collect(backend.chatStream(req, ctl.signal), (_c, i) => {
      if (i === 5) {
        abortedAt = Date.now();
        ctl.abort(new Error('stop word'));
      }
    });
    const err = await bounded(run.then(() => undefined, (e: unknown) => e), 10_000, 'aborted generation');
    expect((err as Error).message).to.equal('stop word');
    expect(Date.now() - abortedAt).to.be.below(2000);
    expect(backend.inspect().map((s) => s.busy)).to.deep.equal([false]);
    const next = await bounded(collect(backend.chatStream(request('command', 'stand up'), AbortSignal.timeout(15_000))), 16_000, 'after abort');
    expect(next.usage?.finishReason).to.equal('stop');
    expect(() => JSON.parse(next.text)).to.not.throw();
  });

  it('the hard deadline ends a generation that runs too long, even when the caller never aborts', async () => {
    const short = createEmbeddedBackend({ modelPath, contextSize: 4096, sequences: 1, threads: 1, gpuLayers: 0, batchSize: 512, logger: createSilentLogger(), callTimeoutMs: 600 });
    try {
      const req = request('dialog', 'go on forever', { format: undefined, options: { ...request('dialog', 'x').options, num_predict: 100_000 } });
      const err = await bounded(collect(short.chatStream(req, new AbortController().signal)).then(() => undefined, (e: unknown) => e), 15_000, 'deadline');
      expect((err as { code?: string }).code).to.equal('E_LLM_TIMEOUT');
      expect(short.inspect().map((s) => s.busy)).to.deep.equal([false]);
    } finally {
      await short.close();
    }
  });
});

describe('embedded backend: configuration and a missing engine', () => {
  it('names the install command when node-llama-cpp is not installed (E_CONFIG), without loading anything', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'claudia-noengine-'));
    const b = createEmbeddedBackend({ modelPath: '/nonexistent.gguf', contextSize: 512, sequences: 1, threads: 1, gpuLayers: 0, batchSize: 512, logger: createSilentLogger(), engineDirs: [empty] });
    const err = await b.warmup({ model: 'x', options: { num_ctx: 512, num_batch: 512, num_gpu: 0 } }, AbortSignal.timeout(2000)).then(() => undefined, (e: unknown) => e as { code: string; message: string });
    expect(err?.code).to.equal('E_CONFIG');
    expect(err?.message).to.contain(`run \`${INSTALL_COMMAND}\``).and.contain('node-llama-cpp is not installed');
    // The health probe reports the same reason (the host is out, /diagnostics says why).
    const probe = await b.health(AbortSignal.timeout(2000)).then(() => undefined, (e: unknown) => e);
    expect(probe).to.equal(err);
    await b.close();
  });

  it('refuses an empty or missing llm.model_path at start (E_CONFIG naming the fix)', () => {
    expect(() => embeddedBackendFactory.validate?.(configWith({ llm: { backend: 'embedded', model_path: '' } }))).to.throw(/llm\.model_path is empty.*tiny-model/);
    expect(() => embeddedBackendFactory.validate?.(configWith({ llm: { backend: 'embedded', model_path: '/no/such/model.gguf' } }))).to.throw(/'\/no\/such\/model\.gguf' does not exist/);
  });

  it('llm.threads: 0 (every core) to 1024 whole threads; -1, 1025 and 1.5 are refused', () => {
    const withThreads = (threads: number) => () => validateConfig(configWith({ llm: { threads } }));
    for (const ok of [0, 1, 1024]) expect(withThreads(ok), String(ok)).to.not.throw();
    expect(withThreads(-1)).to.throw(/llm\.threads must be between 0 and 1024/);
    expect(withThreads(1025)).to.throw(/llm\.threads must be between 0 and 1024/);
    expect(withThreads(1.5)).to.throw(/llm\.threads must be a whole number/);
  });

  it('one engine per node, its sequences are the slots, and the model file names the cache model', () => {
    const c = configWith({ llm: { backend: 'embedded', model_path: '/models/qwen2.5-7b-q4.gguf' } });
    expect(embeddedBackendFactory.hosts(c)).to.deep.equal(['embedded:qwen2.5-7b-q4.gguf']);
    expect(embeddedBackendFactory.model(c)).to.equal('qwen2.5-7b-q4.gguf');
  });
});
