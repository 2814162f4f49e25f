import type { Analysed } from '../../lang/types';
import { extractFeatures, featureSteps, type Analysers } from './features';
import { judgePair } from './pair-guard';
import type { GuardName, MatchFeatures } from './types';

/**
 * L3: guarded semantic lookup over many cached utterances. Two indexes keep a lookup far
 * below a millisecond at 10k entries: an exact map on the skeleton key (where real hits
 * live) and a character-bigram inverted index that finds the nearest misses, so every
 * lookup can report the best candidate's score and the guard that refused it. Bigrams
 * carried by very many entries (って, ください) are skipped when rarer ones exist.
 */
export interface SemanticMatch<V> {
  hit: boolean;
  /** The entry that hit (or, on a miss, the best candidate that a guard refused). */
  id?: string;
  value?: V;
  /** Score of the hit or of the best candidate; 0 when there was no candidate at all. */
  score: number;
  guard?: GuardName;
  candidates: number;
}

export interface SemanticIndex<V> {
  add(id: string, analysed: Analysed, value: V): void;
  /**
   * add() in steps (see featureSteps), for work off the request path; `stillWanted` is asked
   * before the entry goes in, as it may have been evicted meanwhile.
   */
  addInSteps(id: string, analysed: Analysed, value: V, stillWanted: () => boolean): Generator<void, void, void>;
  remove(id: string): void;
  lookup(analysed: Analysed): SemanticMatch<V>;
  features(analysed: Analysed): MatchFeatures;
  size(): number;
  clear(): void;
  /**
   * Recomputes every entry's features (after the Japanese analyser changed), yielding to
   * the event loop every `batch` entries so a stop is never stuck behind it. Lookups in
   * between may miss (old and new skeletons differ), never hit wrongly.
   */
  rebuild(batch?: number): Promise<void>;
}

interface Slot<V> {
  id: string;
  analysed: Analysed;
  features: MatchFeatures;
  value: V;
}

/** Prefix of the second key: what the grammar reads the utterance as (never a skeleton key). */
const INTENT = '\u0002';

