import { expect } from 'chai';
import type { LlmBackend } from '../../src/llm/backend';
import { createLlmDecider, type FullLlmDecider } from '../../src/llm';
import { createOllamaBackend } from '../../src/llm/ollama-backend';
import { createOllamaSimulator, JETSON_PROFILE, type OllamaSimulator } from '../../src/llm/simulator';
import { createSystemClock } from '../../src/util/clock';
import { createSilentLogger } from '../../src/util/logger';
import { catalogue, llmConfig, request } from './llm-fixtures';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Health probes under load: a probe whose answer comes too late (the host, or this node's
 * own event loop, is busy) must not take out a host that is serving meanwhile; a probe
 * that gets no answer from a host that serves nothing still does. The late answer is made
 * by holding the probe of a real backend (on a real simulator) until it is aborted.
 */
describe('llm health probe: a busy host stays in, a silent one goes out', function () {
  this.timeout(20_000);
  let sim: OllamaSimulator;
  let llm: FullLlmDecider | undefined;
  let probesHeld = 0;

  async function start(): Promise<FullLlmDecider> {
    // ~20 ms per token: a reply of a few dozen tokens streams for well over a probe timeout.
    sim = createOllamaSimulator({ profile: { ...JETSON_PROFILE, name: 'slow-decode', loadMs: 0, prefillTokPerS: 1e6, decodeTokPerS: 50 }, slots: 1, script: [{ match: '話して', content: { a: [], r: 'はい、今日はいい天気ですね。散歩に行きましょうか。' } }] });
    const url = await sim.listen();
    const config = llmConfig([url], { ollama: { health_interval_s: 0.05, connect_timeout_s: 0.1, num_parallel: 1 } });
    llm = createLlmDecider({
      config,
      catalogue: catalogue(),
      clock: createSystemClock(),
      logger: createSilentLogger(),
      makeBackend: (host): LlmBackend => {
        const real = createOllamaBackend({ host, model: config.ollama.model, logger: createSilentLogger() });
        return {
          ...real,
          chatStream: (req, signal) => real.chatStream(req, signal),
          chat: (req, signal) => real.chat(req, signal),
          warmup: (req, signal) => real.warmup(req, signal),
          close: () => real.close(),
          health: (signal) =>
            probesHeld > 0
              ? new Promise((_, reject) => signal.addEventListener('abort', () => (probesHeld--, reject(signal.reason)), { once: true }))
              : real.health(signal),
        };
      },
    });
    for (let i = 0; i < 100 && llm.inspect().hosts[0]?.health !== 'up'; i++) await sleep(10);
    expect(llm.inspect().hosts[0]?.health).to.equal('up');
    return llm;
  }

  afterEach(async () => {
    probesHeld = 0;
    await llm?.close();
    llm = undefined;
    await sim?.close();
  });

  it('probes that time out while the host streams a reply leave it in service, and the call completes', async () => {
    const l = await start();
    probesHeld = 1_000;
    const seen = new Set<string>();
    const watch = setInterval(() => seen.add(l.inspect().hosts[0]?.health ?? '?'), 5);
    try {
      const d = await l.decide(request('話して', { promptType: 'dialog' }), { signal: new AbortController().signal });
      expect(d.reply).to.contain('いい天気');
    } finally {
      clearInterval(watch);
    }
    expect(probesHeld, 'at least two probes timed out during the stream').to.be.at.most(998);
    expect([...seen]).to.deep.equal(['up']);
  });

  it('a probe that times out while nothing streams takes the host out (a call in flight that delivers nothing does not count)', async () => {
    const l = await start();
    sim.setMode('stall');
    const stalled = l.decide(request('話して', { promptType: 'dialog', timeoutMs: 5_000 }), { signal: new AbortController().signal }).catch((e: Error) => e);
    await sleep(50);
    probesHeld = 1_000;
    for (let i = 0; i < 300 && l.inspect().hosts[0]?.health === 'up'; i++) await sleep(10);
    expect(l.inspect().hosts[0]?.health).to.equal('down');
    probesHeld = 0;
    sim.setMode('normal');
    await l.close();
    await stalled;
  });
});
