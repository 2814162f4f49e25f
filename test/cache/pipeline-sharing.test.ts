import { expect } from 'chai';
import type { TieredDecisionCache } from '../../src/cache';
import { startHarness, type Harness } from '../helpers/app-harness';
import { deletePrefix, REDIS_URL, scanKeys, uniquePrefix, waitFor } from './helpers';

/**
 * Two whole nodes (app + pipeline, each with its own Ollama SIMULATOR) share one real
 * Redis under one key prefix: an answer the first node got from the LLM is served by the
 * second from the cache, re-checked by its safety compiler, without an LLM call.
 */
describe('two pipelines sharing answers through Redis', function () {
  this.timeout(15_000);
  let prefix = '';
  const nodes: Harness[] = [];

  beforeEach(() => {
    prefix = uniquePrefix('pipes');
  });
  afterEach(async () => {
    await Promise.all(nodes.splice(0).map((h) => h.close()));
    await deletePrefix(prefix);
  });

  async function node(): Promise<Harness> {
    const h = await startHarness({
      config: { cache: { redis_enabled: true, redis_url: REDIS_URL, redis_key_prefix: prefix } },
      script: [{ match: 'ちょっと休憩しようか', content: { a: ['lie_down'], r: '伏せて休みます。' } }],
    });
    nodes.push(h);
    const cache = h.app.cache as TieredDecisionCache;
    await waitFor(() => cache.status().values['redis'] === 'ready', 3000, 'redis ready');
    return h;
  }

  it('node B answers from the cache what node A asked the LLM, through its own safety compiler', async () => {
    const a = await node();
    const b = await node();
    const first = await a.app.pipeline.handle({ text: 'ちょっと休憩しようか', origin: 'cli', dryRun: true });
    expect(first.source).to.equal('llm');
    expect(first.actions.map((x) => x.name)).to.include('lie_down');
    await (a.app.cache as TieredDecisionCache).flush();
    expect((await scanKeys(prefix)).filter((k) => !k.startsWith(`${prefix}_index:`))).to.have.length(1);

    const second = await b.app.pipeline.handle({ text: 'ちょっと休憩しようか', origin: 'cli', dryRun: true });
    expect(second.source).to.equal('cache');
    expect(second.reply).to.equal('伏せて休みます。');
    // Compiled again by B's safety compiler (verdicts included), same outcome as on A.
    expect(second.actions.map((x) => `${x.name}:${x.verdict}`)).to.deep.equal(first.actions.map((x) => `${x.name}:${x.verdict}`));
    expect(b.sim?.stats().chat).to.equal(0);

    const para = await b.app.pipeline.handle({ text: 'ちょっと休憩しようかね', origin: 'cli', dryRun: true });
    expect(para.source).to.equal('semantic_cache');
    expect(b.sim?.stats().chat).to.equal(0);
  });
});
