import { expect } from 'chai';
import { createOllamaClient, isHostFailure } from '../../src/llm';
import { createOllamaSimulator, type OllamaSimulator } from '../../src/llm/simulator';
import type { ClaudiaError } from '../../src/util/errors';

const sig = () => new AbortController().signal;

describe('llm/ollama-client: the ollama package per host, with AbortSignal', () => {
  let sim: OllamaSimulator;
  let url: string;
  beforeEach(async () => {
    sim = createOllamaSimulator({ profile: 'fast', script: [{ match: 'hi', content: 'hello from the script' }] });
    url = await sim.listen();
  });
  afterEach(async () => {
    await sim.close();
  });

  it('streams and non-streams chat, and reads version and ps', async () => {
    const c = createOllamaClient({ host: `${url}/` });
    expect(c.host).to.equal(url);
    const parts: string[] = [];
    let final: unknown;
    for await (const ch of c.chatStream({ model: 'qwen2.5:7b', messages: [{ role: 'user', content: 'hi' }] }, sig())) {
      parts.push(ch.content);
      if (ch.done) final = ch.final;
    }
    expect(parts.join('')).to.equal('hello from the script');
    expect(final).to.have.property('eval_count').that.is.greaterThan(0);
    expect((await c.chat({ model: 'qwen2.5:7b', messages: [{ role: 'user', content: 'hi' }] }, sig())).message.content).to.equal('hello from the script');
    expect(await c.version(sig())).to.contain('simulator');
    expect((await c.ps(sig())).models.map((m) => m.name)).to.deep.equal(['qwen2.5:7b']);
  });

  it('embeds: one vector per input, similar text closer than different text', async () => {
    const c = createOllamaClient({ host: url });
    const r = await c.embed('qwen2.5:7b', ['座ってください', '座って', 'turn left'], sig());
    expect(r.embeddings).to.have.length(3);
    const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * (b[i] as number), 0);
    const [a, b, d] = r.embeddings as [number[], number[], number[]];
    expect(dot(a, b)).to.be.greaterThan(dot(a, d));
  });

  it('an aborted signal cancels a non-streaming call waiting for headers, with the signal reason', async () => {
    sim.setMode('stall');
    const c = createOllamaClient({ host: url });
    const ctl = new AbortController();
    const p = c.chat({ model: 'qwen2.5:7b', messages: [{ role: 'user', content: 'hi' }] }, ctl.signal).catch((e: unknown) => e);
    setTimeout(() => ctl.abort(new Error('superseded')), 30);
    expect(((await p) as Error).message).to.equal('superseded');
    for (let i = 0; i < 100 && sim.stats().aborted === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(sim.stats().aborted).to.equal(1);
  });

  it('maps failures: refused -> host failure; 503 -> busy, not a host failure', async () => {
    const c = createOllamaClient({ host: url });
    sim.setMode('http503');
    const busy = (await c.chat({ model: 'qwen2.5:7b', messages: [] }, sig()).catch((e: unknown) => e)) as ClaudiaError;
    expect(busy.code).to.equal('E_LLM_UNAVAILABLE');
    expect(busy.message).to.match(/busy \(503/);
    expect(isHostFailure(busy)).to.equal(false);
    await sim.close();
    const down = (await c.version(sig()).catch((e: unknown) => e)) as ClaudiaError;
    expect(down.code).to.equal('E_LLM_UNAVAILABLE');
    expect(isHostFailure(down)).to.equal(true);
    expect(down.message).to.contain(url);
  });
});
