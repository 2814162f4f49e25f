import { analyse } from '../../lang';
import { BadInputError } from '../../util/errors';
import type { Analysers } from './features';
import { createSemanticIndex } from './semantic-index';
import type { GuardName } from './types';

/** One line of a pairs file (format of data/pairs.dev.jsonl). */
export interface Pair {
  a: string;
  b: string;
  same: boolean;
  kind: string;
  lang?: string;
}

export interface PairOutcome {
  pair: Pair;
  hit: boolean;
  score: number;
  guard?: GuardName;
}

export interface KindCounts {
  pairs: number;
  same: number;
  different: number;
  hits_on_same: number;
  hit_rate: number | null;
  false_hits: number;
  false_hit_rate: number | null;
}

export interface PairSummary extends KindCounts {
  by_kind: Record<string, KindCounts>;
}

/** Parses a pairs file; a bad line is an error naming the line and what to fix. */
export function parsePairs(text: string, where = 'pairs file'): Pair[] {
  const out: Pair[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      throw new BadInputError(`${where}:${i + 1}: not valid JSON; each line must be one object like {"a":"座って","b":"座ってね","same":true,"kind":"politeness"}`);
    }
    const o = v as Record<string, unknown>;
    if (typeof o !== 'object' || o === null || typeof o['a'] !== 'string' || typeof o['b'] !== 'string' || typeof o['same'] !== 'boolean') {
      throw new BadInputError(`${where}:${i + 1}: needs string fields "a" and "b" and a boolean "same"`);
    }
    out.push({ a: o['a'], b: o['b'], same: o['same'], kind: typeof o['kind'] === 'string' ? o['kind'] : 'unknown', lang: typeof o['lang'] === 'string' ? o['lang'] : undefined });
  });
  return out;
}

/**
 * For each pair, a fresh semantic index holds `a`; `b` is looked up. The pair's `lang`
 * (ja/zh/en) is passed as the language hint, as the recogniser's language field would be,
 * unless `useHint` is false ('mixed' never is a hint).
 */
export function evaluatePairs(pairs: Pair[], deps: { analysers: Analysers; threshold: number; useHint?: boolean; maxInputChars?: number }): PairOutcome[] {
  return pairs.map((pair) => {
    const hint = deps.useHint !== false && (pair.lang === 'ja' || pair.lang === 'zh' || pair.lang === 'en') ? pair.lang : '';
    const index = createSemanticIndex<true>({ analysers: deps.analysers, threshold: deps.threshold });
    index.add('a', analyse(pair.a, hint, deps.maxInputChars), true);
    const m = index.lookup(analyse(pair.b, hint, deps.maxInputChars));
    return { pair, hit: m.hit, score: m.score, guard: m.guard };
  });
}

export function summarisePairs(outcomes: PairOutcome[]): PairSummary {
  const by: Record<string, PairOutcome[]> = {};
  for (const o of outcomes) (by[o.pair.kind] ??= []).push(o);
  const by_kind: Record<string, KindCounts> = {};
  for (const [k, list] of Object.entries(by).sort(([x], [y]) => x.localeCompare(y))) by_kind[k] = counts(list);
  return { ...counts(outcomes), by_kind };
}

function counts(list: PairOutcome[]): KindCounts {
  const same = list.filter((o) => o.pair.same);
  const different = list.filter((o) => !o.pair.same);
  const hits = same.filter((o) => o.hit).length;
  const falseHits = different.filter((o) => o.hit).length;
  return {
    pairs: list.length,
    same: same.length,
    different: different.length,
    hits_on_same: hits,
    hit_rate: same.length ? round(hits / same.length) : null,
    false_hits: falseHits,
    false_hit_rate: different.length ? round(falseHits / different.length) : null,
  };
}

function round(x: number): number {
  return Math.round(x * 10000) / 10000;
}
