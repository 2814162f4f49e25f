import { isAbilityQuestion } from '../../lang/question';
import type { Analysed, Language } from '../../lang/types';
import { ALL_LEXICONS, lexiconFor, type Lexicon } from './guard-lexicon';
import { katakanaToHiragana } from './kana';
import { foldIntent } from './intent-fold';
import { extractQuantities } from './quantities';
import { readAs } from './read-as';
import { isMixed } from '../../reflex/code-switch';
import type { LanguageAnalyser, MatchFeatures, SkeletonToken } from './types';

export interface Analysers {
  ja: LanguageAnalyser;
  zh: LanguageAnalyser;
  en: LanguageAnalyser;
}

/** Builds the match features of one utterance: skeleton, index key, bigrams, guard features. */
export function extractFeatures(utterance: Analysed, analysers: Analysers): MatchFeatures {
  const steps = featureSteps(utterance, analysers);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * extractFeatures in steps of 10-50 µs (it takes 60-250 µs in all), for work done off the
 * request path one step per event-loop turn: no step holds up a Redis reply for longer than
 * a loopback round trip. Each `yield` is a point where the caller may pause.
 */
export function* featureSteps(utterance: Analysed, analysers: Analysers): Generator<void, MatchFeatures, void> {
  const analysed = readAs(utterance);
  const language = analysed.language;
  const analyser = language === '' ? undefined : analysers[language];
  const stripped = analyser ? analyser.strip(analysed.normalised) : analysed.normalised;
  yield;
  const skeleton: SkeletonToken[] = analyser ? analyser.skeleton(stripped) : [{ kind: 'lit', text: stripped }];
  const key = skeletonKey(skeleton);
  yield;
  const lexicons = lexiconFor(language);
  const lex = lexicons ? [lexicons] : ALL_LEXICONS;
  // Guards read kana-folded text (the Japanese lexicon is folded the same way); the
  // exclusions (名前, 坐下, sit down) only hide words that look like directions.
  const folded = katakanaToHiragana(stripped);
  const cleaned = lex.reduce((t, l) => t.replace(l.exclusions, ' '), folded);
  // A negation in any language counts in mixed text ("don't お座り").
  const negation = (isMixed(folded) ? ALL_LEXICONS : lex).reduce((n, l) => n + count(folded, l.negation), 0);
  const question = isAbilityQuestion(analysed.normalised);
  yield;
  // One known command, however it is said (synonyms, word order): a second key. Every guard
  // but the skeleton's token-for-token topic still reads the text's own words.
  const intent = negation === 0 && !question ? foldIntent(analysed.normalised, language, stripped.replace(/\s+/g, ' ').trim()) : undefined;
  yield;
  const directions = concepts(cleaned, lex, (l) => l.directions);
  const amounts = concepts(cleaned, lex, (l) => l.amounts);
  const quantities = [...extractQuantities(folded, language), ...amounts.split(',').filter(Boolean)].sort().join(',');
  yield;
  const speed = concepts(cleaned, lex, (l) => l.speed);
  const actions = concepts(folded, lex, (l) => l.actions, true);
  const entities = concepts(folded, lex, (l) => l.entities, true);
  return {
    language,
    languageCertain: analysed.languageCertain,
    normalised: analysed.normalised,
    skeleton,
    key,
    grams: bigrams(key),
    negation,
    question,
    directions,
    quantities,
    amounts,
    speed,
    actions,
    entities,
    ...(intent ? { intent } : {}),
  };
}

/** Verbs enter the key without their lemma set (compared separately), so 座って and 座り share a key. */
export function skeletonKey(tokens: SkeletonToken[]): string {
  return tokens.map((t) => (t.kind === 'lit' ? t.text : `${t.base}〈${t.form}〉`)).join('\u0001');
}

/** Sorted, de-duplicated character bigrams (sorted so dice() can intersect without allocating). */
export function bigrams(text: string): string[] {
  const chars = Array.from(text);
  if (chars.length < 2) return chars.length === 1 ? [chars[0] as string] : [];
  const out = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++) out.add((chars[i] as string) + (chars[i + 1] as string));
  return [...out].sort();
}

/**
 * Matches of a global regex, without matchAll (which clones the regex per call: with ~70
 * patterns per utterance that garbage dominated a lookup's allocations).
 */
function count(text: string, re: RegExp): number {
  let n = 0;
  re.lastIndex = 0;
  while (re.exec(text) !== null) {
    n++;
    if (re.lastIndex === 0) break;
  }
  re.lastIndex = 0;
  return n;
}

/** Sorted concept list; `unique` for concepts whose count does not matter (an entity named twice). */
function concepts(text: string, lex: Lexicon[], pick: (l: Lexicon) => Array<[RegExp, string]>, unique = false): string {
  const found: string[] = [];
  for (const l of lex) for (const [re, name] of pick(l)) for (let n = count(text, re); n > 0; n--) found.push(name);
  return (unique ? [...new Set(found)] : found).sort().join(',');
}

export type { Language };
