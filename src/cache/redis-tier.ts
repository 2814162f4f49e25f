import Redis from 'ioredis';
import type { Clock } from '../util/clock';
import type { Logger } from '../util/logger';

/**
 * The shared tier: one ioredis client per cache. It must never slow a request down:
 * `enableOfflineQueue: false` makes commands fail at once while disconnected (instead of
 * queueing until Redis returns), `commandTimeout` bounds a slow server, and the tier
 * skips Redis entirely while it is not `ready`. Reconnection is ioredis' own, with a
 * capped exponential back-off plus jitter. `keyPrefix` is applied by ioredis to normal
 * commands but not to SCAN's MATCH, and SCAN returns prefixed keys: scanAll() handles both.
 */
export type RedisState = 'connecting' | 'ready' | 'down' | 'closed';

export interface RedisTierStats {
  state: RedisState;
  errors: number;
  timeouts: number;
  skipped: number;
  reconnects: number;
  lastError: string;
}

export interface RedisTier {
  get(key: string): Promise<string | null | undefined>;
  /** Write with a TTL; resolves when written or failed (never rejects). */
  set(key: string, value: string, ttlMs: number): Promise<boolean>;
  del(key: string): Promise<void>;
  /** Up to `max` keys (unprefixed) starting with `pattern` plus their values and remaining TTL. */
  scanAll(match: string, max: number): Promise<Array<{ key: string; value: string; ttlMs: number }>>;
  /** Resolves true once ready, false after `timeoutMs`. */
  whenReady(timeoutMs: number): Promise<boolean>;
  stats(): RedisTierStats;
  close(): Promise<void>;
}

export interface RedisTierOptions {
  url: string;
  keyPrefix: string;
  commandTimeoutMs: number;
  connectTimeoutMs: number;
  clock: Clock;
  logger: Logger;
  onState?: (state: RedisState) => void;
  /**
   * Bound on the entries this writer keeps (cache.redis_max_entries): every write also adds
   * its key to a sorted-set index (score = write time) and deletes the oldest keys beyond
   * the bound, in the same round trip (one Lua script, atomic on one server).
   */
  maxEntries?: number;
  /** The index key (unprefixed); one per node, so the bound is what one node writes. */
  indexKey?: string;
}

/**
 * KEYS[1] entry, KEYS[2] index; ARGV value, ttl ms, now ms, max entries. Index members whose
 * TTL has passed are dropped first, then the oldest beyond the bound are deleted with their
 * entries. The index lives as long as the newest entry.
 */
const BOUNDED_SET_LUA = `
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', tonumber(ARGV[3]) - tonumber(ARGV[2]))
redis.call('ZADD', KEYS[2], ARGV[3], KEYS[1])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
local over = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[4])
if over > 0 then
  local old = redis.call('ZRANGE', KEYS[2], 0, over - 1)
  redis.call('ZREMRANGEBYRANK', KEYS[2], 0, over - 1)
  for _, k in ipairs(old) do redis.call('DEL', k) end
end
return over
`;

type BoundedClient = Redis & { claudiaBoundedSet(key: string, index: string, value: string, ttlMs: number, nowMs: number, max: number): Promise<number> };

/** Reconnect delay: 50 ms doubling to 2 s, plus up to 20 % jitter so a fleet does not reconnect in step. */
export function reconnectDelay(times: number, random: () => number = Math.random): number {
  const base = Math.min(2000, 50 * 2 ** Math.min(times, 10));
  return Math.round(base * (1 + 0.2 * random()));
}

