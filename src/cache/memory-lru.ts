import type { Clock } from '../util/clock';

/**
 * The memory tier: an LRU bounded by entry count and by (estimated) bytes, with a TTL per
 * entry. A Map keeps insertion order, so re-inserting on a hit makes "first" the least
 * recently used. Expired entries are dropped when touched and from the cold end on insert.
 */
export interface MemoryLru<V> {
  get(key: string): V | undefined;
  /** Like get, without refreshing recency (for checks that are not real uses). */
  peek(key: string): V | undefined;
  set(key: string, value: V, bytes: number, ttlMs: number): void;
  delete(key: string): boolean;
  size(): number;
  bytes(): number;
  clear(): void;
  keys(): IterableIterator<string>;
}

export type EvictReason = 'capacity' | 'expired' | 'replaced' | 'deleted';

interface Slot<V> {
  value: V;
  bytes: number;
  expiresAt: number;
}

export function createMemoryLru<V>(deps: {
  clock: Clock;
  maxEntries: number;
  maxBytes: number;
  onEvict?: (key: string, reason: EvictReason) => void;
}): MemoryLru<V> {
  const map = new Map<string, Slot<V>>();
  let bytes = 0;

  function drop(key: string, slot: Slot<V>, reason: EvictReason): void {
    map.delete(key);
    bytes -= slot.bytes;
    deps.onEvict?.(key, reason);
  }

  function live(key: string): Slot<V> | undefined {
    const slot = map.get(key);
    if (!slot) return undefined;
    if (slot.expiresAt <= deps.clock.now()) {
      drop(key, slot, 'expired');
      return undefined;
    }
    return slot;
  }

  return {
    get(key) {
      const slot = live(key);
      if (!slot) return undefined;
      map.delete(key);
      map.set(key, slot);
      return slot.value;
    },
    peek: (key) => live(key)?.value,
    set(key, value, size, ttlMs) {
      const old = map.get(key);
      if (old) drop(key, old, 'replaced');
      // One entry larger than the whole budget is not kept at all.
      if (size > deps.maxBytes) return;
      map.set(key, { value, bytes: size, expiresAt: deps.clock.now() + ttlMs });
      bytes += size;
      const now = deps.clock.now();
      for (const [k, s] of map) {
        if (map.size <= deps.maxEntries && bytes <= deps.maxBytes && s.expiresAt > now) break;
        if (k === key && map.size === 1) break;
        drop(k, s, s.expiresAt <= now ? 'expired' : 'capacity');
      }
    },
    delete(key) {
      const slot = map.get(key);
      if (!slot) return false;
      drop(key, slot, 'deleted');
      return true;
    },
    size: () => map.size,
    bytes: () => bytes,
    clear() {
      for (const [k, s] of [...map]) drop(k, s, 'deleted');
    },
    keys: () => map.keys(),
  };
}
