import { expect } from 'chai';
import { createDecisionCache } from '../../src/cache';
import { createRedisTier, type RedisTier } from '../../src/cache/redis-tier';
import { createSystemClock } from '../../src/util/clock';
import { createSilentLogger } from '../../src/util/logger';
import { cacheConfig, deletePrefix, llmDecision, REDIS_URL, req, scanKeys, uniquePrefix } from './helpers';

/** cache.redis_max_entries against the real Redis at 127.0.0.1:6379, each test under its own prefix. */
describe('cache.redis_max_entries: what one node writes to Redis is bounded', function () {
  this.timeout(10_000);
  let prefix = '';
  const open: Array<{ close(): Promise<void> }> = [];
  beforeEach(function () {
    prefix = uniquePrefix('bound');
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
    await deletePrefix(prefix);
  });

  async function tier(maxEntries: number, indexKey = '_index:/claudia/claudia_llm'): Promise<RedisTier> {
    const t = createRedisTier({ url: REDIS_URL, keyPrefix: prefix, commandTimeoutMs: 500, connectTimeoutMs: 1000, clock: createSystemClock(), logger: createSilentLogger(), maxEntries, indexKey });
    open.push(t);
    expect(await t.whenReady(3000)).to.equal(true);
    return t;
  }
  const entries = async () => (await scanKeys(prefix)).filter((k) => !k.startsWith(`${prefix}_index:`)).map((k) => k.slice(prefix.length)).sort();

  it('at the bound every entry stays; one above it, the oldest is deleted in the same write', async () => {
    const t = await tier(5);
    for (let i = 0; i < 5; i++) expect(await t.set(`k${i}`, `v${i}`, 60_000)).to.equal(true);
    expect(await entries(), 'at the bound').to.deep.equal(['k0', 'k1', 'k2', 'k3', 'k4']);
    await new Promise((r) => setTimeout(r, 2));
    await t.set('k5', 'v5', 60_000);
    expect(await entries(), 'one above').to.deep.equal(['k1', 'k2', 'k3', 'k4', 'k5']);
    expect(await t.get('k0')).to.equal(null);
    expect(await t.get('k5')).to.equal('v5');
  });

  it('1,000 distinct utterances leave at most redis_max_entries keys, plus one index key', async () => {
    const t = await tier(100);
    await Promise.all(Array.from({ length: 1000 }, (_, i) => t.set(`u${i}`, 'x'.repeat(64), 60_000)));
    const all = await scanKeys(prefix);
    expect((await entries()).length).to.equal(100);
    expect(all.filter((k) => k.startsWith(`${prefix}_index:`))).to.have.length(1);
  });

  it('a rewrite of the same key counts once', async () => {
    const t = await tier(3);
    for (let i = 0; i < 10; i++) await t.set('same', `v${i}`, 60_000);
    await t.set('other', 'o', 60_000);
    expect(await entries()).to.deep.equal(['other', 'same']);
  });

  it('the decision cache writes through the bound and still warms from what is left', async () => {
    const config = cacheConfig({ redis_enabled: true, redis_url: REDIS_URL, redis_key_prefix: prefix, redis_max_entries: 2 });
    const cache = createDecisionCache({ config, version: 'cat:m:p', clock: createSystemClock(), logger: createSilentLogger() });
    open.push(cache);
    await cache.warm(); // waits until Redis is ready
    for (const [text, act] of [['ダンスして', 'dance1'], ['お手をして', 'hello'], ['伸びをして', 'stretch']] as const) {
      await cache.store(req(text), llmDecision(act, 'はい'));
      await cache.flush();
      await new Promise((r) => setTimeout(r, 2));
    }
    expect((await entries()).length).to.equal(2);
    const fresh = createDecisionCache({ config, version: 'cat:m:p', clock: createSystemClock(), logger: createSilentLogger() });
    open.push(fresh);
    expect(await fresh.warm()).to.equal(2);
  });
});
