import { foldKana, normaliseText } from './normalise';
import { PHRASE_LANGUAGES, shippedPhrasebook, type Phrasebook } from './phrasebook';

/**
 * Splits a leading wake word (config/phrases/*.yaml `wake`, the robot's name as recognisers
 * mishear it included) off normalised text. The rest must not be empty: "claudia" alone is a
 * call, not a command, and stays as it is.
 */
export function stripWakeWord(normalised: string, wakeWords: readonly string[] = shippedLead().wake): { wake: string; rest: string } {
  // Wake words are short: fold only the head, so a long utterance costs nothing here.
  const folded = foldKana(normalised.slice(0, 32));
  for (const w of wakeWords) {
    if (!folded.startsWith(w)) continue;
    const rest = normalised.slice(w.length);
    // A Latin wake word must end at a word boundary ("heyday" is not "hey").
    if (/^[a-z]/.test(w) && rest.length > 0 && !rest.startsWith(' ')) continue;
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
  /** Contractions of every language: Latin ones as whole words, CJK ones inside text. */
  rewrite: Array<[RegExp, string]>;
}

const cache = new WeakMap<Phrasebook, LeadWords>();

export function leadWords(book: Phrasebook = shippedPhrasebook()): LeadWords {
  let out = cache.get(book);
  if (!out) {
    const fold = (section: 'wake' | 'filler') =>
      [...new Set(PHRASE_LANGUAGES.flatMap((l) => book[l][section]).map((w) => foldKana(normaliseText(w))).filter(Boolean))].sort((a, b) => b.length - a.length);
    const pairs = PHRASE_LANGUAGES.flatMap((l) => Object.entries(book[l].rewrite));
    const rewrite = pairs.map(([from, to]): [RegExp, string] => {
      const esc = from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      return [new RegExp(/^[a-z]/.test(from) ? `(?<![\\p{L}\\p{N}'])${esc}(?![\\p{L}\\p{N}'])` : esc, 'gu'), to];
    });
    out = { wake: fold('wake'), filler: fold('filler'), rewrite };
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
export function stripDisfluency(normalised: string, fillers: readonly string[] = shippedLead().filler): string {
  let s = normalised.trim();
  for (let changed = true, guard = 0; changed && guard < 8; guard++) {
    changed = false;
    for (const f of fillers) {
      const latin = /^[a-z]/.test(f);
      const folded = foldKana(s);
      if (folded.startsWith(f) && s.length > f.length && (!latin || s.charAt(f.length) === ' ')) {
        s = s.slice(f.length).trim();
        changed = true;
      } else if (folded.endsWith(f) && s.length > f.length && (!latin || s.charAt(s.length - f.length - 1) === ' ')) {
        s = s.slice(0, s.length - f.length).trim();
        changed = true;
      }
    }
  }
  return collapseRepeat(s);
}

/** Contractions said in full: "gimme a paw" -> "give me a paw", "座っといて" -> "座っておいて". */
export function expandContractions(normalised: string, rewrite: LeadWords['rewrite'] = shippedLead().rewrite): string {
  let s = normalised;
  for (const [re, to] of rewrite) s = s.replace(re, to);
  return s;
}

/**
 * A wake word after the command ("sit, claudia", "お座り クラウディア"): split off like a leading one.
 * Only the robot's name and its mishearings count here, not a bare "hey".
 */
export function stripTrailingWakeWord(normalised: string, wakeWords: readonly string[] = shippedLead().wake): { wake: string; rest: string } {
  const folded = foldKana(normalised);
  for (const w of wakeWords) {
    if (w.length < 4 || !folded.endsWith(w) || folded.length === w.length) continue;
    const before = normalised.slice(0, normalised.length - w.length);
    if (/^[a-z]/.test(w) && !before.endsWith(' ')) continue;
    return { wake: normalised.slice(before.length), rest: before.trim() };
  }
  return { wake: '', rest: normalised };
}

/** "sit sit" -> "sit", "坐下坐下" -> "坐下", "sit down sit down sit down" -> "sit down". */
function collapseRepeat(s: string): string {
  const compact = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}ー]+$/u.test(s);
  const unit = compact ? s : `${s} `;
  for (let n = 3; n >= 2; n--) {
    if (unit.length % n !== 0) continue;
    const part = unit.slice(0, unit.length / n);
    // A two-kana word said twice is one word (ごろごろ, ふりふり), not a repeat.
    const mimetic = compact && part.length <= 2 && !/\p{Script=Han}/u.test(part);
    if (part.length >= 2 && !mimetic && part.repeat(n) === unit) return part.trim();
  }
  return s;
}

