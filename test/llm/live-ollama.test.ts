import { expect } from 'chai';
import { createLlmDecider, createOllamaClient, type FullLlmDecider } from '../../src/llm';
import { createSystemClock } from '../../src/util/clock';
import { createSilentLogger } from '../../src/util/logger';
import { catalogue, llmConfig, request } from './llm-fixtures';
import { parseOllamaHost } from '../../src/config/ollama-host';

/**
 * Runs only against a real Ollama named by OLLAMA_HOST (and OLLAMA_MODEL, default the
 * config's model). Without one, every test is reported as pending with the reason in its title.
 */
function liveHost(): string | undefined {
  // test/setup.ts moves OLLAMA_HOST here so no other test sees it; parsed as Ollama does.
  return parseOllamaHost(process.env['CLAUDIA_LIVE_OLLAMA_HOST'] ?? process.env['OLLAMA_HOST']);
}

describe('llm live: against a real Ollama (OLLAMA_HOST)', function () {
  this.timeout(180_000);
  let skipReason = '';
  let llm: FullLlmDecider | undefined;
  const model = process.env['OLLAMA_MODEL'] ?? llmConfig(['x']).ollama.model;

  before(async function () {
    const host = liveHost();
    if (!host) {
      skipReason = 'OLLAMA_HOST is not set, so no real Ollama to test against';
      return;
    }
    const client = createOllamaClient({ host });
    try {
      const version = await client.version(AbortSignal.timeout(2000));
      if (version.includes('simulator')) {
        skipReason = `${host} is the project's simulator, not a real Ollama`;
        return;
      }
    } catch (err) {
      skipReason = `OLLAMA_HOST=${host} does not answer /api/version (${(err as Error).message})`;
      return;
    }
    llm = createLlmDecider({
      config: llmConfig([host], { ollama: { model, request_timeout_s: 120, health_interval_s: 5 }, sched: { deadline_high_s: 120, deadline_medium_s: 120 } }),
      catalogue: catalogue(),
      clock: createSystemClock(),
      logger: createSilentLogger(),
    });
  });

  after(async () => {
    await llm?.close();
  });

  beforeEach(function () {
    if (skipReason) {
      if (this.currentTest) this.currentTest.title += ` [SKIPPED: ${skipReason}]`;
      this.skip();
    }
  });

  it('warms up and decides "座って" with catalogue actions and a Japanese reply', async () => {
    const l = llm as FullLlmDecider;
    await l.warmup();
    const d = await l.decide(request('座って', { timeoutMs: 120_000 }), { signal: new AbortController().signal });
    expect(d.source).to.equal('llm');
    expect(d.language).to.equal('ja');
    expect(d.reply.length).to.be.greaterThan(0);
    const names = new Set(catalogue().names());
    for (const a of d.actions) expect(names.has(a.name), a.name).to.equal(true);
  });

  it('answers a question without actions being required, in English', async () => {
    const d = await (llm as FullLlmDecider).decide(request('What can you do?', { timeoutMs: 120_000 }), { signal: new AbortController().signal });
    expect(d.language).to.equal('en');
    expect(d.reply).to.match(/\p{Script=Latin}/u);
  });
});
