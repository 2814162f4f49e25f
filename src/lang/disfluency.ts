import { foldKana, normaliseText } from './normalise';
import { createNameMatcher, type NameMatcher } from './fuzzy-name';
import { groupBy } from './group-by';
import { PHRASE_LANGUAGES, shippedPhrasebook, type Phrasebook } from './phrasebook';

const matchers = new WeakMap<readonly string[], NameMatcher>();
function names(wakeWords: readonly string[]): NameMatcher {
  let m = matchers.get(wakeWords);
  if (!m) matchers.set(wakeWords, (m = createNameMatcher(wakeWords)));
  return m;
}

/**
 * A wake word list grouped by first and by last character, in list order (longest first): a
 * text is compared only with the words that can start or end it. `longest` bounds the part of
 * the text that is folded for the comparison.
 */
interface WakeIndex {
  starting(first: string): readonly string[];
  ending(last: string): readonly string[];
  longest: number;
}
const wakeIndexes = new WeakMap<readonly string[], WakeIndex>();
const NONE: readonly string[] = [];
function wakeIndex(wakeWords: readonly string[]): WakeIndex {
  let ix = wakeIndexes.get(wakeWords);
  if (!ix) {
    const byFirst = groupBy(wakeWords, (w) => w.charAt(0));
    const byLast = groupBy(wakeWords, (w) => w.charAt(w.length - 1));
    // An empty word starts and ends every text: then the whole list, in order.
    const all = wakeWords.includes('');
    ix = {
      starting: (c) => (all ? wakeWords : (byFirst.get(c) ?? NONE)),
      ending: (c) => (all ? wakeWords : (byLast.get(c) ?? NONE)),
      longest: Math.max(0, ...wakeWords.map((w) => w.length)),
    };
    wakeIndexes.set(wakeWords, ix);
  }
  return ix;
}
const LATIN_START = /^[a-z]/;
const LATIN_END = /[a-z]$/;
const LATIN_OR_DIGIT_START = /^[a-z0-9]/;

/**
 * Splits a leading wake word (config/phrases/*.yaml `wake`, the robot's name as recognisers
 * mishear it included) off normalised text. The rest must not be empty: "claudia" alone is a
 * call, not a command, and stays as it is.
 */
export function stripWakeWord(normalised: string, wakeWords: readonly string[] = shippedLead().wake): { wake: string; rest: string } {
  const listed = stripListedWake(normalised, wakeWords);
  // Then the name misheard beyond the listed spellings ("hey klowdya, sit", "クラウデイア お座り").
  const n = names(wakeWords).head(listed.rest);
  const rest = n ? listed.rest.slice(n).trim() : '';
  if (!rest) return listed;
  return { wake: normalised.slice(0, normalised.length - rest.length).trim(), rest };
}

function stripListedWake(normalised: string, wakeWords: readonly string[]): { wake: string; rest: string } {
  // Wake words are short: fold only the head, so a long utterance costs nothing here.
  const folded = foldKana(normalised.slice(0, 32));
  for (const w of wakeIndex(wakeWords).starting(folded.charAt(0))) {
    if (!folded.startsWith(w)) continue;
    const rest = normalised.slice(w.length);
    // A Latin wake word must end at a word boundary ("heyday" is not "hey"); a kana or kanji
    // right after it is one ("heyクラウディア", "ＯＫクラウディア、前に進んで" once normalised).
    if (LATIN_END.test(w) && LATIN_OR_DIGIT_START.test(rest)) continue;
    const trimmed = rest.trim();
    if (trimmed.length === 0) return { wake: '', rest: normalised };
    return { wake: normalised.slice(0, w.length), rest: trimmed };
  }
  return { wake: '', rest: normalised };
}

/** Wake words and fillers of every language, normalised and kana folded, longest first. */
export interface LeadWords {
  wake: string[];
  filler: string[];
  /** Fillers at the start / at the end of kana-folded text (one regex each: this runs on every utterance). */
  fillerHead: RegExp;
  fillerTail: RegExp;
  /** Contractions of every language, one alternation: Latin ones as whole words, CJK ones inside text. */
  rewrite: { re: RegExp; to: Map<string, string> };
}

const cache = new WeakMap<Phrasebook, LeadWords>();

