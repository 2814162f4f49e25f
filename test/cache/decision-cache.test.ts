import { expect } from 'chai';
import { createDecisionCache } from '../../src/cache';
import { VirtualClock } from '../../src/util/clock';
import { createSilentLogger } from '../../src/util/logger';
import { createTelemetry, type TelemetryEvent } from '../../src/util/telemetry';
import { cacheConfig, llmDecision, req } from './helpers';

describe('cache/decision-cache (memory + semantic, no Redis)', () => {
  function make(over: Parameters<typeof cacheConfig>[0] = {}, version = 'cat1:qwen:p1') {
    const clock = new VirtualClock();
    const telemetry = createTelemetry();
    const events: TelemetryEvent[] = [];
    telemetry.on((e) => events.push(e));
    const cache = createDecisionCache({ config: cacheConfig(over), version, clock, logger: createSilentLogger(), telemetry });
    return { clock, cache, events };
  }

  it('serves an exact hit from memory as source cache, and a paraphrase from the semantic tier', async () => {
    const { cache, events } = make();
    expect(await cache.lookup(req('座ってください'))).to.deep.equal({});
    await cache.store(req('座ってください'), llmDecision('sit', '座ります'));
    const exact = await cache.lookup(req('座ってください'));
    expect(exact.tier).to.equal('memory');
    expect(exact.decision?.source).to.equal('cache');
    expect(exact.decision?.actions).to.deep.equal([{ name: 'sit' }]);
    expect(exact.decision?.cacheable).to.equal(false);
    const para = await cache.lookup(req('座ってね'));
    expect(para.tier).to.equal('semantic');
    expect(para.decision?.source).to.equal('semantic_cache');
    expect(para.score).to.equal(1);
    const neg = await cache.lookup(req('座らないで'));
    expect(neg.decision).to.equal(undefined);
    expect(neg.guard).to.equal('negation');
    expect(events.filter((e) => e.type === 'cache_store')).to.have.length(1);
    expect(events.some((e) => e.type === 'cache_lookup' && e.tier === 'semantic' && e.hit === false && e.guard === 'negation')).to.equal(true);
    await cache.close();
  });

  it('never stores what the policy refuses', async () => {
    const { cache } = make();
    await cache.store(req('今何時？'), llmDecision('', '3時です'));
    await cache.store(req('ダンスして'), { ...llmDecision('dance1', '踊ります'), cacheable: false });
    await cache.store(req('ジャンプして'), { ...llmDecision('front_jump', '跳びます'), source: 'fallback' });
    await cache.store(req('前に進んで'), { ...llmDecision('forward', '進みます'), detail: { usedSession: true } });
    expect(cache.status().values['entries']).to.equal(0);
    expect(cache.status().values['refused']).to.equal(4);
    expect(await cache.lookup(req('今何時？'))).to.deep.equal({});
    await cache.close();
  });

  it('keeps answers for an explicitly requested prompt type apart', async () => {
    const { cache } = make();
    await cache.store(req('エンジンについて教えて', '', { promptType: 'technical' }), llmDecision('', '技術的な答え'));
    expect((await cache.lookup(req('エンジンについて教えて'))).decision).to.equal(undefined);
    expect((await cache.lookup(req('エンジンについて教えて', '', { promptType: 'technical' }))).decision?.reply).to.equal('技術的な答え');
    const para = await cache.lookup(req('エンジンについて教えてください'));
    expect(para.decision).to.equal(undefined);
    expect(para.guard).to.equal('prompt_type');
    await cache.close();
  });

  it('evicts from memory and the semantic index together, and expires on the TTL', async () => {
    const { cache, clock } = make({ memory_max_entries: 2, ttl_s: 10 });
    await cache.store(req('座って'), llmDecision('sit', '座ります'));
    await cache.store(req('立って'), llmDecision('stand_up', '立ちます'));
    await cache.store(req('伏せて'), llmDecision('lie_down', '伏せます'));
    expect(cache.status().values['entries']).to.equal(2);
    expect(cache.status().values['semantic_entries']).to.equal(2);
    expect(cache.status().values['evictions']).to.equal(1);
    expect((await cache.lookup(req('座ってください'))).decision).to.equal(undefined);
    expect((await cache.lookup(req('立ってください'))).decision?.actions).to.deep.equal([{ name: 'stand_up' }]);
    await clock.advance(10_001);
    expect((await cache.lookup(req('立って'))).decision).to.equal(undefined);
    expect((await cache.lookup(req('伏せてね'))).decision).to.equal(undefined);
    expect(cache.status().values['semantic_entries']).to.equal(0);
    await cache.close();
  });

  it('takes odd input without throwing: empty, emoji only, very long, mixed scripts, lone surrogates', async () => {
    const { cache } = make();
    const long = '座って'.repeat(600);
    for (const t of ['', '   ', '🐕🐕', long, 'ok 座って 请 sit 2m', '\ud800abc', '１２３']) {
      await cache.store(req(t), llmDecision('sit', 'x'));
      const r = await cache.lookup(req(t));
      expect(r).to.be.an('object');
    }
    expect((await cache.lookup(req(long))).tier).to.equal('memory');
    await cache.close();
  });

  it('does nothing when disabled and reports memory-only status without Redis', async () => {
    const off = make({ enabled: false }).cache;
    await off.store(req('座って'), llmDecision('sit', '座ります'));
    expect(await off.lookup(req('座って'))).to.deep.equal({});
    const on = make().cache;
    expect(on.status()).to.include({ level: 'ok', message: 'memory only' });
    expect(await on.warm()).to.equal(0);
    await Promise.all([off.close(), on.close()]);
  });
});
