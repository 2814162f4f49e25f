import { sameVerb } from './ja-verb';
import type { GuardName, MatchFeatures, PairVerdict, SkeletonToken } from './types';

/**
 * Decides whether the cached answer for `cached` may serve `query`. The score is the Dice
 * coefficient of the skeletons' character bigrams (1 = same skeleton); it must reach the
 * threshold, and then every guard must pass, in this order (the first that fires is
 * reported): language, negation, question, direction, number, speed, action, entity, topic.
 * `topic` is the final word: the skeletons must be the same content, token for token.
 */
export function judgePair(query: MatchFeatures, cached: MatchFeatures, threshold: number): PairVerdict {
  // The same command said another way (the grammar reads both as one action with the same
  // parameters and speed): the language, negation, question, number and speed guards still hold.
  if (query.intent !== undefined && query.intent === cached.intent) {
    const guard = firstGuard(query, cached, true);
    return guard ? { score: 1, guard, hit: false } : { score: 1, hit: true };
  }
  const score = dice(query.grams, cached.grams);
  const guard = firstGuard(query, cached);
  if (guard) return { score, guard, hit: false };
  if (score < threshold) return { score, guard: 'threshold', hit: false };
  return { score, hit: true };
}

export function firstGuard(q: MatchFeatures, c: MatchFeatures, sameIntent = false): GuardName | undefined {
  if (!q.languageCertain || !c.languageCertain) {
    // Kanji-only text cannot tell ja from zh: only the same normalised text may hit.
    if (q.normalised !== c.normalised) return 'language_uncertain';
  } else if (q.language !== c.language) return 'language';
  if (q.negation !== c.negation) return 'negation';
  // A question about an action never gets the action's answer, nor the reverse (like negation).
  if (q.question !== c.question) return 'question';
  // One intent already says which action, which way and how far (its parameters); for whom and
  // when do not change it: its synonyms (起立 = 站起来, "get down" = "lie down", バク転 = 後ろに宙返り,
  // "jump now" = "jump", 一米五 = 1.5米) share it. A degree word without a number it does not carry.
  if (!sameIntent && q.directions !== c.directions) return 'direction';
  if (sameIntent ? q.amounts !== c.amounts : q.quantities !== c.quantities) return 'number';
  if (q.speed !== c.speed) return 'speed';
  if (sameIntent) return undefined;
  if (q.actions !== c.actions) return 'action';
  if (q.entities !== c.entities) return 'entity';
  // Nothing left after stripping ("ね" alone): only the same text may hit.
  if (q.skeleton.length === 0 || c.skeleton.length === 0) return q.normalised === c.normalised ? undefined : 'topic';
  if (!sameSkeleton(q.skeleton, c.skeleton)) return 'topic';
  return undefined;
}

export function sameSkeleton(a: SkeletonToken[], b: SkeletonToken[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as SkeletonToken;
    const y = b[i] as SkeletonToken;
    if (x.kind === 'lit' && y.kind === 'lit') {
      if (x.text !== y.text) return false;
    } else if (x.kind === 'verb' && y.kind === 'verb') {
      if (!sameVerb(x, y)) return false;
    } else return false;
  }
  return true;
}

/** Dice coefficient of two sorted, de-duplicated bigram lists (a merge: no allocation). */
export function dice(a: string[], b: string[]): number {
  if (a.length === 0 && b.length === 0) return 1;
  if (a.length === 0 || b.length === 0) return 0;
  let i = 0;
  let j = 0;
  let common = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as string;
    const y = b[j] as string;
    if (x === y) {
      common++;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return (2 * common) / (a.length + b.length);
}
