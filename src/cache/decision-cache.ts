import type { Config } from '../config/types';
import type { Analysed } from '../lang/types';
import type { CacheLookup, DecisionCache } from '../pipeline/stages';
import type { Decision, Request } from '../pipeline/types';
import type { Clock } from '../util/clock';
import type { Logger } from '../util/logger';
import { excerpt } from '../util/logger';
import type { ComponentStatus, StatusSource, Telemetry } from '../util/telemetry';
import { decodeEntry, encodeEntry, entryBytes, type CacheEntry } from './cache-entry';
import { exactKey, versionTag } from './cache-key';
import { isVolatileQuestion, refuseToStore } from './cache-policy';
import { createMemoryLru } from './memory-lru';
import { redisTopology } from './redis-connection';
import { createRedisTier, type RedisTier } from './redis-tier';
import { createSlicedQueue } from './sliced-queue';
import { createAnalysers } from './semantic/analysers';
import type { Analysers } from './semantic/features';
import { createKuromojiAnalyser, loadKuromojiTokenizer } from './semantic/kuromoji-analyser';
import { createSemanticIndex } from './semantic/semantic-index';

/**
 * Read-throughs join the semantic index off the request path, one slice per event-loop turn:
 * a slice starts at most INDEX_SLICE entries and stops once INDEX_SLICE_MS have gone by. An
 * entry's indexing (60-250 µs) comes in steps of 10-50 µs with the budget checked after
 * each, so a Redis reply waits behind about one loopback round trip of it at most. Under a
 * sustained stream of read-throughs the budget grows with the backlog beyond INDEX_BACKLOG
 * (up to INDEX_SLICE_MAX_MS), so indexing keeps up instead of piling up for a later drain.
 */
const INDEX_SLICE = 4;
const INDEX_SLICE_MS = 0.02;
const INDEX_BACKLOG = 16;
const INDEX_SLICE_MAX_MS = 0.2;

/** The app's cache: memory LRU -> Redis -> guarded semantic matching, configured from `cache.*`. */
export function createDecisionCache(deps: Omit<DecisionCacheDeps, 'analysers'>): TieredDecisionCache {
  return createTieredDecisionCache({ ...deps, analysers: createAnalysers() });
}

export interface DecisionCacheDeps {
  config: Config;
  /** Catalogue hash + model + prompt-template version: part of every key. */
  version: string;
  clock: Clock;
  logger: Logger;
  telemetry?: Telemetry;
  /** The per-language analysers of the semantic tier (built by index.ts). */
  analysers: Analysers;
  /** Read-throughs indexed per slice (INDEX_SLICE); for tests at its edges. */
  indexSlice?: number;
}

export interface TieredDecisionCache extends DecisionCache, StatusSource {
  /** Loads the memory tier (and semantic index) from Redis; returns the number of entries loaded. */
  warm(): Promise<number>;
  /** Waits for background work (write-behind Redis writes, an analyser loading); for tests and shutdown. */
  flush(): Promise<void>;
}

/**
 * L2 + L3: memory LRU -> Redis (read-through, write-behind) -> guarded semantic index over
 * the memory tier. Served decisions carry source 'cache' or 'semantic_cache', are marked
 * not cacheable (they are stored already) and go through the safety compiler again in the
 * pipeline like any other decision.
 */
