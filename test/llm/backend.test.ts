import { expect } from 'chai';
import { createServer } from 'node:net';
import { backendFactoryFor, createLlmDecider, createOllamaBackend, isConnectionFailure, isHostFailure, type LlmBackend, type LlmChunk } from '../../src/llm';
import { createOllamaSimulator, type OllamaSimulator } from '../../src/llm/simulator';
import { createSystemClock } from '../../src/util/clock';
import { ConfigError } from '../../src/util/errors';
import { createSilentLogger } from '../../src/util/logger';
import { catalogue, llmConfig, request } from './llm-fixtures';

const sig = () => new AbortController().signal;

/** A loopback port nothing listens on (bound, then closed). */
async function deadPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('llm/backend: one seam, Ollama as its first implementation', () => {
  let sim: OllamaSimulator;
  let url: string;
  beforeEach(async () => {
    sim = createOllamaSimulator({ profile: 'fast', script: [{ match: '座って', content: { a: ['sit'], r: '座ります' } }] });
    url = await sim.listen();
  });
  afterEach(async () => {
    await sim.close();
  });

  it('llm.backend picks the factory; a backend not built in is E_CONFIG naming llm.backend', () => {
    const f = backendFactoryFor(llmConfig([url]));
    expect(f.kind).to.equal('ollama');
    expect(f.hosts(llmConfig([url]))).to.deep.equal([url]);
    expect(f.model(llmConfig([url]))).to.equal('qwen2.5:7b');
    expect(backendFactoryFor(llmConfig([url], { llm: { backend: 'embedded' } })).kind).to.equal('embedded');
    const unknown = { ...llmConfig([url]), llm: { ...llmConfig([url]).llm, backend: 'tensorrt' as never } };
    expect(() => backendFactoryFor(unknown)).to.throw(ConfigError, /llm\.backend 'tensorrt' is not available/);
  });

  it('streams content then one done chunk with usage; chat, health and warm-up work through the interface', async () => {
    const b: LlmBackend = createOllamaBackend({ host: url, model: 'qwen2.5:7b', logger: createSilentLogger() });
    expect(b.kind).to.equal('ollama');
    const before = await b.health(sig());
    expect(before.version).to.contain('simulator');
    expect(before.modelLoaded).to.equal(false);
    await b.warmup({ model: 'qwen2.5:7b', options: { num_ctx: 4096, num_batch: 512, num_gpu: 999 }, keepAlive: '30m' }, sig());
    expect((await b.health(sig())).modelLoaded).to.equal(true);
    const req = { model: 'qwen2.5:7b', messages: [{ role: 'user' as const, content: '座って' }], options: { num_ctx: 4096, num_batch: 512, num_gpu: 999 } };
    const chunks: LlmChunk[] = [];
    for await (const c of b.chatStream(req, sig())) chunks.push(c);
    expect(chunks.map((c) => c.content).join('')).to.equal('{"a":["sit"],"r":"座ります"}');
    expect(chunks.filter((c) => c.done)).to.have.length(1);
    const last = chunks.at(-1) as LlmChunk;
    expect(last.done).to.equal(true);
    expect(last.usage?.outputTokens).to.be.greaterThan(0);
    expect(last.usage?.promptTokens).to.be.greaterThan(0);
    expect(last.usage?.finishReason).to.equal('stop');
    const r = await b.chat(req, sig());
    expect(r.content).to.equal('{"a":["sit"],"r":"座ります"}');
    expect(r.usage.outputTokens).to.be.greaterThan(0);
    await b.close();
  });

  it('the decider runs over whatever backend it is given (makeBackend)', async () => {
    const made: string[] = [];
    const llm = createLlmDecider({
      config: llmConfig([url]),
      catalogue: catalogue(),
      clock: createSystemClock(),
      logger: createSilentLogger(),
      makeBackend: (host) => {
        made.push(host);
        return createOllamaBackend({ host, model: 'qwen2.5:7b', logger: createSilentLogger() });
      },
    });
    try {
      const d = await llm.decide(request('座って'), { signal: sig() });
      expect(d.actions).to.deep.equal([{ name: 'sit' }]);
      expect(made).to.deep.equal([url]);
    } finally {
      await llm.close();
    }
  });

  it('a refused connection is a host failure; an HTTP error answer is not', async () => {
    const port = await deadPort();
    const refused = await fetch(`http://127.0.0.1:${port}/`).catch((e: unknown) => e);
    expect(isConnectionFailure(refused)).to.equal(true);
    const b = createOllamaBackend({ host: `http://127.0.0.1:${port}`, model: 'qwen2.5:7b', logger: createSilentLogger() });
    const down = await b.health(sig()).catch((e: unknown) => e);
    expect(isHostFailure(down)).to.equal(true);
    sim.setMode('http503');
    const busy = await createOllamaBackend({ host: url, model: 'qwen2.5:7b', logger: createSilentLogger() })
      .chat({ model: 'qwen2.5:7b', messages: [{ role: 'user', content: 'x' }], options: { num_ctx: 4096, num_batch: 512, num_gpu: 999 } }, sig())
      .catch((e: unknown) => e);
    expect((busy as Error).message).to.match(/busy \(503/);
    expect(isHostFailure(busy)).to.equal(false);
    expect(isConnectionFailure(new Error('fetch failed'))).to.equal(false);
  });
});
