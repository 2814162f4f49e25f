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
}

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
        await client.set(key, value, 'PX', Math.max(1, Math.round(ttlMs)));
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