export function createTieredDecisionCache(deps: DecisionCacheDeps): TieredDecisionCache {
  const { config, clock, logger, telemetry } = deps;
  const c = config.cache;
  const tag = versionTag(deps.version);
  const ttlMs = c.ttl_s * 1000;
  const clusterTags = c.redis_enabled && c.redis_mode === 'cluster';
  const counters = { lookups: 0, memoryHits: 0, redisHits: 0, semanticHits: 0, misses: 0, stores: 0, refused: 0, corrupt: 0, evictions: 0 };
  const index = createSemanticIndex<true>({ analysers: deps.analysers, threshold: c.semantic_threshold });
  const memory = createMemoryLru<CacheEntry>({
    clock,
    maxEntries: c.memory_max_entries,
    maxBytes: c.memory_max_bytes,
    onEvict: (key, reason) => {
      toIndex.delete(key);
      index.remove(key);
      if (reason === 'capacity') counters.evictions++;
    },
  });
  const redis: RedisTier | undefined = c.redis_enabled
    ? createRedisTier({
        url: c.redis_url,
        keyPrefix: c.redis_key_prefix,
        commandTimeoutMs: c.redis_command_timeout_ms,
        connectTimeoutMs: c.redis_connect_timeout_ms,
        topology: redisTopology(c),
        clock,
        logger,
        // What this node writes is bounded; the index name never matches the entries' SCAN pattern.
        maxEntries: c.redis_max_entries,
        indexKey: `_index:${config.node.namespace}/${config.node.name}`,
      })
    : undefined;
  const pending = new Set<Promise<unknown>>();
  let japanese: 'light' | 'kuromoji' | 'kuromoji_loading' | 'kuromoji_failed' = 'light';
  if (c.semantic_enabled && config.language.japanese_analyser === 'kuromoji') {
    // Loaded on demand, off the request path: the light analyser answers until it is ready,
    // then every entry is re-analysed so old and new entries compare alike.
    japanese = 'kuromoji_loading';
    const t0 = clock.now();
    background(
      loadKuromojiTokenizer().then(
        (tokenizer) => {
          // No read-through half analysed by the light analyser may go in after the rebuild.
          toIndex.drain();
          deps.analysers.ja = createKuromojiAnalyser(tokenizer);
          return index.rebuild().then(() => {
            japanese = 'kuromoji';
            logger.info('kuromoji Japanese analyser loaded', { load_ms: Math.round(clock.now() - t0), rss_mb: Math.round(process.memoryUsage().rss / 1048576) });
          });
        },
        (err: unknown) => {
          japanese = 'kuromoji_failed';
          logger.warn('kuromoji failed to load; keeping the light Japanese analyser', { error: (err as Error).message });
        },
      ),
    );
  }

  /**
   * Redis read-throughs waiting to join the semantic index. Indexing one costs 60-250 µs of
   * feature extraction, too much to add to the lookup that read it (the caller is waiting)
   * or to drain in bulk inside a later one (256 at once cost 10-60 ms). So they are indexed
   * off the request path in slices, one per event-loop turn; a semantic lookup or a flush,
   * which needs the whole index, drains what is left first. An entry evicted from memory
   * leaves the queue too, so the queue never holds more than the memory tier.
   */
  const toIndex = createSlicedQueue<CacheEntry>({
    slice: deps.indexSlice ?? INDEX_SLICE,
    sliceMs: INDEX_SLICE_MS,
    backlog: INDEX_BACKLOG,
    maxSliceMs: INDEX_SLICE_MAX_MS,
    // Only what memory still holds goes in (asked again once the features are ready).
    handle: (key, entry) => {
      const wanted = () => memory.peek(key) === entry;
      return wanted() ? index.addInSteps(key, analysedOf(entry), true, wanted) : undefined;
    },
  });
  const drainIndex = () => toIndex.drain();

  function remember(key: string, entry: CacheEntry, json: string, ttl: number, deferIndex = false): void {
    memory.set(key, entry, entryBytes(entry, json), ttl);
    if (!c.semantic_enabled) return;
    if (!deferIndex) {
      index.add(key, analysedOf(entry), true);
      return;
    }
    // On a Redis read-through the caller is waiting: the entry is indexed in a later slice.
    toIndex.add(key, entry);
  }

  function serve(entry: CacheEntry, tier: 'memory' | 'redis' | 'semantic', score: number): CacheLookup {
    const decision: Decision = {
      actions: entry.actions.map((p) => ({ ...p, ...(p.params ? { params: { ...p.params } } : {}) })),
      reply: entry.reply,
      language: entry.language,
      source: tier === 'semantic' ? 'semantic_cache' : 'cache',
      cacheable: false,
      detail: { cacheTier: tier, score },
    };
    return { decision, tier, score };
  }

  function background(p: Promise<unknown>): void {
    pending.add(p);
    void p.finally(() => pending.delete(p));
  }

  async function lookup(req: Request): Promise<CacheLookup> {
    const a = req.analysed;
    if (!c.enabled || !a.normalised || isVolatileQuestion(a)) return {};
    counters.lookups++;
    const key = exactKey(tag, a, req.promptType, clusterTags);
    const mem = memory.get(key);
    if (mem && mem.text === a.normalised) {
      counters.memoryHits++;
      telemetry?.emit({ type: 'cache_lookup', tier: 'memory', hit: true, score: 1 });
      return serve(mem, 'memory', 1);
    }
    telemetry?.emit({ type: 'cache_lookup', tier: 'memory', hit: false });
    // The one await; what comes after it is synchronous (and kept out of this function, so
    // the state an awaiting lookup holds on the heap stays small).
    const hit = redis ? fromRedis(redis, key, a.normalised, await redis.get(key)) : undefined;
    return hit ?? semanticLookup(req);
  }

  /** A Redis answer for `text` (served and copied into memory), or undefined: missing, corrupted or another utterance's. */
  function fromRedis(tier: RedisTier, key: string, text: string, raw: string | null | undefined): CacheLookup | undefined {
    if (typeof raw === 'string') {
      const entry = decodeEntry(raw);
      if (entry && entry.text === text) {
        counters.redisHits++;
        remember(key, entry, raw, ttlMs, true);
        telemetry?.emit({ type: 'cache_lookup', tier: 'redis', hit: true, score: 1 });
        return serve(entry, 'redis', 1);
      }
      if (!entry) {
        // Corrupted or from an incompatible writer: ignore it; the next store replaces it.
        counters.corrupt++;
        logger.warn('ignoring a corrupted cache value in Redis', { key });
        background(tier.del(key));
      }
    }
    telemetry?.emit({ type: 'cache_lookup', tier: 'redis', hit: false });
    return undefined;
  }

  function semanticLookup(req: Request): CacheLookup {
    const a = req.analysed;
    if (c.semantic_enabled) drainIndex();
    if (c.semantic_enabled && index.size() > 0) {
      const m = index.lookup(a);
      if (m.hit && m.id) {
        const entry = memory.get(m.id);
        if (entry && entry.pt !== req.promptType) {
          counters.misses++;
          telemetry?.emit({ type: 'cache_lookup', tier: 'semantic', hit: false, score: m.score, guard: 'prompt_type' });
          return { score: m.score, guard: 'prompt_type' };
        }
        if (entry) {
          counters.semanticHits++;
          telemetry?.emit({ type: 'cache_lookup', tier: 'semantic', hit: true, score: m.score });
          return serve(entry, 'semantic', m.score);
        }
        index.remove(m.id);
      }
      counters.misses++;
      telemetry?.emit({ type: 'cache_lookup', tier: 'semantic', hit: false, score: m.score, ...(m.guard ? { guard: m.guard } : {}) });
      return { score: m.score, ...(m.guard ? { guard: m.guard } : {}) };
    }
    counters.misses++;
    return {};
  }

  async function store(req: Request, decision: Decision): Promise<void> {
    const a = req.analysed;
    if (!c.enabled) return;
    const refused = refuseToStore(a, decision);
    if (refused) {
      counters.refused++;
      logger.debug('not caching decision', { reason: refused, text: excerpt(a.normalised) });
      return;
    }
    const entry: CacheEntry = {
      v: 1,
      text: a.normalised,
      lang: a.language,
      certain: a.languageCertain,
      pt: req.promptType,
      actions: decision.actions.map((p) => ({ name: p.name, ...(p.params ? { params: { ...p.params } } : {}) })),
      reply: decision.reply,
      language: decision.language,
      at: Number(clock.wallNs() / 1_000_000n),
    };
    const key = exactKey(tag, a, req.promptType, clusterTags);
    const json = encodeEntry(entry);
    remember(key, entry, json, ttlMs);
    counters.stores++;
    telemetry?.emit({ type: 'cache_store', tier: 'memory' });
    if (redis) {
      // Write-behind: the request does not wait for Redis.
      background(
        redis.set(key, json, ttlMs).then((ok) => {
          if (ok) telemetry?.emit({ type: 'cache_store', tier: 'redis' });
        }),
      );
    }
  }

  async function warm(): Promise<number> {
    if (!redis || !c.enabled) return 0;
    if (!(await redis.whenReady(c.redis_connect_timeout_ms))) {
      logger.warn('redis not ready; starting with a cold memory cache');
      return 0;
    }
    const found = await redis.scanAll(`${tag}:`, c.redis_warm_max);
    let loaded = 0;
    for (const [i, { key, value, ttlMs: left }] of found.entries()) {
      // Indexing 10k entries takes ~1 s of CPU: yield often so requests (and a stop) go first.
      if (i > 0 && i % 200 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
      const entry = decodeEntry(value);
      if (!entry) {
        counters.corrupt++;
        continue;
      }
      remember(key, entry, value, Math.min(left, ttlMs));
      loaded++;
    }
    logger.info('cache warmed from redis', { loaded, scanned: found.length });
    return loaded;
  }

  // Not draining the index here: /healthz and a metrics scrape stay cheap on the event loop.
  function status(): ComponentStatus {
    const r = redis?.stats();
    const redisDown = r !== undefined && r.state !== 'ready';
    const level = !c.enabled ? 'ok' : redisDown ? 'warn' : 'ok';
    // /healthz shows only the message: it names the mode, the master(s) and the failovers seen.
    const where = r ? ` (${r.mode}${r.masters.length ? `, master ${r.masters.join(' ')}` : ''}, ${r.failovers} failover${r.failovers === 1 ? '' : 's'})` : '';
    const message = !c.enabled ? 'cache disabled' : redisDown ? `redis ${r.state}: serving from memory${where}` : r ? `memory + redis${where}` : 'memory only';
    return {
      level,
      message,
      values: {
        entries: memory.size(),
        bytes: memory.bytes(),
        semantic_entries: index.size(),
        semantic_pending: toIndex.size(),
        lookups: counters.lookups,
        memory_hits: counters.memoryHits,
        redis_hits: counters.redisHits,
        semantic_hits: counters.semanticHits,
        misses: counters.misses,
        stores: counters.stores,
        refused: counters.refused,
        evictions: counters.evictions,
        corrupt_values: counters.corrupt,
        japanese_analyser: japanese,
        redis: r ? r.state : 'disabled',
        ...(r ? { redis_connected: r.state === 'ready' } : {}),
        redis_errors: r?.errors ?? 0,
        redis_timeouts: r?.timeouts ?? 0,
        redis_skipped: r?.skipped ?? 0,
        redis_reconnects: r?.reconnects ?? 0,
        ...(r ? { redis_mode: r.mode, redis_master: r.masters.join(','), redis_failovers: r.failovers } : {}),
      },
    };
  }

  return {
    component: 'cache',
    lookup,
    store,
    warm,
    status,
    async flush() {
      drainIndex();
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
    async close() {
      toIndex.close();
      await Promise.allSettled([...pending]);
      await redis?.close();
    },
  };
}

function analysedOf(e: CacheEntry): Analysed {
  return { raw: e.text, normalised: e.text, language: e.lang, languageCertain: e.certain };
}
