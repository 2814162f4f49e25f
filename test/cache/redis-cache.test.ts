import { expect } from 'chai';
import { createDecisionCache, exactKey, versionTag, type TieredDecisionCache } from '../../src/cache';
import { createRedisTier } from '../../src/cache/redis-tier';
import { analyse } from '../../src/lang';
import { createSystemClock, VirtualClock } from '../../src/util/clock';
import { createSilentLogger } from '../../src/util/logger';
import type { RedisMode } from '../../src/cache/redis-connection';
import { cacheConfig, llmDecision, req, uniquePrefix, waitFor } from './helpers';
import { startTarget, type RedisTarget } from './redis-ha';

/**
 * Against a real Redis in each mode, each test under its own key prefix: `single` is the
 * shared server at 127.0.0.1:6379; `sentinel` (master, replica, sentinel) and `cluster`
 * (3 masters + 3 replicas) are redis-server processes this file starts and stops.
 */
for (const mode of ['single', 'sentinel', 'cluster'] as RedisMode[]) describe(`cache with the real Redis (${mode})`, function () {
  this.timeout(20_000);
  let prefix = '';
  const open: TieredDecisionCache[] = [];
  let target: RedisTarget;
  const clusterTags = mode === 'cluster';
  const rawClient = () => target.raw();
  const scanKeys = (p: string) => target.scanKeys(p);
  const deletePrefix = (p: string) => target.deletePrefix(p);

  before(async () => {
    target = await startTarget(mode);
  });
  after(async () => {
    await target?.stop();
  });
  beforeEach(function () {
    prefix = uniquePrefix(this.currentTest?.title.slice(0, 12).replace(/\W+/g, '-') ?? 't');
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
    await deletePrefix(prefix);
  });

  function make(over: Parameters<typeof cacheConfig>[0] = {}, version = 'cat1:qwen:p1', clock = createSystemClock(), indexSlice?: number): TieredDecisionCache {
    const cache = createDecisionCache({
      config: cacheConfig({ redis_enabled: true, ...target.cache, redis_key_prefix: prefix, ...over }),
      version,
      clock,
      logger: createSilentLogger(),
      ...(indexSlice ? { indexSlice } : {}),
    });
    open.push(cache);
    return cache;
  }

  async function ready(cache: TieredDecisionCache): Promise<void> {
    await waitFor(() => cache.status().values['redis'] === 'ready', 3000, 'redis ready');
  }

  it('shares answers between two instances (read-through from Redis, then memory)', async () => {
    const a = make();
    const b = make();
    await Promise.all([ready(a), ready(b)]);
    await a.store(req('ダンスして'), llmDecision('dance1', '踊ります'));
    await a.flush();
    const first = await b.lookup(req('ダンスして'));
    expect(first.tier).to.equal('redis');
    expect(first.decision?.source).to.equal('cache');
    expect(first.decision?.actions).to.deep.equal([{ name: 'dance1' }]);
    const second = await b.lookup(req('ダンスして'));
    expect(second.tier).to.equal('memory');
    // The read-through entry also feeds b's semantic index.
    expect((await b.lookup(req('ダンスをお願いします'))).tier).to.equal('semantic');
    const all = await scanKeys(prefix);
    const keys = all.filter((k) => !k.startsWith(`${prefix}_index:`));
    expect(keys).to.have.length(1);
    expect(keys[0]?.startsWith(prefix)).to.equal(true);
    expect(all.length - keys.length, 'one cache.redis_max_entries index for the writer').to.equal(1);
  });

  it('indexes a burst of read-throughs off the request path, at most a slice per event-loop turn, each found by the semantic matcher after', async () => {
    // A fresh cluster client's first command to each master also connects to it: on a busy
    // machine more than the default 50 ms, and this test is not about the timeout.
    const patient = { redis_command_timeout_ms: 2000 };
    const writer = make(patient);
    const slice = 3;
    const reader = make(patient, 'cat1:qwen:p1', createSystemClock(), slice);
    await Promise.all([ready(writer), ready(reader)]);
    const n = 2 * slice + 1;
    const texts = Array.from({ length: n }, (_, i) => `${i + 2}歩進んで`);
    for (const t of texts) await writer.store(req(t), llmDecision('forward', t));
    await writer.flush();
    expect(writer.status().values['redis_errors'] as number + (writer.status().values['redis_timeouts'] as number), 'every write reached Redis').to.equal(0);
    const burst = await Promise.all(texts.map((t) => reader.lookup(req(t))));
    expect(burst.map((r) => r.tier)).to.deep.equal(texts.map(() => 'redis'));
    const pending = () => reader.status().values['semantic_pending'] as number;
    const indexed = () => reader.status().values['semantic_entries'] as number;
    expect(pending() + indexed(), 'every read-through is queued or indexed').to.equal(n);
    expect(pending(), 'the burst did not all go into the index at once').to.be.greaterThan(0);
    // No lookup from here on: the slices alone index the rest, each at most `slice` entries.
    const drops: number[] = [];
    for (let turns = 0; pending() > 0 && turns < 100; turns++) {
      const before = pending();
      await new Promise<void>((resolve) => setImmediate(resolve));
      drops.push(before - pending());
    }
    expect(pending()).to.equal(0);
    expect(indexed()).to.equal(n);
    expect(Math.max(...drops), `entries indexed per turn: ${drops.join(',')}`).to.be.within(1, slice);
    for (const [i, t] of texts.entries()) {
      const para = await reader.lookup(req(`${t}ください`));
      expect(para.tier, t).to.equal('semantic');
      expect(para.decision?.reply, t).to.equal(texts[i]);
    }
  });

  it('never indexes a queued read-through that left memory before its slice', async () => {
    const writer = make({ redis_command_timeout_ms: 2000 });
    const reader = make({ memory_max_entries: 2, redis_command_timeout_ms: 2000 });
    await Promise.all([ready(writer), ready(reader)]);
    const texts = ['座って', '立って', '伏せて'];
    for (const [i, t] of texts.entries()) await writer.store(req(t), llmDecision(['sit', 'stand_up', 'lie_down'][i] as string, t));
    await writer.flush();
    // Sequential lookups in one turn each would let slices run in between: a burst instead.
    const burst = await Promise.all(texts.map((t) => reader.lookup(req(t))));
    expect(burst.map((r) => r.tier)).to.deep.equal(['redis', 'redis', 'redis']);
    await reader.flush();
    expect(reader.status().values['semantic_pending']).to.equal(0);
    expect(reader.status().values['semantic_entries'], 'only what memory still holds').to.equal(2);
    // Which one memory dropped depends on the order the replies came in (cluster: three masters).
    const paraphrases = await Promise.all(texts.map((t) => reader.lookup(req(`${t}ください`))));
    expect(paraphrases.filter((p) => p.tier === 'semantic')).to.have.length(2);
  });

  it('versions keys: another catalogue/model/template version does not see old answers', async () => {
    const v1 = make({}, 'catA:qwen:p1');
    const v2 = make({}, 'catB:qwen:p1');
    await Promise.all([ready(v1), ready(v2)]);
    await v1.store(req('ハートして'), llmDecision('heart', 'ハート'));
    await v1.flush();
    expect((await v2.lookup(req('ハートして'))).decision).to.equal(undefined);
    expect(await v2.warm()).to.equal(0);
    const v1b = make({}, 'catA:qwen:p1');
    expect(await v1b.warm()).to.equal(1);
  });

  it('expires entries in Redis with the per-entry TTL', async () => {
    const clock = new VirtualClock();
    const writer = make({ ttl_s: 0.3 }, 'v', clock);
    await ready(writer);
    await writer.store(req('伏せて'), llmDecision('lie_down', '伏せます'));
    await writer.flush();
    const r = await rawClient();
    const key = `${prefix}${exactKey(versionTag('v'), analyse('伏せて'), '', clusterTags)}`;
    const ttl = await r.pttl(key);
    expect(ttl).to.be.within(1, 300);
    await new Promise((res) => setTimeout(res, 400));
    expect(await r.exists(key)).to.equal(0);
    r.disconnect();
    const reader = make({ ttl_s: 0.3 }, 'v');
    await ready(reader);
    expect((await reader.lookup(req('伏せて'))).decision).to.equal(undefined);
  });

  it('evicts from memory but still reads the evicted answer back from Redis', async () => {
    const cache = make({ memory_max_entries: 2 });
    await ready(cache);
    for (const [t, a] of [['座って', 'sit'], ['立って', 'stand_up'], ['伏せて', 'lie_down']] as const) await cache.store(req(t), llmDecision(a, t));
    await cache.flush();
    expect(cache.status().values['entries']).to.equal(2);
    const back = await cache.lookup(req('座って'));
    expect(back.tier).to.equal('redis');
    expect(back.decision?.actions).to.deep.equal([{ name: 'sit' }]);
  });

  it('warms the memory tier through SCAN, bounded by redis_warm_max, ignoring other prefixes', async () => {
    const writer = make();
    await ready(writer);
    for (let i = 1; i <= 30; i++) await writer.store(req(`${i}歩進んで`), llmDecision('forward', `${i}歩`));
    await writer.flush();
    const otherPrefix = uniquePrefix('other');
    const r = await rawClient();
    await r.set(`${otherPrefix}${exactKey(versionTag('cat1:qwen:p1'), analyse('99歩進んで'), '', clusterTags)}`, 'x', 'PX', 5000);
    r.disconnect();
    try {
      const full = make();
      expect(await full.warm()).to.equal(30);
      const hit = await full.lookup(req('7歩進んで'));
      expect(hit.tier).to.equal('memory');
      expect(hit.decision?.reply).to.equal('7歩');
      expect((await full.lookup(req('7歩進んでください'))).tier).to.equal('semantic');
      expect((await full.lookup(req('8歩進んでください'))).decision?.reply).to.equal('8歩');
      const bounded = make({ redis_warm_max: 10 });
      expect(await bounded.warm()).to.equal(10);
      expect(bounded.status().values['entries']).to.equal(10);
    } finally {
      await deletePrefix(otherPrefix);
    }
  });

  it('ignores a corrupted value in Redis and replaces it on the next store', async () => {
    const key = exactKey(versionTag('cat1:qwen:p1'), analyse('お手'), '', clusterTags);
    const r = await rawClient();
    await r.set(`${prefix}${key}`, '{"v":1,"text":"お手","actions":[{"name":', 'PX', 5000);
    const cache = make();
    await ready(cache);
    const miss = await cache.lookup(req('お手'));
    expect(miss.decision).to.equal(undefined);
    expect(cache.status().values['corrupt_values']).to.equal(1);
    await cache.store(req('お手'), llmDecision('hello', 'お手！'));
    await cache.flush();
    const fresh = make();
    await ready(fresh);
    const hit = await fresh.lookup(req('お手'));
    expect(hit.tier).to.equal('redis');
    expect(hit.decision?.reply).to.equal('お手！');
    expect(JSON.parse((await r.get(`${prefix}${key}`)) as string)).to.include({ reply: 'お手！' });
    r.disconnect();
  });

  it('the tier scans with the prefix in MATCH and returns keys without it', async () => {
    const tier = createRedisTier({ url: target.url, topology: target.topology, keyPrefix: prefix, commandTimeoutMs: 200, connectTimeoutMs: 1000, clock: createSystemClock(), logger: createSilentLogger() });
    try {
      expect(await tier.whenReady(2000)).to.equal(true);
      for (let i = 0; i < 5; i++) expect(await tier.set(`abc:${i}`, `v${i}`, 5000)).to.equal(true);
      expect(await tier.set('zzz:1', 'other', 5000)).to.equal(true);
      const found = await tier.scanAll('abc:', 100);
      expect(found.map((f) => f.key).sort()).to.deep.equal(['abc:0', 'abc:1', 'abc:2', 'abc:3', 'abc:4']);
      expect(found.every((f) => f.ttlMs > 0 && f.ttlMs <= 5000)).to.equal(true);
      expect(await tier.get('abc:3')).to.equal('v3');
    } finally {
      await tier.close();
    }
  });
});