export function createRedisTier(opts: RedisTierOptions): RedisTier {
  const stats: RedisTierStats = { state: 'connecting', errors: 0, timeouts: 0, skipped: 0, reconnects: 0, lastError: '' };
  const waiters = new Set<() => void>();
  const client = new Redis(opts.url, {
    keyPrefix: opts.keyPrefix,
    enableOfflineQueue: false,
    enableAutoPipelining: true,
    commandTimeout: opts.commandTimeoutMs,
    connectTimeout: opts.connectTimeoutMs,
    maxRetriesPerRequest: 0,
    lazyConnect: true,
    retryStrategy: (times) => reconnectDelay(times),
  });

  const bounded = opts.maxEntries !== undefined && opts.indexKey !== undefined;
  if (bounded) client.defineCommand('claudiaBoundedSet', { numberOfKeys: 2, lua: BOUNDED_SET_LUA });

  function setState(next: RedisState): void {
    if (stats.state === next || stats.state === 'closed') return;
    const prev = stats.state;
    stats.state = next;
    const log = next === 'down' ? opts.logger.warn : opts.logger.info;
    log(`redis ${prev} -> ${next}`, { url: redactUrl(opts.url) });
    if (next === 'ready') for (const w of [...waiters]) w();
    opts.onState?.(next);
  }

  client.on('ready', () => setState('ready'));
  client.on('close', () => setState('down'));
  client.on('end', () => setState('down'));
  client.on('reconnecting', () => {
    stats.reconnects++;
  });
  // Without a listener ioredis prints every connection error; the state says it all.
  client.on('error', (err: Error) => {
    stats.lastError = err.message.slice(0, 200);
  });
  client.connect().catch(() => setState('down'));

  function failed(err: unknown): void {
    const msg = err instanceof Error ? err.message : String(err);
    if (/timed? ?out/i.test(msg)) stats.timeouts++;
    else stats.errors++;
    stats.lastError = msg.slice(0, 200);
  }

  return {
    async get(key) {
      if (stats.state !== 'ready') {
        stats.skipped++;
        return undefined;
      }
      try {
        return await client.get(key);
      } catch (err) {
        failed(err);
        return undefined;
      }
    },
    async set(key, value, ttlMs) {
      if (stats.state !== 'ready') {
        stats.skipped++;
        return false;
      }
      try {
        const px = Math.max(1, Math.round(ttlMs));
        if (bounded) {
          const nowMs = Number(opts.clock.wallNs() / 1_000_000n);
          await (client as BoundedClient).claudiaBoundedSet(key, opts.indexKey as string, value, px, nowMs, opts.maxEntries as number);
        } else {
          await client.set(key, value, 'PX', px);
        }
        return true;
      } catch (err) {
        failed(err);
        return false;
      }
    },
    async del(key) {
      if (stats.state !== 'ready') return;
      await client.del(key).catch(failed);
    },
    async scanAll(match, max) {
      const out: Array<{ key: string; value: string; ttlMs: number }> = [];
      if (stats.state !== 'ready') return out;
      let cursor = '0';
      do {
        const [next, keys] = await client.scan(cursor, 'MATCH', `${opts.keyPrefix}${match}*`, 'COUNT', 500);
        cursor = next;
        const bare = keys.map((k) => (k.startsWith(opts.keyPrefix) ? k.slice(opts.keyPrefix.length) : k)).slice(0, max - out.length);
        if (bare.length === 0) continue;
        const p = client.pipeline();
        for (const k of bare) p.get(k).pttl(k);
        const res = (await p.exec()) ?? [];
        bare.forEach((k, i) => {
          const value = res[i * 2]?.[1];
          const ttl = res[i * 2 + 1]?.[1];
          if (typeof value === 'string' && typeof ttl === 'number' && ttl > 0) out.push({ key: k, value, ttlMs: ttl });
        });
      } while (cursor !== '0' && out.length < max);
      return out;
    },
    whenReady(timeoutMs) {
      if (stats.state === 'ready') return Promise.resolve(true);
      return new Promise((resolve) => {
        const done = (ok: boolean) => {
          waiters.delete(onReady);
          opts.clock.clearTimeout(timer);
          resolve(ok);
        };
        const onReady = () => done(true);
        waiters.add(onReady);
        const timer = opts.clock.setTimeout(() => done(false), timeoutMs);
      });
    },
    stats: () => ({ ...stats }),
    async close() {
      setState('closed');
      waiters.clear();
      try {
        await client.quit();
      } catch {
        client.disconnect();
      }
    },
  };
}

/** A URL without its password, for logs. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}
