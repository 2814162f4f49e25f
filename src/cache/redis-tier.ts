import type { Clock } from '../util/clock';
import type { Logger } from '../util/logger';
import { createRedisConnection, currentMasters, currentReplicas, describeTarget, scanTargets, SINGLE, type RedisClient, type RedisConnectionOptions, type RedisMode, type RedisTopology } from './redis-connection';
import { CLUSTER_TAG_GROUPS, slotGroup } from './cache-key';

export { redactUrl } from './redis-connection';

/**
 * The shared tier: one ioredis client per cache. It must never slow a request down:
 * `enableOfflineQueue: false` makes commands fail at once while disconnected (instead of
 * queueing until Redis returns), `commandTimeout` bounds a slow server, and the tier
 * skips Redis entirely while it is not `ready`. Reconnection is ioredis' own, with a
 * capped exponential back-off plus jitter. The tier puts the key prefix on every key itself
 * (ioredis' `keyPrefix` option looks each command up in its command table to find the
 * keys, a few µs and ~0.5 KB per command), on SCAN's MATCH too, and strips it from the
 * keys SCAN returns.
 * The connection (single, sentinel or cluster) comes from redis-connection.ts; in sentinel
 * and cluster modes each command (SCAN, the warm-up pipelines and QUIT too) is raced against
 * the command timeout here instead of by ioredis, because ioredis may hold a command across
 * a redirection or failover retry longer than that: one timer per command in every mode.
 */
export type RedisState = 'connecting' | 'ready' | 'down' | 'closed';