const escape = (w: string) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function leadWords(book: Phrasebook = shippedPhrasebook()): LeadWords {
  let out = cache.get(book);
  if (!out) {
    const fold = (section: 'wake' | 'filler') =>
      [...new Set(PHRASE_LANGUAGES.flatMap((l) => book[l][section]).map((w) => foldKana(normaliseText(w))).filter(Boolean))].sort((a, b) => b.length - a.length);
    const filler = fold('filler');
    const latin = filler.filter((f) => /^[a-z]/.test(f)).map(escape);
    const cjk = filler.filter((f) => !/^[a-z]/.test(f)).map(escape);
    const alt = (xs: string[]) => (xs.length ? xs.join('|') : '(?!)');
    // A Latin filler is a whole word ("um", not "umbrella"); a CJK one any prefix or suffix.
    const fillerHead = new RegExp(`^(?:(?:${alt(latin)})(?= )|(?:${alt(cjk)}))`, 'u');
    const fillerTail = new RegExp(`(?:(?<= )(?:${alt(latin)})|(?:${alt(cjk)}))$`, 'u');
    const to = new Map<string, string>();
    for (const l of PHRASE_LANGUAGES) for (const [from, full] of Object.entries(book[l].rewrite)) to.set(from, full);
    const forms = [...to.keys()].sort((a, b) => b.length - a.length);
    const rw = forms.map((f) => (/^[a-z]/.test(f) ? `(?<![\\p{L}\\p{N}'])${escape(f)}(?![\\p{L}\\p{N}'])` : escape(f)));
    out = { wake: fold('wake'), filler, fillerHead, fillerTail, rewrite: { re: new RegExp(alt(rw), 'gu'), to } };
    cache.set(book, out);
  }
  return out;
}

function shippedLead(): LeadWords {
  return leadWords();
}

/**
 * Disfluencies out, before the grammar and the cache: fillers and hesitations at either end
 * ("um, sit down uh", "えーと、あの、お座り", "那个嗯坐下吧") and a command said twice or three
 * times ("sit sit", "お座りお座り", "坐下坐下"). What is left must not be empty.
 */
export function stripDisfluency(normalised: string, lead: LeadWords = shippedLead()): string {
  let s = normalised.trim();
  for (let guard = 0; guard < 8; guard++) {
    // Kana folding keeps the length, so positions in the folded text are positions in `s`.
    const folded = foldKana(s);
    const head = lead.fillerHead.exec(folded)?.[0];
    if (head && head.length < s.length) {
      s = s.slice(head.length).trim();
      continue;
    }
    const tail = lead.fillerTail.exec(folded)?.[0];
    if (tail && tail.length < s.length) {
      s = s.slice(0, s.length - tail.length).trim();
      continue;
    }
    break;
  }
  return collapseRepeat(s);
}

/** Contractions said in full: "gimme a paw" -> "give me a paw", "座っといて" -> "座っておいて". */
export function expandContractions(normalised: string, rewrite: LeadWords['rewrite'] = shippedLead().rewrite): string {
  return normalised.replace(rewrite.re, (m) => rewrite.to.get(m) ?? m);
}

/**
 * A wake word after the command ("sit, claudia", "お座り クラウディア"): split off like a leading one.
 * Only the robot's name and its mishearings count here, not a bare "hey".
 */
export function stripTrailingWakeWord(normalised: string, wakeWords: readonly string[] = shippedLead().wake): { wake: string; rest: string } {
  const ix = wakeIndex(wakeWords);
  // Kana folding keeps the length, so the folded tail is the tail of the folded text.
  const folded = foldKana(normalised.slice(-ix.longest));
  for (const w of ix.ending(folded.charAt(folded.length - 1))) {
    if (w.length < 4 || !folded.endsWith(w) || normalised.length === w.length) continue;
    const before = normalised.slice(0, normalised.length - w.length);
    if (LATIN_START.test(w) && !before.endsWith(' ')) continue;
    return { wake: normalised.slice(before.length), rest: before.trim() };
  }
  const n = names(wakeWords).tail(normalised);
  const rest = n ? normalised.slice(0, normalised.length - n).trim() : '';
  if (rest && (!LATIN_END.test(normalised) || normalised[normalised.length - n - 1] === ' ')) return { wake: normalised.slice(normalised.length - n), rest };
  return { wake: '', rest: normalised };
}

/** "sit sit" -> "sit", "坐下坐下" -> "坐下", "sit down sit down sit down" -> "sit down". */
const ALL_CJK = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}ー]+$/u;
const HAS_HAN = /\p{Script=Han}/u;

function collapseRepeat(s: string): string {
  const compact = ALL_CJK.test(s);
  const unit = compact ? s : `${s} `;
  for (let n = 3; n >= 2; n--) {
    if (unit.length % n !== 0) continue;
    const part = unit.slice(0, unit.length / n);
    // A two-kana word said twice is one word (ごろごろ, ふりふり), not a repeat.
    const mimetic = compact && part.length <= 2 && !HAS_HAN.test(part);
    if (part.length >= 2 && !mimetic && part.repeat(n) === unit) return part.trim();
  }
  return s;
}

