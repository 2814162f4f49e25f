import type { CacheLookup, DecisionCache } from '../../src/pipeline/stages';
import type { Decision, Request } from '../../src/pipeline/types';

/**
 * The seed system's cache: exact repeats only. The key is the utterance as heard
 * (trimmed) plus its language, so "座って" and "座って！" are two different entries, as
 * they were in the seed. Memory only (the seed had no Redis tier), bounded in entries.
 */
export function createSeedExactCache(opts: { maxEntries?: number } = {}): DecisionCache & { size(): number } {
  const max = opts.maxEntries ?? 10_000;
  const map = new Map<string, Decision>();
  const keyOf = (req: Request) => `${req.analysed.language}\u0000${req.analysed.raw.trim()}`;
  return {
    lookup(req: Request): Promise<CacheLookup> {
      const d = map.get(keyOf(req));
      if (!d) return Promise.resolve({});
      return Promise.resolve({ decision: { ...d, source: 'cache', detail: { ...d.detail, cacheTier: 'memory', score: 1 } }, tier: 'memory', score: 1 });
    },
    store(req: Request, decision: Decision): Promise<void> {
      const k = keyOf(req);
      map.delete(k);
      map.set(k, decision);
      if (map.size > max) map.delete(map.keys().next().value as string);
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
    size: () => map.size,
  };
}
