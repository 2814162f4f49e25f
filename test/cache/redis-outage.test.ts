import { expect } from 'chai';
import type { ChildProcess } from 'node:child_process';
import { createDecisionCache, type TieredDecisionCache } from '../../src/cache';
import { createSystemClock } from '../../src/util/clock';
import { createSilentLogger } from '../../src/util/logger';
import { createTelemetry } from '../../src/util/telemetry';
import { cacheConfig, freePort, llmDecision, req, startRedisServer, stopProcess, uniquePrefix, waitFor } from './helpers';

/**
 * A private redis-server on a free port is killed in the middle of a run and restarted.
 * Every lookup and store must resolve (never reject) and none may hang past the command
 * timeout plus scheduling slack; the cache must report the outage and recover on its own.
 */
describe('cache during a Redis outage (own redis-server)', function () {
  this.timeout(20_000);
  let server: ChildProcess | undefined;
  let cache: TieredDecisionCache | undefined;

  afterEach(async () => {
    await cache?.close();
    if (server) await stopProcess(server);
  });

  it('keeps answering from memory while Redis is down and recovers when it returns', async () => {
    const port = await freePort();
    server = await startRedisServer(port);
    const timeoutMs = 100;
    const prefix = uniquePrefix('outage');
    const url = `redis://127.0.0.1:${port}/0`;
    // A bound for "did not hang": the command timeout plus generous slack for a loaded CI machine.
    const hangBoundMs = timeoutMs + 400;
    const states: string[] = [];
    const telemetry = createTelemetry();
    cache = createDecisionCache({
      config: cacheConfig({ redis_enabled: true, redis_url: url, redis_key_prefix: prefix, redis_command_timeout_ms: timeoutMs, redis_connect_timeout_ms: 300 }),
      version: 'v',
      clock: createSystemClock(),
      logger: createSilentLogger(),
      telemetry,
    });
    const c = cache;
    const track = () => {
      const s = String(c.status().values['redis']);
      if (states[states.length - 1] !== s) states.push(s);
    };
    await waitFor(() => c.status().values['redis'] === 'ready', 3000, 'redis ready');
    await c.store(req('座って'), llmDecision('sit', '座ります'));
    await c.flush();

    const failures: string[] = [];
    let slowest = 0;
    let ops = 0;
    const timed = async (what: string, fn: () => Promise<unknown>) => {
      const t0 = Date.now();
      try {
        await fn();
      } catch (err) {
        failures.push(`${what}: ${(err as Error).message}`);
      }
      slowest = Math.max(slowest, Date.now() - t0);
      ops++;
      track();
    };
    const burst = async (n: number, tag: string) => {
      for (let i = 0; i < n; i++) {
        await timed('lookup hit', async () => {
          const hit = await c.lookup(req('座って'));
          if (hit.decision?.actions[0]?.name !== 'sit') throw new Error('memory hit lost');
        });
        await timed('lookup miss', () => c.lookup(req(`${tag}${i}歩進んで`)));
        await timed('store', () => c.store(req(`${tag}${i}回ジャンプして`), llmDecision('front_jump', 'jump')));
      }
    };

    await burst(5, 'before');
    await stopProcess(server, 'SIGKILL');
    await waitFor(() => c.status().values['redis'] !== 'ready', 3000, 'outage noticed');
    await burst(20, 'during');
    expect(c.status().level).to.equal('warn');
    expect(String(c.status().message)).to.match(/redis (down|connecting)/);

    server = await startRedisServer(port);
    await waitFor(() => c.status().values['redis'] === 'ready', 8000, 'reconnect');
    track();
    await burst(3, 'after');
    await c.flush();

    expect(failures).to.deep.equal([]);
    expect(ops).to.equal(84);
    expect(slowest, `slowest operation ${slowest} ms`).to.be.below(hangBoundMs);
    expect(states).to.include('down');
    expect(states[states.length - 1]).to.equal('ready');
    expect(Number(c.status().values['redis_reconnects'])).to.be.greaterThan(0);
    // Recovered: a write after the restart is readable by another node sharing the server.
    const peer = createDecisionCache({
      config: cacheConfig({ redis_enabled: true, redis_url: url, redis_key_prefix: prefix, redis_command_timeout_ms: 200 }),
      version: 'v',
      clock: createSystemClock(),
      logger: createSilentLogger(),
    });
    try {
      await waitFor(() => peer.status().values['redis'] === 'ready', 3000, 'peer ready');
      const shared = await peer.lookup(req('after2回ジャンプして'));
      expect(shared.tier).to.equal('redis');
      // Written during the outage: lost from Redis (memory only), never an error.
      expect((await peer.lookup(req('during3回ジャンプして'))).tier).to.not.equal('redis');
    } finally {
      await peer.close();
    }
  });

  it('bounds a hung Redis (SIGSTOP) by the command timeout and carries on when it wakes', async () => {
    const port = await freePort();
    server = await startRedisServer(port);
    const timeoutMs = 80;
    const hangBoundMs = timeoutMs + 400;
    cache = createDecisionCache({
      config: cacheConfig({ redis_enabled: true, redis_url: `redis://127.0.0.1:${port}/0`, redis_key_prefix: uniquePrefix('hung'), redis_command_timeout_ms: timeoutMs }),
      version: 'v',
      clock: createSystemClock(),
      logger: createSilentLogger(),
    });
    const c = cache;
    await waitFor(() => c.status().values['redis'] === 'ready', 3000, 'redis ready');
    await c.store(req('座って'), llmDecision('sit', '座ります'));
    await c.flush();
    const srv = server;
    srv.kill('SIGSTOP');
    try {
      let slowest = 0;
      for (let i = 0; i < 5; i++) {
        const t0 = Date.now();
        const miss = await c.lookup(req(`${i}歩進んで`));
        slowest = Math.max(slowest, Date.now() - t0);
        expect(miss.decision).to.equal(undefined);
        expect((await c.lookup(req('座って'))).tier).to.equal('memory');
      }
      expect(slowest, `slowest lookup ${slowest} ms`).to.be.below(hangBoundMs);
      expect(Number(c.status().values['redis_timeouts'])).to.be.greaterThan(0);
    } finally {
      srv.kill('SIGCONT');
    }
    await waitFor(() => c.status().values['redis'] === 'ready', 8000, 'redis ready again');
    await c.store(req('立って'), llmDecision('stand_up', '立ちます'));
    await c.flush();
    const again = await c.lookup(req('座って'));
    expect(again.decision?.actions).to.deep.equal([{ name: 'sit' }]);
  });

  it('starts while Redis is absent (warm-up gives up after the connect timeout) and connects once it appears', async () => {
    const port = await freePort();
    cache = createDecisionCache({
      config: cacheConfig({ redis_enabled: true, redis_url: `redis://127.0.0.1:${port}/0`, redis_key_prefix: uniquePrefix('late'), redis_connect_timeout_ms: 200 }),
      version: 'v',
      clock: createSystemClock(),
      logger: createSilentLogger(),
    });
    const c = cache;
    expect(await c.warm()).to.equal(0);
    await c.store(req('座って'), llmDecision('sit', '座ります'));
    expect((await c.lookup(req('座って'))).tier).to.equal('memory');
    expect(c.status().level).to.equal('warn');
    server = await startRedisServer(port);
    await waitFor(() => c.status().values['redis'] === 'ready', 8000, 'late connect');
    expect(c.status().level).to.equal('ok');
  });
});