export interface RedisTierStats {
  state: RedisState;
  errors: number;
  timeouts: number;
  skipped: number;
  reconnects: number;
  lastError: string;
  mode: RedisMode;
  /** host:port of the master(s) in use: one in single/sentinel mode, every master in cluster mode. */
  masters: string[];
  /** Times the master set changed after the first connection (a sentinel or cluster failover). */
  failovers: number;
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
  /** Sentinel or cluster; `single` (the URL) when absent. */
  topology?: RedisTopology;
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

type BoundedClient = RedisClient & { claudiaBoundedSet(key: string, index: string, value: string, ttlMs: number, nowMs: number, max: number): Promise<number> };

/** Reconnect delay: 50 ms doubling to 2 s, plus up to 20 % jitter so a fleet does not reconnect in step. */
export function reconnectDelay(times: number, random: () => number = Math.random): number {
  const base = Math.min(2000, 50 * 2 ** Math.min(times, 10));
  return Math.round(base * (1 + 0.2 * random()));
}

export function createRedisTier(opts: RedisTierOptions): RedisTier {
  const conn: Omit<RedisConnectionOptions, 'retryStrategy'> = { ...(opts.topology ?? SINGLE), url: opts.url, commandTimeoutMs: opts.commandTimeoutMs, connectTimeoutMs: opts.connectTimeoutMs };
  const keyPrefix = opts.keyPrefix;
  const full = (key: string) => keyPrefix + key;
  const stats: RedisTierStats = { state: 'connecting', errors: 0, timeouts: 0, skipped: 0, reconnects: 0, lastError: '', mode: conn.mode, masters: [], failovers: 0 };
  const waiters = new Set<() => void>();
  const client = createRedisConnection({ ...conn, retryStrategy: (times) => reconnectDelay(times) });
  const target = describeTarget({ ...conn, retryStrategy: reconnectDelay });
  const timed: <T>(p: Promise<T>) => Promise<T> = conn.mode === 'single' ? (p) => p : (p) => withTimeout(p, conn.commandTimeoutMs, opts.clock);

  /**
   * A failover: in sentinel (or single) mode the master's address changed; in cluster mode
   * a node seen before as a replica is now a master. (A cluster pool fills in over the first
   * slot refreshes, so masters merely appearing are not failovers.)
   */
  const replicasSeen = new Set<string>();
  function noteMasters(): void {
    const now = currentMasters(client);
    if (now.length === 0) return;
    const promoted = conn.mode === 'cluster' ? now.some((m) => replicasSeen.has(m)) : stats.masters.length > 0 && now.join(',') !== stats.masters.join(',');
    if (promoted) {
      stats.failovers++;
      opts.logger.warn('redis master changed', { mode: conn.mode, from: stats.masters.join(','), to: now.join(',') });
      for (const m of now) replicasSeen.delete(m);
    }
    for (const r of currentReplicas(client)) replicasSeen.add(r);
    stats.masters = now;
  }

  const bounded = opts.maxEntries !== undefined && opts.indexKey !== undefined;
  if (bounded) client.defineCommand('claudiaBoundedSet', { numberOfKeys: 2, lua: BOUNDED_SET_LUA });
  /**
   * The index the write goes to. In cluster mode a script may only touch one slot, so each
   * hash-tag group of keys has its own index in the group's slot (`<index>:{hh}`), bounded
   * to an equal share of the node's bound; elsewhere one index holds the whole bound.
   */
  function boundedWrite(key: string): { index: string; max: number } {
    const group = conn.mode === 'cluster' ? slotGroup(key) : '';
    if (!group) return { index: opts.indexKey as string, max: opts.maxEntries as number };
    return { index: `${opts.indexKey as string}:{${group}}`, max: Math.max(1, Math.ceil((opts.maxEntries as number) / CLUSTER_TAG_GROUPS)) };
  }

  function setState(next: RedisState): void {
    if (stats.state === next || stats.state === 'closed') return;
    const prev = stats.state;
    stats.state = next;
    const log = next === 'down' ? opts.logger.warn : opts.logger.info;
    log(`redis ${prev} -> ${next}`, { target, mode: conn.mode, ...(stats.masters.length ? { master: stats.masters.join(',') } : {}) });
    if (next === 'ready') for (const w of [...waiters]) w();
    opts.onState?.(next);
  }

  client.on('ready', () => {
    noteMasters();
    setState('ready');
  });
  // Cluster: the slot map was refreshed or a node came or went (a replica promoted).
  for (const ev of ['refresh', '+node', '-node']) client.on(ev, () => noteMasters());
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

  /** GET + PTTL per key, one pipeline per hash-slot group (a cluster pipeline must stay in one slot). */
  async function readWithTtl(keys: string[]): Promise<Array<{ key: string; value: string; ttlMs: number }>> {
    const groups = new Map<string, string[]>();
    for (const k of keys) {
      const g = conn.mode === 'cluster' ? slotGroup(k) : '';
      const list = groups.get(g);
      if (list) list.push(k);
      else groups.set(g, [k]);
    }
    const out: Array<{ key: string; value: string; ttlMs: number }> = [];
    await Promise.all(
      [...groups.values()].map(async (group) => {
        const p = client.pipeline();
        for (const k of group) p.get(full(k)).pttl(full(k));
        const res = (await timed(p.exec()).catch(() => null)) ?? [];
        group.forEach((k, i) => {
          const value = res[i * 2]?.[1];
          const ttl = res[i * 2 + 1]?.[1];
          if (typeof value === 'string' && typeof ttl === 'number' && ttl > 0) out.push({ key: k, value, ttlMs: ttl });
        });
      }),
    );
    return out;
  }

  const missOnError = (err: unknown): undefined => {
    failed(err);
    return undefined;
  };

  return {
    // Not async: on the Redis-hit path one promise (the catch) is all it adds to ioredis'.
    get(key) {
      if (stats.state !== 'ready') {
        stats.skipped++;
        return Promise.resolve(undefined);
      }
      try {
        return timed(client.get(full(key))).catch(missOnError);
      } catch (err) {
        return Promise.resolve(missOnError(err));
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
          const w = boundedWrite(key);
          await timed((client as BoundedClient).claudiaBoundedSet(full(key), full(w.index), value, px, nowMs, w.max));
        } else {
          await timed(client.set(full(key), value, 'PX', px));
        }
        return true;
      } catch (err) {
        failed(err);
        return false;
      }
    },
    async del(key) {
      if (stats.state !== 'ready') return;
      await timed(client.del(full(key))).catch(failed);
    },
    async scanAll(match, max) {
      const out: Array<{ key: string; value: string; ttlMs: number }> = [];
      if (stats.state !== 'ready') return out;
      // Every master of a cluster holds its own share of the keys; single/sentinel: one.
      for (const node of scanTargets(client)) {
        let cursor = '0';
        do {
          const [next, keys] = await timed(node.scan(cursor, 'MATCH', `${keyPrefix}${match}*`, 'COUNT', 500));
          cursor = next;
          const bare = keys.map((k) => (k.startsWith(keyPrefix) ? k.slice(keyPrefix.length) : k)).slice(0, max - out.length);
          if (bare.length === 0) continue;
          out.push(...(await readWithTtl(bare)));
        } while (cursor !== '0' && out.length < max);
        if (out.length >= max) break;
      }
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
    stats: () => {
      // The pool changes without an event of its own when a dead node's connection ends.
      if (stats.state === 'ready') noteMasters();
      return { ...stats, masters: [...stats.masters] };
    },
    async close() {
      setState('closed');
      waiters.clear();
      try {
        await timed(client.quit());
      } catch {
        client.disconnect();
      }
    },
  };
}

/** Rejects with a timeout error once `ms` pass (the promise itself is left to settle). */
function withTimeout<T>(p: Promise<T>, ms: number, clock: Clock): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = clock.setTimeout(() => reject(new Error(`Command timed out after ${ms} ms`)), ms);
    p.then(
      (v) => {
        clock.clearTimeout(timer);
        resolve(v);
      },
      (err: unknown) => {
        clock.clearTimeout(timer);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}
