import { expect } from 'chai';
import { createDecisionCache, exactKey, versionTag, type TieredDecisionCache } from '../../src/cache';
import { slotGroup } from '../../src/cache/cache-key';
import { analyse } from '../../src/lang';
import { createSystemClock } from '../../src/util/clock';
import { createSilentLogger } from '../../src/util/logger';
import { cacheConfig, llmDecision, req, uniquePrefix, waitFor } from './helpers';
import { redisAt, startCluster, waitReplicated, type ClusterSet } from './redis-ha';

/**
 * A real 3-master / 3-replica Redis Cluster (six redis-server processes this file starts,
 * cluster-node-timeout 1000 ms). First a slot is migrated by hand while nodes read it
 * (ASK during MIGRATING/IMPORTING, MOVED after SETSLOT NODE), then a master is killed and
 * its replica promoted. Reads and writes go through ioredis' Cluster client.
 */
describe('cache on Redis Cluster (own 6-node cluster)', function () {
  this.timeout(40_000);
  let cluster: ClusterSet | undefined;
  const open: TieredDecisionCache[] = [];
  const prefix = uniquePrefix('cluster');
  const version = 'cat:qwen:p1';
  const tag = versionTag(version);

  before(async () => {
    cluster = await startCluster();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
  });
  after(async () => {
    await cluster?.stop();
  });

  async function make(over: Parameters<typeof cacheConfig>[0] = {}): Promise<TieredDecisionCache> {
    const c = createDecisionCache({
      config: cacheConfig({ redis_enabled: true, redis_mode: 'cluster', redis_cluster_nodes: (cluster as ClusterSet).seeds, redis_key_prefix: prefix, redis_command_timeout_ms: 200, ...over }),
      version,
      clock: createSystemClock(),
      logger: createSilentLogger(),
    });
    open.push(c);
    await waitFor(() => c.status().values['redis'] === 'ready', 5000, 'cluster ready');
    return c;
  }

  const fullKey = (text: string) => `${prefix}${exactKey(tag, analyse(text, ''), '', true)}`;

  async function slotOwner(slot: number): Promise<{ id: string; port: number }> {
    const ns = await (cluster as ClusterSet).nodes();
    for (const n of ns.filter((x) => x.master && !x.failed)) {
      for (const range of n.slots) {
        const [lo, hi] = range.split('-').map(Number) as [number, number | undefined];
        if (slot >= lo && slot <= (hi ?? lo)) return { id: n.id, port: n.port };
      }
    }
    throw new Error(`no owner for slot ${slot}`);
  }

  it('spreads hash-tagged keys over every master, warms from all of them, and shows mode and masters', async () => {
    const writer = await make();
    expect(writer.status().values['redis_mode']).to.equal('cluster');
    expect(writer.status().values['redis_failovers']).to.equal(0);
    expect(String(writer.status().values['redis_master']).split(',')).to.have.length(3);
    const texts = Array.from({ length: 60 }, (_, i) => `ロボット${i}号の紹介をして`);
    for (const t of texts) await writer.store(req(t), llmDecision('', `紹介${t}`));
    await writer.flush();
    const perMaster = await Promise.all(
      (await (cluster as ClusterSet).nodes())
        .filter((n) => n.master)
        .map(async (n) => {
          const r = await redisAt(n.port);
          try {
            // Entries only: the per-group indexes of cache.redis_max_entries live beside them.
            return (await r.scan('0', 'MATCH', `${prefix}*`, 'COUNT', 1000))[1].filter((k) => !k.startsWith(`${prefix}_index:`)).length;
          } finally {
            r.disconnect();
          }
        }),
    );
    expect(perMaster.every((n) => n > 0), `keys per master ${perMaster.join(',')}`).to.equal(true);
    expect(perMaster.reduce((a, b) => a + b, 0)).to.equal(60);
    const fresh = await make();
    expect(await fresh.warm()).to.equal(60);
    expect((await fresh.lookup(req(texts[17] as string))).tier).to.equal('memory');
  });

  it('bounds what one node writes per hash-tag group, each index in its group\'s slot (redis_max_entries / 256 each)', async () => {
    // 512 / 256 = 2 per group: at the bound both stay, one above it the oldest goes.
    const writer = await make({ redis_max_entries: 512 });
    const byGroup = new Map<string, string[]>();
    for (let i = 0; i < 2000; i++) {
      const t = `記念撮影${i}をして`;
      const g = slotGroup(fullKey(t));
      byGroup.set(g, [...(byGroup.get(g) ?? []), t]);
    }
    const [g, same] = [...byGroup.entries()].find(([, v]) => v.length >= 3) as [string, string[]];
    for (const t of same.slice(0, 3)) {
      await writer.store(req(t), llmDecision('', `写真:${t}`));
      await writer.flush();
      await new Promise((res) => setTimeout(res, 3));
      if (t === same[1]) {
        const atBound = await make();
        expect((await atBound.lookup(req(same[0] as string))).tier, 'at the bound').to.equal('redis');
      }
    }
    const reader = await make();
    expect((await reader.lookup(req(same[0] as string))).tier, 'oldest, one above the bound').to.not.equal('redis');
    expect((await reader.lookup(req(same[1] as string))).tier).to.equal('redis');
    expect((await reader.lookup(req(same[2] as string))).tier).to.equal('redis');
    const r = await redisAt((cluster as ClusterSet).ports[0] as number);
    const slotOfIndex = (await r.call('CLUSTER', 'KEYSLOT', `${prefix}_index:x:{${g}}`)) as number;
    const slotOfEntry = (await r.call('CLUSTER', 'KEYSLOT', fullKey(same[0] as string))) as number;
    r.disconnect();
    expect(slotOfIndex).to.equal(slotOfEntry);
    expect(writer.status().values['redis_errors']).to.equal(0);
  });

  it('keeps reading through a slot migration: ASK while MIGRATING/IMPORTING, MOVED after it', async () => {
    const writer = await make();
    // Utterances whose keys share one hash tag, hence one slot.
    const byGroup = new Map<string, string[]>();
    for (let i = 0; i < 600; i++) {
      const t = `迷子${i}の案内をして`;
      const g = slotGroup(fullKey(t));
      byGroup.set(g, [...(byGroup.get(g) ?? []), t]);
    }
    const texts = [...byGroup.values()].find((v) => v.length >= 3)?.slice(0, 3) as string[];
    expect(texts).to.have.length(3);
    for (const t of texts) await writer.store(req(t), llmDecision('', `案内:${t}`));
    await writer.flush();
    const keys = texts.map(fullKey);
    const seed = await redisAt((cluster as ClusterSet).ports[0] as number);
    const slot = (await seed.call('CLUSTER', 'KEYSLOT', keys[0] as string)) as number;
    seed.disconnect();
    const src = await slotOwner(slot);
    const dst = (await (cluster as ClusterSet).nodes()).find((n) => n.master && !n.failed && n.id !== src.id) as { id: string; port: number };
    const s = await redisAt(src.port);
    const d = await redisAt(dst.port);
    const readAll = async (phase: string) => {
      // A fresh node each time, so every lookup misses memory and reads the cluster.
      const reader = await make();
      for (const t of texts) {
        const hit = await reader.lookup(req(t));
        expect(hit.tier, `${phase}: ${t}`).to.equal('redis');
        expect(hit.decision?.reply).to.equal(`案内:${t}`);
      }
      await reader.close();
    };
    try {
      await readAll('before');
      await d.call('CLUSTER', 'SETSLOT', String(slot), 'IMPORTING', src.id);
      await s.call('CLUSTER', 'SETSLOT', String(slot), 'MIGRATING', dst.id);
      // One key moves: the source answers ASK for it, serves the others itself.
      await s.call('MIGRATE', '127.0.0.1', String(dst.port), '', '0', '5000', 'KEYS', keys[0] as string);
      const ask = await s.get(keys[0] as string).then(
        () => '',
        (e: Error) => e.message,
      );
      expect(ask).to.match(/^ASK /);
      await readAll('migrating');
      // Then everything left in the slot (the other entries and the group's redis_max_entries index).
      const rest = (await s.call('CLUSTER', 'GETKEYSINSLOT', String(slot), '1000')) as string[];
      expect(rest).to.include.members(keys.slice(1));
      await s.call('MIGRATE', '127.0.0.1', String(dst.port), '', '0', '5000', 'KEYS', ...rest);
      for (const n of (await (cluster as ClusterSet).nodes()).filter((x) => x.master && !x.failed)) {
        const r = await redisAt(n.port);
        await r.call('CLUSTER', 'SETSLOT', String(slot), 'NODE', dst.id);
        r.disconnect();
      }
      const moved = await s.get(keys[1] as string).then(
        () => '',
        (e: Error) => e.message,
      );
      expect(moved).to.match(/^MOVED /);
      // The writer's slot map is stale now: its next lookups of these keys get MOVED and follow.
      const stale = await make();
      await readAll('moved');
      for (const t of texts) expect((await stale.lookup(req(t))).tier).to.equal('redis');
    } finally {
      s.disconnect();
      d.disconnect();
    }
  });

  it('survives a master killed mid-run: its replica is promoted and the replicated answers are found', async () => {
    const c = cluster as ClusterSet;
    const writer = await make({ redis_command_timeout_ms: 100 });
    const texts = Array.from({ length: 40 }, (_, i) => `受付${i}番の場所を教えて`);
    for (const t of texts) await writer.store(req(t), llmDecision('', `受付:${t}`));
    await writer.flush();
    const masters = (await c.nodes()).filter((n) => n.master && !n.failed);
    for (const m of masters) expect(await waitReplicated(m.port)).to.equal(1);
    // Kill the master that holds the first text's key.
    const seed = await redisAt(c.ports.find((p) => p !== undefined) as number);
    const slot = (await seed.call('CLUSTER', 'KEYSLOT', fullKey(texts[0] as string))) as number;
    seed.disconnect();
    const victim = await slotOwner(slot);
    await c.kill(victim.port);

    // During the failover every lookup resolves within the command timeout + slack, from
    // memory for what this node knows, a miss (never an error) for the dead master's keys.
    let slowest = 0;
    let lookups = 0;
    const deadline = Date.now() + 20_000;
    while (!String(writer.status().values['redis_master']).split(',').every((m) => !m.endsWith(`:${victim.port}`)) || Number(writer.status().values['redis_failovers']) < 1) {
      if (Date.now() > deadline) throw new Error(`no promotion seen: ${JSON.stringify(writer.status().values)}`);
      const t0 = Date.now();
      expect((await writer.lookup(req(texts[lookups % texts.length] as string))).tier).to.equal('memory');
      const cold = await writer.lookup(req(`新しい質問${lookups}について`));
      expect(cold.decision).to.equal(undefined);
      slowest = Math.max(slowest, Date.now() - t0);
      lookups++;
      await new Promise((res) => setTimeout(res, 50));
    }
    expect(slowest, `slowest lookup pair ${slowest} ms`).to.be.below(100 * 2 + 600);
    expect(lookups, 'lookups made during the failover').to.be.greaterThan(3);
    await c.waitOk(10_000);
    await waitFor(() => String(writer.status().values['redis_master']).split(',').length === 3, 5000, 'the promoted replica in the slot map');
    expect(writer.status().values['redis_failovers']).to.equal(1);
    // A fresh node finds every answer, including those on the promoted replica.
    const reader = await make();
    let found = 0;
    for (const t of texts) if ((await reader.lookup(req(t))).tier === 'redis') found++;
    expect(found, JSON.stringify(reader.status().values)).to.equal(texts.length);
    expect(reader.status().values['redis_failovers']).to.equal(0);
  });
});