export function createSemanticIndex<V>(deps: {
  analysers: Analysers;
  threshold: number;
  /** Near-miss candidates scored per lookup (for the reported score/guard). */
  nearCandidates?: number;
  /** Postings longer than this are skipped when the query has rarer bigrams. */
  maxPosting?: number;
}): SemanticIndex<V> {
  const near = deps.nearCandidates ?? 4;
  const maxPosting = deps.maxPosting ?? 256;
  const slots: Array<Slot<V> | undefined> = [];
  const free: number[] = [];
  const byId = new Map<string, number>();
  const byKey = new Map<string, Set<number>>();
  const postings = new Map<string, Set<number>>();

  function features(analysed: Analysed): MatchFeatures {
    return extractFeatures(analysed, deps.analysers);
  }

  function remove(id: string): void {
    const n = byId.get(id);
    if (n === undefined) return;
    const slot = slots[n] as Slot<V>;
    byId.delete(id);
    unlink(byKey, slot.features.key, n);
    if (slot.features.intent) unlink(byKey, INTENT + slot.features.intent, n);
    for (const g of slot.features.grams) unlink(postings, g, n);
    slots[n] = undefined;
    free.push(n);
  }

  function add(id: string, analysed: Analysed, value: V): void {
    insert(id, analysed, features(analysed), value);
  }

  function* addInSteps(id: string, analysed: Analysed, value: V, stillWanted: () => boolean): Generator<void, void, void> {
    const f = yield* featureSteps(analysed, deps.analysers);
    yield;
    if (stillWanted()) insert(id, analysed, f, value);
  }

  function insert(id: string, analysed: Analysed, f: MatchFeatures, value: V): void {
    remove(id);
    const n = free.pop() ?? slots.length;
    slots[n] = { id, analysed, features: f, value };
    byId.set(id, n);
    link(byKey, f.key, n);
    if (f.intent) link(byKey, INTENT + f.intent, n);
    for (const g of f.grams) link(postings, g, n);
  }

  // Reused across lookups so the candidate count allocates nothing per lookup (GC pauses
  // would otherwise dominate the p99 of a sub-millisecond lookup).
  let counts = new Uint16Array(1024);
  const touched: number[] = [];
  const top: number[] = [];

  function nearest(f: MatchFeatures, exclude: Set<number> | undefined): number[] {
    if (counts.length < slots.length) {
      const grown = new Uint16Array(Math.max(slots.length, counts.length * 2));
      grown.set(counts);
      counts = grown;
    }
    let smallest: Set<number> | undefined;
    let rare = 0;
    for (const g of f.grams) {
      const p = postings.get(g);
      if (!p) continue;
      if (p.size <= maxPosting) rare++;
      if (!smallest || p.size < smallest.size) smallest = p;
    }
    if (!smallest) return [];
    touched.length = 0;
    const count = (p: Set<number>) => {
      let visited = 0;
      for (const n of p) {
        if (++visited > maxPosting) break;
        if (exclude?.has(n)) continue;
        if (counts[n] === 0) touched.push(n);
        counts[n] = (counts[n] as number) + 1;
      }
    };
    if (rare > 0) {
      for (const g of f.grams) {
        const p = postings.get(g);
        if (p && p.size <= maxPosting) count(p);
      }
    } else count(smallest);
    // Top `near` by count, in one pass.
    top.length = 0;
    for (const n of touched) {
      const c = counts[n] as number;
      let i = top.length;
      while (i > 0 && (counts[top[i - 1] as number] as number) < c) i--;
      if (i < near) {
        top.splice(i, 0, n);
        if (top.length > near) top.pop();
      }
    }
    for (const n of touched) counts[n] = 0;
    return top.slice();
  }

  function lookup(analysed: Analysed): SemanticMatch<V> {
    const f = features(analysed);
    let best: SemanticMatch<V> = { hit: false, score: 0, candidates: 0 };
    const consider = (n: number): boolean => {
      const slot = slots[n];
      if (!slot) return false;
      best.candidates++;
      const v = judgePair(f, slot.features, deps.threshold);
      if (v.hit) {
        best = { hit: true, id: slot.id, value: slot.value, score: v.score, candidates: best.candidates };
        return true;
      }
      if (best.id === undefined || v.score > best.score) {
        best = { hit: false, id: slot.id, value: slot.value, score: v.score, guard: v.guard, candidates: best.candidates };
      }
      return false;
    };
    const exact = byKey.get(f.key);
    if (exact) for (const n of exact) if (consider(n)) return best;
    const sameIntent = f.intent ? byKey.get(INTENT + f.intent) : undefined;
    if (sameIntent) for (const n of sameIntent) if (consider(n)) return best;
    // A small index (eval pairs holds one entry) is scored in full, so a score is always reported.
    const rest = byId.size <= near ? [...byId.values()].filter((n) => !exact?.has(n)) : nearest(f, exact);
    for (const n of rest) consider(n);
    return best;
  }

  return {
    add,
    addInSteps,
    remove,
    lookup,
    features,
    size: () => byId.size,
    async rebuild(batch = 200) {
      const all = slots.filter((x): x is Slot<V> => x !== undefined);
      for (const [i, x] of all.entries()) {
        // Re-add only what is still there (removed or replaced meanwhile: leave it).
        const n = byId.get(x.id);
        if (n !== undefined && slots[n] === x) add(x.id, x.analysed, x.value);
        if ((i + 1) % batch === 0) await yieldToLoop();
      }
    },
    clear() {
      slots.length = 0;
      free.length = 0;
      byId.clear();
      byKey.clear();
      postings.clear();
    },
  };
}

function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function link(map: Map<string, Set<number>>, k: string, n: number): void {
  let s = map.get(k);
  if (!s) map.set(k, (s = new Set()));
  s.add(n);
}

function unlink(map: Map<string, Set<number>>, k: string, n: number): void {
  const s = map.get(k);
  if (!s) return;
  s.delete(n);
  if (s.size === 0) map.delete(k);
}
