export { createDecisionCache, createTieredDecisionCache, type TieredDecisionCache, type DecisionCacheDeps } from './decision-cache';
export { createMemoryLru, type MemoryLru, type EvictReason } from './memory-lru';
export { createRedisTier, reconnectDelay, type RedisTier, type RedisState } from './redis-tier';
export { exactKey, versionTag } from './cache-key';
export { isVolatileQuestion, refuseToStore } from './cache-policy';
export { decodeEntry, encodeEntry, type CacheEntry } from './cache-entry';
export * from './semantic';
