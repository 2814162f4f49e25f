import { expect } from 'chai';
import type { TieredDecisionCache } from '../../src/cache';
import { startHarness, type Harness } from '../helpers/app-harness';
import { uniquePrefix, waitFor } from './helpers';
import { startSentinelSet, waitReplicated, type SentinelSet } from './redis-ha';

/**
 * A real Sentinel set (master, replica, one sentinel; all redis-server processes this test
 * starts) behind whole nodes with the Ollama SIMULATOR. The master is killed mid-run: every
 * request keeps being answered (memory or LLM) within its bound, the node follows the
 * sentinel to the promoted replica, and answers written and replicated before the failover
 * are served from Redis by a node that never saw them.
 */
describe('cache on Redis Sentinel: failover mid-run (own redis-server + sentinel)', function () {
  this.timeout(30_000);
  let set: SentinelSet | undefined;
  const nodes: Harness[] = [];
  const prefix = uniquePrefix('sentinel');
  const texts = Array.from({ length: 6 }, (_, i) => `展示会の${i}番ブースについて話して`);
  const script = texts.map((t, i) => ({ match: t, content: { a: [], r: `${i}番ブースです。` } }));

  before(async () => {
    set = await startSentinelSet();
  });
  after(async () => {
    await Promise.all(nodes.splice(0).map((h) => h.close()));
    await set?.stop();
  });

  async function node(): Promise<{ h: Harness; cache: TieredDecisionCache }> {
    const s = set as SentinelSet;
    const h = await startHarness({
      config: {
        cache: {
          redis_enabled: true,
          redis_mode: 'sentinel',
          redis_sentinels: [`127.0.0.1:${s.sentinelPort}`],
          redis_sentinel_name: s.name,
          redis_key_prefix: prefix,
          // Generous for a loaded CI box: a write that times out is dropped (by design), which
          // would make the sharing checks below fail for the wrong reason.
          redis_command_timeout_ms: 300,
        },
      },
      script,
    });
    nodes.push(h);
    const cache = h.app.cache as TieredDecisionCache;
    await waitFor(() => cache.status().values['redis'] === 'ready', 5000, 'redis ready through the sentinel');
    return { h, cache };
  }

  it('answers through the failover, finds the new master and keeps what was replicated', async () => {
    const s = set as SentinelSet;
    const a = await node();
    expect(a.cache.status().values['redis_mode']).to.equal('sentinel');
    expect(a.cache.status().values['redis_master']).to.equal(`127.0.0.1:${s.masterPort}`);
    expect(a.cache.status().values['redis_failovers']).to.equal(0);
    for (const t of texts.slice(0, 3)) {
      const res = await a.h.app.pipeline.handle({ text: t, origin: 'cli', dryRun: true });
      expect(res.source, `before: ${JSON.stringify(res.error)}`).to.equal('llm');
    }
    await a.cache.flush();
    expect(await waitReplicated(s.masterPort)).to.equal(1);

    await s.kill(s.masterPort);
    // Mid-failover: known answers from memory, new ones from the LLM; none waits on Redis.
    const boundMs = 1500;
    let slowest = 0;
    const sources: string[] = [];
    const deadline = Date.now() + 20_000;
    let round = 0;
    while (a.cache.status().values['redis_master'] !== `127.0.0.1:${s.replicaPort}` || a.cache.status().values['redis'] !== 'ready') {
      if (Date.now() > deadline) throw new Error(`no failover seen: ${JSON.stringify(a.cache.status())}`);
      const text = round % 2 === 0 ? (texts[0] as string) : `展示会の休憩${round}について話して`;
      const t0 = Date.now();
      const res = await a.h.app.pipeline.handle({ text, origin: 'cli', dryRun: true });
      slowest = Math.max(slowest, Date.now() - t0);
      sources.push(res.source === 'fallback' ? `fallback:${JSON.stringify(res.error)}` : res.source);
      expect(res.reply, `round ${round}`).to.be.a('string').and.not.equal('');
      round++;
      await new Promise((res) => setTimeout(res, 20));
    }
    // Keep asking until the client has stayed ready on the new master for a second.
    let readySince = Date.now();
    while (Date.now() - readySince < 1000) {
      if (Date.now() > deadline) throw new Error(`redis never settled: ${JSON.stringify(a.cache.status().values)}`);
      if (a.cache.status().values['redis'] !== 'ready') readySince = Date.now();
      const t0 = Date.now();
      const res = await a.h.app.pipeline.handle({ text: texts[0] as string, origin: 'cli', dryRun: true });
      slowest = Math.max(slowest, Date.now() - t0);
      expect(res.source).to.equal('cache');
      await new Promise((res) => setTimeout(res, 20));
    }
    expect(round, 'requests made during the failover').to.be.greaterThan(4);
    expect(slowest, `slowest request during the failover ${slowest} ms`).to.be.below(boundMs);
    expect(sources.filter((x, i) => i % 2 === 0).every((x) => x === 'cache'), sources.join(' ')).to.equal(true);
    expect(sources.filter((x, i) => i % 2 === 1).every((x) => x === 'llm'), sources.join(' ')).to.equal(true);
    expect(a.cache.status().values['redis_failovers']).to.equal(1);
    expect(String(a.cache.status().message)).to.contain(`sentinel, master 127.0.0.1:${s.replicaPort}, 1 failover`);
    // What /healthz answers and /diagnostics publishes for the cache component.
    const health = a.h.app.monitor.health().body.components.find((c) => c.component === 'cache');
    expect(health?.message).to.contain(`(sentinel, master 127.0.0.1:${s.replicaPort}, 1 failover)`);
    const diag = a.h.app.monitor.diagnostics().status.find((d) => d.name.includes('cache'));
    const kv = Object.fromEntries((diag?.values ?? []).map((v) => [v.key, v.value]));
    expect(kv).to.include({ redis_mode: 'sentinel', redis_master: `127.0.0.1:${s.replicaPort}`, redis_failovers: '1' });

    // Written before the failover and replicated: a fresh node reads them from the new master.
    const b = await node();
    expect(b.cache.status().values['redis_master']).to.equal(`127.0.0.1:${s.replicaPort}`);
    for (const [i, t] of texts.slice(0, 3).entries()) {
      const res = await b.h.app.pipeline.handle({ text: t, origin: 'cli', dryRun: true });
      expect(res.source, t).to.equal('cache');
      expect(res.reply).to.equal(`${i}番ブースです。`);
    }
    expect(b.h.sim?.stats().chat).to.equal(0);
    // And writes after it reach the new master too.
    const after = await a.h.app.pipeline.handle({ text: texts[4] as string, origin: 'cli', dryRun: true });
    expect(after.source, `after: ${JSON.stringify(after.error)}`).to.equal('llm');
    await a.cache.flush();
    expect((await b.h.app.pipeline.handle({ text: texts[4] as string, origin: 'cli', dryRun: true })).source, JSON.stringify(a.cache.status().values)).to.equal('cache');
  });
});
