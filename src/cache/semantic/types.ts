import type { Language } from '../../lang/types';

/**
 * A verb reduced to what matters for matching: the fixed part (kanji root plus any
 * okurigana that does not inflect), the dictionary forms it may come from (the light
 * analyser cannot always tell 座って from 座う/座つ/座る, so it keeps every candidate),
 * and the form (command-like, negated, past...).
 */
export interface VerbToken {
  kind: 'verb';
  base: string;
  lemmas: string[];
  form: VerbForm;
}

/** cmd: te-form, imperative, masu stem, volitional, polite; dict: plain dictionary form (座る, 座れる？: a statement or question, not a request). */
export type VerbForm = 'cmd' | 'dict' | 'neg' | 'past' | 'want' | 'prog';

export interface LiteralToken {
  kind: 'lit';
  text: string;
}

export type SkeletonToken = VerbToken | LiteralToken;

/** Everything the matcher needs about one utterance; computed once per entry. */
export interface MatchFeatures {
  language: Language;
  languageCertain: boolean;
  normalised: string;
  /** Content tokens after politeness, particles and inflection are folded away. */
  skeleton: SkeletonToken[];
  /** Hashable form of the skeleton (verbs without their lemma sets): the index key. */
  key: string;
  /** Character bigrams of `key`, for the similarity score and the n-gram index. */
  grams: string[];
  /** Guard features, each a sorted list so equality is a string compare. */
  negation: number;
  /** An ability or knowledge question ("can you do a backflip"), which never shares an answer with the command. */
  question: boolean;
  directions: string;
  quantities: string;
  /** The degree words among them (a bit, もっと, 一点): what a grammar's intent does not carry. */
  amounts: string;
  speed: string;
  actions: string;
  entities: string;
  /** What the language's grammar reads the whole utterance as (src/cache/semantic/intent-fold.ts), when it reads it. */
  intent?: string;
}

/** Turns normalised text of one language into the skeleton plus guard features. */
export interface LanguageAnalyser {
  /** Text with politeness/fillers removed but meaning words kept: what guards read. */
  strip(normalised: string): string;
  skeleton(stripped: string): SkeletonToken[];
}

/** The outcome of comparing a query with one cached utterance. */
export interface PairVerdict {
  score: number;
  /** The guard that refused the hit, if any. */
  guard?: GuardName;
  hit: boolean;
}

export type GuardName =
  | 'language'
  | 'language_uncertain'
  | 'negation'
  | 'question'
  | 'direction'
  | 'number'
  | 'speed'
  | 'action'
  | 'entity'
  | 'topic'
  | 'threshold'
  /** Same words, but the request asked for another prompt type (decision cache only). */
  | 'prompt_type';
