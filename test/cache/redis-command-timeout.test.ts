import { expect } from 'chai';
import type { ChildProcess } from 'node:child_process';
import { createDecisionCache, type TieredDecisionCache } from '../../src/cache';
import type { RedisMode } from '../../src/cache/redis-connection';
import type { Config } from '../../src/config/types';
import { createSystemClock } from '../../src/util/clock';
import { createSilentLogger } from '../../src/util/logger';
import { cacheConfig, freePort, llmDecision, req, startRedisServer, stopProcess, uniquePrefix, waitFor } from './helpers';
import { startCluster, startSentinelSet } from './redis-ha';

/** Redis processes of this file's own (never the shared server): their cache config, the masters to pause, and a stop. */
interface OwnRedis {
  cache: Partial<Config['cache']>;
  masters(): Promise<ChildProcess[]>;
  stop(): Promise<void>;
}

async function startOwn(mode: RedisMode): Promise<OwnRedis> {
  if (mode === 'sentinel') {
    const s = await startSentinelSet();
    return {
      cache: { redis_mode: 'sentinel', redis_sentinels: [`127.0.0.1:${s.sentinelPort}`], redis_sentinel_name: s.name },
      masters: async () => [s.procs.get(s.masterPort) as ChildProcess],
      stop: () => s.stop(),
    };
  }
  if (mode === 'cluster') {
    const c = await startCluster();
    return {
      cache: { redis_mode: 'cluster', redis_cluster_nodes: c.seeds },
      // Every master: whichever holds the key's slot is paused.
      masters: async () => (await c.nodes()).filter((n) => n.master && !n.failed).map((n) => c.procs.get(n.port) as ChildProcess),
      stop: () => c.stop(),
    };
  }
  const port = await freePort();
  const server = await startRedisServer(port);
  return { cache: { redis_mode: 'single', redis_url: `redis://127.0.0.1:${port}/0` }, masters: async () => [server], stop: () => stopProcess(server) };
}

/**
 * The bound on a slow Redis (cache.redis_command_timeout_ms), in every mode: the master(s)
 * are paused with SIGSTOP while a fresh node looks up an answer that is in Redis. Paused
 * past the timeout, the lookup comes back as a miss while Redis is still paused (counted
 * in redis_timeouts), and once Redis resumes the same connection answers again, with no
 * reconnect. Paused for half the timeout, the slow answer is still used. In single mode the
 * bound is ioredis' commandTimeout; in sentinel and cluster mode the tier's own race alone
 * (ioredis arms no timer there), which also bounds warming up (SCAN, GET+PTTL) and close.
 */
for (const mode of ['single', 'sentinel', 'cluster'] as RedisMode[]) describe(`cache: a paused Redis costs a lookup at most the command timeout (${mode}, own redis-server)`, function () {
  this.timeout(30_000);
  let own: OwnRedis | undefined;
  let prefix = '';
  const open: TieredDecisionCache[] = [];
  const text = 'お客様を入口まで案内して';

  before(async () => {
    own = await startOwn(mode);
  });
  after(async () => {
    await own?.stop();
  });
  beforeEach(() => {
    prefix = uniquePrefix(`timeout-${mode}`);
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
  });

  async function node(timeoutMs: number): Promise<TieredDecisionCache> {
    const cache = createDecisionCache({
      config: cacheConfig({ redis_enabled: true, ...own?.cache, redis_key_prefix: prefix, redis_command_timeout_ms: timeoutMs }),
      version: 'v',
      clock: createSystemClock(),
      logger: createSilentLogger(),
    });
    open.push(cache);
    await waitFor(() => cache.status().values['redis'] === 'ready', 8000, 'redis ready');
    return cache;
  }

  /** An answer in Redis, and a fresh node (memory empty) whose lookup of it goes to Redis. */
  async function answerInRedisAndReader(timeoutMs: number): Promise<TieredDecisionCache> {
    const writer = await node(1000);
    await writer.store(req(text), llmDecision('', '入口までご案内します。'));
    await writer.flush();
    expect(writer.status().values['redis_errors'], 'the write reached Redis').to.equal(0);
    return node(timeoutMs);
  }

  async function paused<T>(during: (resume: () => void) => Promise<T>): Promise<T> {
    const masters = await (own as OwnRedis).masters();
    let resumed = false;
    const resume = () => {
      if (resumed) return;
      resumed = true;
      for (const m of masters) m.kill('SIGCONT');
    };
    for (const m of masters) m.kill('SIGSTOP');
    try {
      return await during(resume);
    } finally {
      resume();
    }
  }

  /**
   * `work` with Redis paused and nothing resuming it before `work` is back, but a far-off guard
   * (so work that waits for Redis fails the test with a message instead of hanging); whether
   * Redis was still paused when `work` came back.
   */
  function untilBack<T>(work: () => Promise<T>): Promise<{ value: T; stillPaused: boolean }> {
    return paused(async (resume) => {
      let stillPaused = true;
      const guard = setTimeout(() => {
        stillPaused = false;
        resume();
      }, 10_000);
      const value = await work();
      clearTimeout(guard);
      return { value, stillPaused };
    });
  }

  it('past the timeout: a miss while Redis is still paused, then the same connection answers again', async () => {
    const reader = await answerInRedisAndReader(100);
    const reconnects = reader.status().values['redis_reconnects'];
    const { value: miss, stillPaused: pausedWhenAnswered } = await untilBack(() => reader.lookup(req(text)));
    expect(pausedWhenAnswered, 'the lookup waited for the paused Redis').to.equal(true);
    expect(miss.decision).to.equal(undefined);
    expect(reader.status().values['redis_timeouts']).to.equal(1);
    const hit = await reader.lookup(req(text));
    expect(hit.tier).to.equal('redis');
    expect(hit.decision?.reply).to.equal('入口までご案内します。');
    expect(reader.status().values['redis_reconnects'], 'no reconnect').to.equal(reconnects);
    expect(reader.status().values['redis']).to.equal('ready');
  });

  it('within the timeout: Redis paused for half of it, the slow answer is still used', async () => {
    const timeoutMs = 400;
    const reader = await answerInRedisAndReader(timeoutMs);
    const { hit, resumedFirst } = await paused(async (resume) => {
      let wasResumed = false;
      setTimeout(() => {
        wasResumed = true;
        resume();
      }, timeoutMs / 2);
      const h = await reader.lookup(req(text));
      return { hit: h, resumedFirst: wasResumed };
    });
    expect(resumedFirst, 'the answer came from the paused Redis once it resumed').to.equal(true);
    expect(hit.tier).to.equal('redis');
    expect(hit.decision?.reply).to.equal('入口までご案内します。');
    expect(reader.status().values['redis_timeouts']).to.equal(0);
  });

  it('warming up from a paused Redis gives up after the timeout, and closing does not wait for it', async () => {
    const writer = await node(1000);
    await writer.store(req(text), llmDecision('', '入口までご案内します。'));
    await writer.flush();
    const fresh = await node(100);
    const { value: settled, stillPaused: pausedWhenSettled } = await untilBack(async () => {
      const outcome = await fresh.warm().then(
        (n) => `loaded ${n}`,
        (err: Error) => `failed: ${err.message}`,
      );
      await fresh.close();
      return outcome;
    });
    expect(pausedWhenSettled, `warm-up and close came back while Redis was paused (${settled})`).to.equal(true);
    expect(settled).to.match(/timed? ?out/i);
  });
});
